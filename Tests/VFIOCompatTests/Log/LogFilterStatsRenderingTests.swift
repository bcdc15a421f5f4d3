import Testing
@testable import VFIOCompat

@Suite("Log filters, stats and rendering")
struct LogFilterStatsRenderingTests {
    /// A small session: two processes, two containers, one unsupported and one divergent call.
    static func session() -> [TranslationRecord] {
        var records: [TranslationRecord] = []
        records.append(TranslationRecord(
            pid: 10, tid: 10, profile: "type1", node: "container", container: 1,
            ioctl: "VFIO_CHECK_EXTENSION", request: 0x3B65, args: ["extension": 3],
            result: .success(1), rows: ["X-03"]))
        records.append(mapRecord(pid: 10, container: 1))
        records.append(mapRecord(pid: 10, container: 1, iova: 0x1000_0000, result: .failure(.exists), rows: ["M-01", "M-04"]))
        var unmap = TranslationRecord(
            pid: 20, tid: 21, profile: "type1", node: "container", container: 2,
            ioctl: "VFIO_IOMMU_UNMAP_DMA", request: 0x3B72,
            args: ["argsz": 24, "flags": 1, "iova": 0, "size": 0x1000],
            result: .failure(.invalidArgument), rows: ["U-02"],
            unsupported: Unsupported(row: "U-02", reason: "dirty bitmap on unmap"))
        records.append(unmap)
        unmap.unsupported = nil
        unmap.args["flags"] = 0
        unmap.result = .success(0)
        unmap.rows = []
        unmap.divergence = Divergence(row: "D-01", type1: "0", iommufd: "ENOENT(2)")
        records.append(unmap)
        var notice = TranslationRecord(
            pid: 1, tid: 0, profile: "type1", node: "daemon", ioctl: "log-dropped", args: ["count": 7],
            result: .success(0))
        notice.seq = 6
        records.append(notice)
        for i in records.indices where records[i].seq == 0 { records[i].seq = UInt64(i + 1) }
        return records
    }

    @Test func filtersSelectByEachCriterion() {
        let all = Self.session()
        func seqs(_ f: LogFilter) -> [UInt64] { all.filter(f.matches).map(\.seq) }
        #expect(seqs(LogFilter()) == [1, 2, 3, 4, 5, 6])
        #expect(seqs(LogFilter(unsupported: true)) == [4])
        #expect(seqs(LogFilter(divergent: true)) == [5])
        #expect(seqs(LogFilter(unsupported: true, divergent: true)) == [4, 5])
        #expect(seqs(LogFilter(pid: 10)) == [1, 2, 3])
        #expect(seqs(LogFilter(container: 2)) == [4, 5])
        #expect(seqs(LogFilter(ioctl: "map_dma")) == [2, 3])
        #expect(seqs(LogFilter(ioctl: "VFIO_IOMMU_UNMAP_DMA")) == [4, 5])
        #expect(seqs(LogFilter(ioctl: "DMA")) == [])
        #expect(seqs(LogFilter(pid: 10, ioctl: "MAP_DMA")) == [2, 3])
        #expect(seqs(LogFilter(unsupported: true, pid: 10)) == [])
    }

    @Test func statsCountCallsErrorsAndRowsByKind() {
        let s = LogStats(Self.session())
        #expect(s.calls == 5)
        #expect(s.processes == 2)
        #expect(s.dropped == 7)
        #expect(s.ioctls.map(\.ioctl) == ["VFIO_IOMMU_MAP_DMA", "VFIO_IOMMU_UNMAP_DMA", "VFIO_CHECK_EXTENSION"])
        let map = s.ioctls[0], unmap = s.ioctls[1], check = s.ioctls[2]
        #expect((map.calls, map.errors, map.unsupported, map.divergent) == (2, 1, 0, 0))
        #expect((unmap.calls, unmap.errors, unmap.unsupported, unmap.divergent) == (2, 1, 1, 1))
        #expect((check.calls, check.errors) == (1, 0))
        #expect(s.rows.map(\.row) == ["D-01", "M-01", "M-04", "U-02", "X-03"])
        let byRow = Dictionary(uniqueKeysWithValues: s.rows.map { ($0.row, $0) })
        #expect(byRow["M-01"].map { ($0.hits, $0.errors, $0.unsupported, $0.divergent) }! == (2, 1, 0, 0))
        #expect(byRow["U-02"].map { ($0.hits, $0.unsupported, $0.errors) }! == (1, 1, 1))
        #expect(byRow["D-01"].map { ($0.hits, $0.divergent, $0.errors) }! == (1, 1, 0))
    }

    @Test func statsTablesAreAligned() {
        let text = LogRendering.stats(LogStats(Self.session()))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "5 calls from 2 processes, 7 records dropped by the writer")
        #expect(lines[2] == "IOCTL                 CALLS  ERRORS  UNSUPPORTED  DIVERGENT")
        #expect(lines[3] == "VFIO_IOMMU_MAP_DMA        2       1            0          0")
        #expect(lines[5] == "VFIO_CHECK_EXTENSION      1       0            0          0")
        #expect(lines.contains("ROW   HITS  UNSUPPORTED  DIVERGENT  ERRORS"))
        #expect(lines.contains("U-02     1            1          0       1"))
    }

    @Test func mapRecordRendersAsOneReadableLine() {
        var r = mapRecord()
        r.time = "2025-01-31T12:00:00.123456Z"
        #expect(LogRendering.line(r) ==
            "2025-01-31T12:00:00.123456Z pid=4242 container=1 MAP_DMA iova=0x0 size=0x20000000 vaddr=0x7f1234560000 flags=R|W"
            + " → IOMMU_IOAS_MAP(iova=0x0 length=0x20000000 user_va=0x7f1234560000 flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=1)"
            + " = 0 [M-01]")
    }

    @Test func markersErrnosExtensionsAndUnknownFlagBits() {
        let s = Self.session()
        let unsupported = LogRendering.line(s[3])
        #expect(unsupported.hasSuffix("UNMAP_DMA iova=0x0 size=0x1000 flags=GET_DIRTY_BITMAP = EINVAL(22) [U-02] UNSUPPORTED(U-02: dirty bitmap on unmap)"))
        #expect(LogRendering.line(s[4]).hasSuffix("flags=0 = 0 DIVERGENT(D-01: type1=0 iommufd=ENOENT(2))"))
        #expect(LogRendering.line(s[0]).hasSuffix("pid=10 container=1 CHECK_EXTENSION extension=TYPE1v2_IOMMU(3) = 1 [X-03]"))
        #expect(LogRendering.flagNames(0x13, call: "MAP_DMA") == "R|W|0x10")
        #expect(LogRendering.shortName("VFIO_GROUP_SET_CONTAINER") == "SET_CONTAINER")
        #expect(LogRendering.shortName("open") == "open")
    }
}
