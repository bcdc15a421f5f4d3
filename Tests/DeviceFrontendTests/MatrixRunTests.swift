import DeviceFrontend
import Foundation
import Testing
import VFIOCompat

/// `matrix run` through real mounts: the runner on single probes (a pass, and a
/// wrong expectation reported as a failure), the CLI's formats and exit status,
/// and the committed reports against a fresh full run.
@Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
struct MatrixRunTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let matrixPath = repository.appendingPathComponent("compat-matrix/matrix.yaml").path
    static let runner = MatrixRunner(clientPath: Client.path)

    static func requireTools() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Client.path), "build vfio-client first: \(Client.path)")
    }

    @Test(arguments: SemanticsProfile.allCases)
    func probePassesThroughFUSE(profile: SemanticsProfile) throws {
        try Self.requireTools()
        let probe = try #require(ProbeCatalog.probe(named: "set-iommu-no-group"))
        let result = Self.runner.run(probe, profile: profile, on: ProbeMountTarget())
        #expect(result.verdict == .pass, "\(result.failures)")
        #expect(result.steps.count == probe.steps.count)
        // The divergent step: each kernel's errno, and its record names the row.
        let last = try #require(result.steps.last)
        #expect(last.output == (profile == .type1 ? "err EINVAL" : "err ENODEV"))
        #expect(last.records.count == 1)
        #expect(last.records.first?.ioctl == "VFIO_SET_IOMMU")
        #expect(last.records.first?.divergence == "C-05")
    }

    @Test func wrongExpectationIsReportedAsFailure() throws {
        try Self.requireTools()
        var probe = try #require(ProbeCatalog.probe(named: "api-version"))
        // Claim GET_API_VERSION answers 1 and that its record is unsupported: both are wrong.
        let index = try #require(probe.steps.firstIndex { $0.line.contains("VFIO_GET_API_VERSION") })
        probe.steps[index] = ProbeAction(probe.steps[index].line).ok(1, unsupported: .C02)
        let result = Self.runner.run(probe, profile: .type1, on: ProbeMountTarget())
        #expect(result.verdict == .fail)
        #expect(result.failures.count == 2, "\(result.failures)")
        #expect(result.failures.contains { $0.hasPrefix("step \(index + 1) ") && $0.contains("expected ok 1, got ok 0") })
        #expect(result.failures.contains { $0.contains("record unsupported is none, expected C-02") })
        // The row built from it fails and says why; the report fails.
        let matrix = try CompatMatrix.load(path: Self.matrixPath)
        let row = try #require(matrix[.C02])
        let report = MatrixRunReport(matrix: matrix, rows: [row], profiles: [.type1], results: [result])
        #expect(report.rows.first?.verdict == .fail)
        #expect(report.failed)
        #expect(report.table().contains("FAIL C-02: [type1] step \(index + 1)"))
    }

    @Test func callerStepRunsFromAnotherProcess() throws {
        try Self.requireTools()
        let probe = try #require(ProbeCatalog.probe(named: "fd-other-process"))
        #expect(!probe.inProcessOnly)
        let result = Self.runner.run(probe, profile: .type1, on: ProbeMountTarget())
        #expect(result.verdict == .pass, "\(result.failures)")
        let map = try #require(result.steps.first { $0.line.contains("MAP_DMA") })
        #expect(map.records.first?.rows.contains("B-12") == true)
    }

    @Test func deviceMappingProbesAreSkippedWithTheReason() throws {
        let probe = try #require(ProbeCatalog.probe(named: "map-p2p"))
        let result = Self.runner.run(probe, profile: .type1, on: ProbeMountTarget())
        #expect(result.verdict == .skipped)
        #expect(result.note == MatrixRunner.inProcessOnlyReason)
    }

    /// compat-matrix/report.md and report.json are the output of a full run under both profiles.
    @Test func committedReportsAreCurrent() throws {
        try Self.requireTools()
        let matrix = try CompatMatrix.load(path: Self.matrixPath)
        let jobs = ProbeCatalog.all.flatMap { p in [SemanticsProfile.type1, .iommufd].map { (p, $0) } }
        let results = Self.runner.runAll(jobs, on: ProbeMountTarget(), width: 2)
        let report = MatrixRunReport(matrix: matrix, rows: matrix.rows, profiles: [.type1, .iommufd], results: results)
        let regenerate = """
            regenerate with: swift run vfio-compat matrix run --format md --out compat-matrix/report.md; \
            swift run vfio-compat matrix run --format json --out compat-matrix/report.json
            """
        for (name, text) in [("report.md", report.markdown()), ("report.json", report.json())] {
            let path = Self.repository.appendingPathComponent("compat-matrix/" + name).path
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(committed == text, "compat-matrix/\(name) is stale: \(regenerate)")
        }
        #expect(!report.failed, "\(report.rows.filter { $0.verdict == .fail }.map { "\($0.id): \($0.note ?? "")" })")
    }

    // MARK: - The CLI

    static func tool(_ arguments: [String]) throws -> (Int32, String, String) { try MountCommandTests.run(arguments) }

    @Test func cliFormatsAndExitStatus() throws {
        try Self.requireTools()
        try #require(FileManager.default.isExecutableFile(atPath: MountCommandTests.toolPath), "build vfio-compat first")
        let base = ["matrix", "run", "--matrix", Self.matrixPath, "--rows", "C-05,M-15,B-03"]
        let (status, table, progress) = try Self.tool(base)
        #expect(status == 0, "\(progress)")
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ROW   STATUS          PROBE") == true)
        #expect(lines.contains { $0.hasPrefix("C-05  divergent       set-iommu-no-group") && $0.contains("err EINVAL") && $0.contains("err ENODEV") && $0.contains(" pass ") })
        #expect(lines.contains { $0.hasPrefix("M-15") && $0.contains("skipped") })
        #expect(lines.contains { $0.hasPrefix("B-03") && $0.contains("(n/a)") })
        #expect(lines.last == "3 rows (type1 + iommufd): 1 pass, 0 fail, 1 skipped, 1 not-applicable, 0 unreachable")
        // stderr is not a terminal here: one plain progress line per probe run.
        #expect(progress.split(separator: "\n").count == 4, "\(progress)")

        let (jsonStatus, json, _) = try Self.tool(base + ["--format", "json", "--profile", "iommufd"])
        #expect(jsonStatus == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["profiles"] as? [String] == ["iommufd"])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == ["C-05", "M-15", "B-03"])
        #expect((rows[0]["observed"] as? [String: String]) == ["iommufd": "err ENODEV"])
        #expect(rows[2]["verdict"] as? String == "not-applicable")
        #expect((rows[2]["note"] as? String)?.isEmpty == false)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString.prefix(6)).md").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (mdStatus, mdStdout, _) = try Self.tool(base + ["--format", "md", "--out", out])
        #expect(mdStatus == 0 && mdStdout.isEmpty)
        let md = try String(contentsOfFile: out, encoding: .utf8)
        #expect(md.contains("| C-05 | SET_IOMMU with no group attached | divergent |"))
        #expect(md.contains("### set-iommu-no-group"))
    }

    @Test func cliExitsNonZeroWhenTheObservedBehaviourContradictsTheMatrix() throws {
        try #require(FileManager.default.isExecutableFile(atPath: MountCommandTests.toolPath), "build vfio-compat first")
        // A client that answers "ok 0" to every step: set-iommu-no-group then "succeeds" where the matrix says EINVAL.
        let fake = FileManager.default.temporaryDirectory.appendingPathComponent("fake-client-\(UUID().uuidString.prefix(6))").path
        try "#!/bin/sh\nwhile read line; do echo 'ok 0'; done\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        defer { try? FileManager.default.removeItem(atPath: fake) }
        let (status, table, _) = try Self.tool(["matrix", "run", "--matrix", Self.matrixPath, "--rows", "C-05",
                                                "--profile", "type1", "--client", fake])
        #expect(status == 1)
        #expect(table.contains("FAIL C-05: [type1] step 2 `ioctl c VFIO_SET_IOMMU 0x3`: expected EINVAL(22), got ok 0"), "\(table)")
    }

    @Test func cliRejectsUnknownRowsAndMountWithoutLog() throws {
        try #require(FileManager.default.isExecutableFile(atPath: MountCommandTests.toolPath), "build vfio-compat first")
        let (status, _, err) = try Self.tool(["matrix", "run", "--matrix", Self.matrixPath, "--rows", "Z-99"])
        #expect(status == 64)
        #expect(err.contains("--rows: Z-99 is not a row of the matrix"))
        let (status2, _, err2) = try Self.tool(["matrix", "run", "--mount", "/tmp"])
        #expect(status2 == 64)
        #expect(err2.contains("--mount needs --log FILE"))
    }
}
