import Foundation
import Testing
@testable import VFIOCompat

/// Every probe of the catalog under both profiles, and the catalog against the matrix.
@Suite struct ProbeCatalogTests {
    static let matrix = try! CompatMatrix.load(path: CompatMatrixTests.yamlPath)

    struct Case: CustomTestStringConvertible, Sendable {
        let probe: Probe
        let profile: SemanticsProfile
        var testDescription: String { "\(probe.name) [\(profile)]" }
    }

    static let cases: [Case] = ProbeCatalog.all.flatMap { p in SemanticsProfile.allCases.map { Case(probe: p, profile: $0) } }

    @Test(arguments: cases)
    func probePasses(_ c: Case) {
        let results = ProbeRunner(c.probe, profile: c.profile).run()
        for (step, result) in zip(c.probe.steps, results) {
            let expectation = step.expectation(for: c.profile)
            var failures = expectation.failures(result.output)
            if let record = expectation.record { failures += record.failures(result.record) }
            for failure in failures {
                Issue.record("\(c.probe.name) [\(c.profile)] `\(step.line)`: \(failure)")
            }
        }
    }

    @Test func namesAreUniqueAndRowsExist() {
        let names = ProbeCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        let ids = Set(Self.matrix.rows.map(\.id))
        for probe in ProbeCatalog.all {
            #expect(!probe.rows.isEmpty, "\(probe.name) checks no row")
            for row in probe.rows { #expect(ids.contains(row), "\(probe.name) names \(row), not in the matrix") }
            #expect(!probe.steps.isEmpty)
        }
    }

    /// Every emulated, divergent or logged row is checked by some probe that names it.
    @Test func everyServedRowHasAProbe() {
        let covered = Set(ProbeCatalog.all.flatMap(\.rows))
        for row in Self.matrix.rows where row.status != .notApplicable && ProbeCatalog.unreachableLoggedRows[row.id] == nil {
            #expect(covered.contains(row.id), "\(row.id) (\(row.status.rawValue)) is checked by no probe")
        }
        // An exempted row must really be a logged one.
        for id in ProbeCatalog.unreachableLoggedRows.keys { #expect(Self.matrix[id]?.status == .logged) }
    }

    /// Every `probe:` of the matrix exists in the catalog and checks its row.
    @Test func everyMatrixProbeNameExists() {
        for row in Self.matrix.rows {
            guard let name = row.probe, ProbeCatalog.unreachableLoggedRows[row.id] == nil else { continue }
            let probe = ProbeCatalog.probe(named: name)
            #expect(probe != nil, "\(row.id): probe \(name) is not in the catalog")
            #expect(probe?.rows.contains(row.id) == true, "\(row.id): probe \(name) does not name the row")
        }
    }

    /// The issue's rule: no code path logs a row the matrix lacks, and every
    /// `logged` row is logged (as `unsupported`) by some path the probes reach.
    @Test func recordsCiteOnlyMatrixRowsAndEveryLoggedRowIsLogged() {
        var cited = Set<String>()
        var unsupported = Set<String>()
        var divergences = Set<String>()
        for c in Self.cases {
            let runner = ProbeRunner(c.probe, profile: c.profile)
            _ = runner.run()
            for record in runner.collector.records {
                cited.formUnion(record.rows)
                if let u = record.unsupported?.row { cited.insert(u); unsupported.insert(u) }
                if let d = record.divergence?.row { cited.insert(d); divergences.insert(d) }
            }
        }
        let ids = Set(Self.matrix.rows.map(\.id.rawValue))
        for id in cited { #expect(ids.contains(id), "a record cites \(id), which the matrix lacks") }
        for row in Self.matrix.rows where row.status == .logged && ProbeCatalog.unreachableLoggedRows[row.id] == nil {
            #expect(unsupported.contains(row.id.rawValue), "logged row \(row.id) is never logged as unsupported")
        }
        for row in Self.matrix.rows where row.status == .divergent {
            #expect(divergences.contains(row.id.rawValue), "divergent row \(row.id) never appears as a divergence")
        }
        // Nothing but logged rows is ever reported unsupported.
        for id in unsupported { #expect(Self.matrix[MatrixRowID(rawValue: id)]?.status == .logged, "\(id) reported unsupported") }
    }

    /// The script is what the FUSE client runs: parseable lines, typed fields round-trip.
    @Test func scriptsRenderInTheClientLanguage() {
        let verbs: Set<String> = ["open", "close", "dup", "ioctl", "ioctl-buf", "ioctl-fdptr", "ioctl-badptr",
                                  "mmap", "munmap", "memlock", "sleep", "caller"]
        for probe in ProbeCatalog.all {
            for line in probe.script {
                let words = line.split(separator: " ").map(String.init)
                #expect(verbs.contains(words[0]), "\(probe.name): \(line)")
                if words[0] == "mmap" && words.last == "device" {
                    #expect(probe.inProcessOnly, "\(probe.name) uses an in-process-only step")
                }
                if words[0] == "ioctl-buf", words[3].contains(":") {
                    let fields = words[3].split(separator: ",").map { ProbeField.parse(String($0)) }
                    #expect(fields.allSatisfy { $0 != nil }, "\(probe.name): \(line)")
                    #expect(fields.compactMap { $0 }.map(\.description).joined(separator: ",") == words[3])
                }
            }
        }
        #expect(ProbeCatalog.probe(named: "map-memlock")?.script.first == "memlock 1048576")
        #expect(ProbeAction.map("c", iova: 0x100000, size: 0x200000, vaddr: "$ram").line
                == "ioctl-buf c VFIO_IOMMU_MAP_DMA u32:0x20,u32:0x3,u64:$ram,u64:0x100000,u64:0x200000")
    }

    @Test func outputLinesParseAndCheck() {
        let ok = ProbeOutput(line: "ok 0 0800000001000000")
        #expect(ok == ProbeOutput(ret: 0, buffer: [8, 0, 0, 0, 1, 0, 0, 0]))
        #expect(ProbeExpectation.ok(bytes: [.status(flags: 1)]).failures(ok!).isEmpty)
        #expect(ProbeExpectation.ok(bytes: [.status(flags: 3)]).failures(ok!).count == 1)
        #expect(ProbeExpectation.err(.invalidArgument).failures(ok!).count == 1)
        let err = ProbeOutput(line: "err EINVAL 22")
        #expect(err == ProbeOutput(errno: 22, errnoName: "EINVAL"))
        #expect(ProbeExpectation.err(.invalidArgument).failures(err!).isEmpty)
        #expect(ProbeExpectation.err(.badAddress).failures(err!).count == 1)
        #expect(ProbeOutput(line: "bogus") == nil)
        #expect(ProbeValue("$ram+0x1000").resolve(["ram": 0x7000]) == 0x8000)
        #expect(ProbeValue("$ram-0x1000").resolve(["ram": 0x7000]) == 0x6000)
        #expect(ProbeValue("$nope").resolve([:]) == nil)
    }
}
