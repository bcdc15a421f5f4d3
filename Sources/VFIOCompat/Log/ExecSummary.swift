/// What `vfio-compat exec` reports once its command has ended: the legacy calls it made, the
/// mappings it created, the unsupported features and divergences it hit (by matrix row), what it
/// would change to run on iommufd natively, and what it left behind in the shim.
public struct ExecSummary: Sendable {
    /// One successful MAP_DMA.
    public struct Mapping: Sendable, Hashable {
        public var container: UInt32
        public var iova: UInt64
        public var size: UInt64
        public var vaddr: UInt64
        public var flags: UInt64
    }

    /// One unsupported or divergent row, with how often it was hit and what the record said.
    public struct RowHit: Sendable, Hashable {
        public var row: String
        public var calls: [String]
        public var count: Int
        /// The unsupported reason, or `type1=… iommufd=…` for a divergence.
        public var detail: String
    }

    public let stats: LogStats
    /// Legacy calls in the order the command first made them.
    public let callOrder: [String]
    /// Processes that made calls (pid 0, the kernel's asynchronous RELEASE, not counted).
    public let processes: Int
    public let mappings: [Mapping]
    public let unsupported: [RowHit]
    public let divergent: [RowHit]
    /// Every row touched, for the advice.
    public let rowsTouched: [MatrixRowID]
    public let profile: String?
    /// Containers, open files and live mappings still in the shim when the command had ended.
    public let leftContainers: Int
    public let leftOpenFiles: Int
    public let leftMappings: Int
    /// Records emitted but not kept in memory (counted in no table).
    public let overflow: Int

    public init(records: [TranslationRecord], leftover: DispatcherSnapshot, overflow: Int = 0) {
        stats = LogStats(records)
        profile = records.first?.profile
        var mappings: [Mapping] = []
        var unsupported: [String: RowHit] = [:], divergent: [String: RowHit] = [:]
        var touched = Set<MatrixRowID>()
        var order: [String] = [], pids = Set<Int32>()
        func note(_ table: inout [String: RowHit], _ row: String, _ call: String, _ detail: String) {
            var hit = table[row] ?? RowHit(row: row, calls: [], count: 0, detail: detail)
            hit.count += 1
            if !hit.calls.contains(call) { hit.calls.append(call) }
            table[row] = hit
        }
        for record in records where !record.isDropNotice {
            let call = LogRendering.shortName(record.ioctl)
            if !order.contains(record.ioctl) { order.append(record.ioctl) }
            if record.pid > 0 { pids.insert(record.pid) }
            for row in record.rows + [record.unsupported?.row, record.divergence?.row].compactMap({ $0 }) {
                touched.insert(MatrixRowID(rawValue: row))
            }
            if let u = record.unsupported { note(&unsupported, u.row, call, u.reason) }
            if let d = record.divergence { note(&divergent, d.row, call, "type1=\(d.type1) iommufd=\(d.iommufd)") }
            if record.ioctl == "VFIO_IOMMU_MAP_DMA", !record.result.isError,
               let iova = record.args["iova"]?.unsignedValue, let size = record.args["size"]?.unsignedValue {
                mappings.append(Mapping(container: record.container ?? 0, iova: iova, size: size,
                                        vaddr: record.args["vaddr"]?.unsignedValue ?? 0,
                                        flags: record.args["flags"]?.unsignedValue ?? 0))
            }
        }
        self.mappings = mappings
        callOrder = order
        processes = pids.count
        self.unsupported = unsupported.values.sorted { $0.row < $1.row }
        self.divergent = divergent.values.sorted { $0.row < $1.row }
        rowsTouched = touched.sorted()
        leftContainers = leftover.containers.count
        leftOpenFiles = leftover.openHandles
        leftMappings = leftover.containers.reduce(0) { $0 + $1.areas.count }
        self.overflow = overflow
    }

    /// True when the shim holds nothing of the command's any more.
    public var shimIsEmpty: Bool { leftContainers == 0 && leftOpenFiles == 0 && leftMappings == 0 }

    /// Mappings listed one per line before the rest is only counted.
    public static let listedMappings = 32

    /// The report, in sections; each table aligned as `log stats` aligns its own.
    public func render() -> String {
        var out: [String] = []
        var head = "translation: \(stats.calls) call\(stats.calls == 1 ? "" : "s") from "
            + "\(processes) process\(processes == 1 ? "" : "es")"
        if let profile { head += ", profile \(profile)" }
        if overflow > 0 { head += " (\(overflow) more not kept in memory)" }
        out.append(head)
        if stats.calls == 0 {
            out.append("the command never opened the shim's nodes")
        } else {
            out.append("")
            out.append("ioctls used:")
            out.append(indent(LogRendering.table(
                headers: ["CALL", "CALLS", "ERRORS"],
                rows: callOrder.compactMap { name in stats.ioctls.first { $0.ioctl == name } }
                    .map { [LogRendering.shortName($0.ioctl), String($0.calls), String($0.errors)] },
                rightAligned: [1, 2])))
        }
        let bytes = mappings.reduce(UInt64(0)) { $0 &+ $1.size }
        out.append("")
        out.append("mappings made: \(mappings.count)" + (mappings.isEmpty ? "" : " (\(LogRendering.hex(bytes)) bytes)"))
        if !mappings.isEmpty {
            var rows = mappings.prefix(Self.listedMappings).map { m in
                [String(m.container), "[\(LogRendering.hex(m.iova)), \(LogRendering.hex(m.iova &+ m.size)))",
                 LogRendering.hex(m.size), LogRendering.flagNames(m.flags, call: "MAP_DMA"), LogRendering.hex(m.vaddr)]
            }
            if mappings.count > Self.listedMappings { rows.append(["…", "\(mappings.count - Self.listedMappings) more", "", "", ""]) }
            out.append(indent(LogRendering.table(headers: ["CONTAINER", "IOVA", "SIZE", "FLAGS", "VADDR"], rows: rows)))
        }
        out.append("")
        out.append("unsupported features hit: \(unsupported.isEmpty ? "none" : "")")
        if !unsupported.isEmpty { out.append(indent(hitTable(unsupported))) }
        out.append("divergences (type1 vs iommufd compat) hit: \(divergent.isEmpty ? "none" : "")")
        if !divergent.isEmpty { out.append(indent(hitTable(divergent))) }
        let advice = NativeAdvice.advice(for: rowsTouched)
        out.append("")
        out.append("to run on iommufd natively (/dev/iommu + VFIO device cdev):" + (advice.isEmpty ? " nothing to change" : ""))
        if !advice.isEmpty {
            out.append(indent(LogRendering.table(
                headers: ["ROWS", "CHANGE"],
                rows: advice.map { [$0.rows.map(\.rawValue).joined(separator: ","), $0.text] })))
        }
        out.append("")
        if shimIsEmpty {
            out.append("left in the shim: nothing")
        } else {
            out.append("left in the shim: \(leftContainers) container\(leftContainers == 1 ? "" : "s"), "
                       + "\(leftOpenFiles) open file\(leftOpenFiles == 1 ? "" : "s"), "
                       + "\(leftMappings) mapping\(leftMappings == 1 ? "" : "s") (dropped at unmount)")
        }
        return out.map { $0.trimmingTrailingSpaces() }.joined(separator: "\n")
    }

    private func hitTable(_ hits: [RowHit]) -> String {
        LogRendering.table(headers: ["ROW", "CALLS", "HITS", "DETAIL"],
                           rows: hits.map { [$0.row, $0.calls.joined(separator: ","), String($0.count), $0.detail] },
                           rightAligned: [2])
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
