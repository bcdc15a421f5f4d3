/// The numbers behind `log stats`: per legacy call and per compat-matrix row.
public struct LogStats: Sendable, Hashable {
    /// One legacy call's totals.
    public struct IoctlCounts: Sendable, Hashable {
        public var ioctl: String
        public var calls = 0
        public var errors = 0
        public var unsupported = 0
        public var divergent = 0
    }

    /// One matrix row's hits, by kind: a plain touch, an unsupported feature, a divergence,
    /// and how many of those calls failed.
    public struct RowCounts: Sendable, Hashable {
        public var row: String
        public var hits = 0
        public var unsupported = 0
        public var divergent = 0
        public var errors = 0
    }

    /// Per legacy call, most calls first (ties by name).
    public var ioctls: [IoctlCounts]
    /// Per matrix row, by row id.
    public var rows: [RowCounts]
    /// Records counted (drop notices excluded).
    public var calls: Int
    /// Records the writer dropped, as its `log-dropped` notices report them.
    public var dropped: UInt64
    /// Distinct processes seen.
    public var processes: Int

    public init(_ records: some Sequence<TranslationRecord>) {
        var byIoctl: [String: IoctlCounts] = [:]
        var byRow: [String: RowCounts] = [:]
        var calls = 0
        var dropped: UInt64 = 0
        var pids = Set<Int32>()
        for record in records {
            if record.isDropNotice {
                dropped += record.args["count"]?.unsignedValue ?? 0
                continue
            }
            calls += 1
            pids.insert(record.pid)
            let failed = record.result.isError
            var counts = byIoctl[record.ioctl] ?? IoctlCounts(ioctl: record.ioctl)
            counts.calls += 1
            if failed { counts.errors += 1 }
            if record.unsupported != nil { counts.unsupported += 1 }
            if record.divergence != nil { counts.divergent += 1 }
            byIoctl[record.ioctl] = counts
            // A row named only by the unsupported/divergence marker still counts as touched.
            var touched = record.rows
            for extra in [record.unsupported?.row, record.divergence?.row].compactMap({ $0 })
            where !touched.contains(extra) {
                touched.append(extra)
            }
            for row in touched {
                var r = byRow[row] ?? RowCounts(row: row)
                r.hits += 1
                if record.unsupported?.row == row { r.unsupported += 1 }
                if record.divergence?.row == row { r.divergent += 1 }
                if failed { r.errors += 1 }
                byRow[row] = r
            }
        }
        ioctls = byIoctl.values.sorted { ($0.calls, $1.ioctl) > ($1.calls, $0.ioctl) }
        rows = byRow.values.sorted { $0.row < $1.row }
        self.calls = calls
        self.dropped = dropped
        self.processes = pids.count
    }
}
