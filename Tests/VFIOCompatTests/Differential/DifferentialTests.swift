import Foundation
import Testing
@testable import VFIOCompat

/// The differential test's data and comparison, without a VM: which probes become cases,
/// that the allow-list only names rows the matrix documents, and how answers are judged.
struct DifferentialTests {
    static let yamlPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("compat-matrix/matrix.yaml").path

    @Test func casesUseOnlyTheContainerAndTheOneGroup() {
        let (cases, skipped) = DifferentialCase.all()
        #expect(cases.count + skipped.count == ProbeCatalog.all.count + 3)
        #expect(cases.last?.name == "qemu-sequence")
        for c in cases {
            #expect(c.lines.count == c.lineRows.count, "\(c.name)")
            for line in c.lines where line.contains("$MNT/") {
                let paths = line.split(separator: " ").filter { $0.hasPrefix("$MNT/") }
                #expect(paths.allSatisfy { $0 == "$MNT/vfio" || $0 == "$MNT/7" }, "\(c.name): \(line)")
            }
        }
        for probe in ProbeCatalog.all {
            let reason = DifferentialCase.skipReason(probe)
            #expect((reason != nil) == skipped.contains { $0.name == probe.name }, "\(probe.name)")
            if probe.inProcessOnly { #expect(reason != nil, "\(probe.name)") }
            if let limit = probe.dmaEntryLimit, reason == nil {
                #expect(cases.first { $0.name == probe.name }?.dmaEntryLimit == limit)
            }
        }
        // Default-limit cases first: the guest restarts the shim only when the limit changes.
        let limits = cases.map(\.dmaEntryLimit)
        let firstOther = limits.firstIndex { $0 != DifferentialCase.defaultDMAEntryLimit } ?? limits.count
        #expect(limits[..<firstOther].allSatisfy { $0 == DifferentialCase.defaultDMAEntryLimit })
        #expect(limits[firstOther...].dropLast(3).allSatisfy { $0 != DifferentialCase.defaultDMAEntryLimit })
        #expect(cases.contains { $0.dmaEntryLimit == 2 })
    }

    @Test func stepRowsComeFromTheRecordElseTheProbe() throws {
        let probe = Probe("p", rows: [.M01], memlock: 4096, steps: [
            A.open("c", "$MNT/vfio").okAny(),
            A.checkExtension("c", 10).ok(0, rows: [.E08]),
            A.setIOMMU("c", 6).err(.invalidArgument, unsupported: .C09),
        ])
        let c = DifferentialCase(probe: probe)
        #expect(c.lines == ["memlock 4096", "open c $MNT/vfio rdwr", "ioctl c VFIO_CHECK_EXTENSION 0xa", "ioctl c VFIO_SET_IOMMU 0x6"])
        #expect(c.lineRows == [[.M01], [.M01], [.E08], [.C09]])
    }

    @Test func allowListNamesOnlyRowsTheMatrixDocuments() throws {
        let matrix = try CompatMatrix.load(path: Self.yamlPath)
        for (row, reason) in DifferentialAllowList.rows {
            let entry = try #require(matrix[row], "\(row.rawValue) is not in the matrix")
            #expect(!reason.isEmpty)
            // Unsupported here (logged), or the type1 column names the version where it changed.
            let versioned = entry.type1.contains("6.1") || entry.type1.contains("v6.") || entry.type1.contains("from v")
            #expect(entry.status == .logged || versioned, "\(row.rawValue): \(entry.status) / \(entry.type1)")
        }
    }

    static let testCase = DifferentialCase(name: "t", rows: [.M01], lines: ["a", "b", "c", "d"],
                                           lineRows: [[.C01], [.E05], [.M01], [.M01]])

    @Test func identicalAnswersHaveNoDifference() {
        let r = DifferentialComparison.compare(Self.testCase, kernel: ["ok 3", "ok 1", "ok 0", "ok 0"], shim: ["ok 3", "ok 1", "ok 0", "ok 0"])
        #expect(r.identical && r.undocumented.isEmpty)
    }

    @Test func everyDifferenceNeedsItsOwnRow() {
        let r = DifferentialComparison.compare(Self.testCase, kernel: ["ok 3", "ok 1", "ok 0", "ok 0"],
                                               shim: ["ok 3", "ok 0", "err EINVAL 22", "ok 0"])
        #expect(r.differences.map(\.line) == [2, 3])
        #expect(r.differences[0].verdict == .documented(.E05, DifferentialAllowList.rows[.E05]!))
        // A consequence of a documented difference is not documented by it.
        #expect(r.undocumented.map(\.line) == [3])
    }

    @Test func wrapAroundErrnoOfV618IsDocumentedByTheRequestsRow() {
        let c = DifferentialCase(name: "w", rows: [.U15], lines: ["ioctl-buf c VFIO_IOMMU_UNMAP_DMA u32:24", "ioctl-buf c VFIO_IOMMU_MAP_DMA u32:32",
                                                                  "ioctl c VFIO_CHECK_EXTENSION 1"], lineRows: [[.U15], [.U15], [.U15]])
        let r = DifferentialComparison.compare(c, kernel: ["err EINVAL 22 18", "err EINVAL 22 20", "err EINVAL 22"],
                                               shim: ["err EOVERFLOW 75 18", "err EOVERFLOW 75 21", "err EOVERFLOW 75"])
        #expect(r.differences.map(\.verdict) == [.documented(.U16, DifferentialAllowList.rows[.U16]!), .undocumented, .undocumented])
    }

    @Test func undocumentedDifferenceFails() {
        let r = DifferentialComparison.compare(Self.testCase, kernel: ["ok 3", "ok 1", "ok 0", "ok 0"],
                                               shim: ["ok 4", "ok 1", "ok 0"])
        #expect(r.undocumented.map(\.line) == [1, 4])
        #expect(r.undocumented.last?.shim == "<no output>")
    }

    // GET_INFO buffers as 6.1 and the shim write them (two IOVA ranges).
    static func le(_ v: UInt64, _ n: Int) -> String { (0..<n).map { String(format: "%02x", (v >> (8 * UInt64($0))) & 0xff) }.joined() }
    static func ranges() -> String { le(0, 8) + le(0xfedf_ffff, 8) + le(0xfef0_0000, 8) + le(0x7f_ffff_ffff, 8) }
    /// 6.1: MIGRATION @24 (32 bytes), DMA_AVAIL @56 (12, unpadded), IOVA_RANGE @68.
    static func kernelInfo(avail: UInt64 = 65535) -> String {
        "ok 0 " + le(116, 4) + le(3, 4) + le(0x4020_1000, 8) + le(24, 4) + le(0, 4)
            + le(2, 2) + le(1, 2) + le(56, 4) + le(0, 4) + le(0, 4) + le(0x1000, 8) + le(0x1000_0000, 8)
            + le(3, 2) + le(1, 2) + le(68, 4) + le(avail, 4)
            + le(1, 2) + le(1, 2) + le(0, 4) + le(2, 4) + le(0, 4) + ranges()
    }
    /// The shim: DMA_AVAIL @24 (padded to 16), IOVA_RANGE @40.
    static func shimInfo(avail: UInt64 = 65535) -> String {
        "ok 0 " + le(88, 4) + le(3, 4) + le(0x4020_1000, 8) + le(24, 4) + le(0, 4)
            + le(3, 2) + le(1, 2) + le(40, 4) + le(avail, 4) + le(0, 4)
            + le(1, 2) + le(1, 2) + le(0, 4) + le(2, 4) + le(0, 4) + ranges()
    }

    @Test func getInfoLayoutIsDocumentedButContentIsNot() {
        let c = DifferentialCase(name: "i", rows: [.I07], lines: ["ioctl-buf c VFIO_IOMMU_GET_INFO u32:256 256"], lineRows: [[.I07]])
        let same = DifferentialComparison.compare(c, kernel: [Self.kernelInfo()], shim: [Self.shimInfo()])
        #expect(same.differences.map(\.verdict) == [.documented(.I06, DifferentialAllowList.rows[.I06]!)])
        let avail = DifferentialComparison.compare(c, kernel: [Self.kernelInfo()], shim: [Self.shimInfo(avail: 65534)])
        #expect(avail.undocumented.count == 1)
        let errno = DifferentialComparison.compare(c, kernel: [Self.kernelInfo()], shim: ["err EINVAL 22"])
        #expect(errno.undocumented.count == 1)
    }

    @Test func sectionsSplitByCaseAndSide() {
        let text = "noise\n@@ a kernel\nok 0\nok 1\n@@ a shim\nok 0\n@@ b kernel\n\n@@ b shim\nerr EINVAL 22\n@@ end\n## trailer\n"
        let s = DifferentialComparison.parseSections(text)
        #expect(s["a"]?.kernel == ["ok 0", "ok 1"] && s["a"]?.shim == ["ok 0"])
        #expect(s["b"]?.kernel == [] && s["b"]?.shim == ["err EINVAL 22"])
        #expect(s.count == 2)
    }
}
