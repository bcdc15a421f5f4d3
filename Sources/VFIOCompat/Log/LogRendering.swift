/// How `log show` and `log stats` print records for people: one line per call,
/// numbers in hex, flags by name, and aligned tables.
public enum LogRendering {
    /// One readable line, e.g.
    /// `2025-…Z pid=4242 container=1 MAP_DMA iova=0x0 size=0x20000000 vaddr=0x7f… flags=R|W
    ///  → IOMMU_IOAS_MAP(…) = 0 [M-01]`, then `UNSUPPORTED(…)` / `DIVERGENT(…)` markers.
    public static func line(_ r: TranslationRecord) -> String {
        var out = "\(r.time) pid=\(r.pid)"
        if let container = r.container { out += " container=\(container)" }
        if let group = r.group { out += " group=\(group)" }
        let name = shortName(r.ioctl)
        out += " " + name
        let args = arguments(r.args, call: name)
        if !args.isEmpty { out += " " + args }
        if !r.iommufd.isEmpty {
            out += " → " + r.iommufd.map { op in
                let a = arguments(op.args, call: op.op)
                return a.isEmpty ? op.op : "\(op.op)(\(a))"
            }.joined(separator: ", ")
        }
        out += " = " + r.result.summary
        if !r.rows.isEmpty { out += " [" + r.rows.joined(separator: ",") + "]" }
        if let u = r.unsupported { out += " UNSUPPORTED(\(u.row): \(u.reason))" }
        if let d = r.divergence { out += " DIVERGENT(\(d.row): type1=\(d.type1) iommufd=\(d.iommufd))" }
        return out
    }

    /// The legacy name without its `VFIO_IOMMU_` / `VFIO_GROUP_` / `VFIO_` prefix.
    public static func shortName(_ ioctl: String) -> String {
        for prefix in ["VFIO_IOMMU_", "VFIO_GROUP_", "VFIO_"] where ioctl.hasPrefix(prefix) {
            return String(ioctl.dropFirst(prefix.count))
        }
        return ioctl
    }

    /// Arguments in a stable order (the usual ones first, then by name), `argsz` left out.
    static func arguments(_ args: [String: LogValue], call: String) -> String {
        let leading = ["iova", "size", "length", "vaddr", "user_va", "flags", "extension", "type", "fd"]
        let keys = leading.filter { args[$0] != nil }
            + args.keys.filter { !leading.contains($0) && $0 != "argsz" }.sorted()
        return keys.map { "\($0)=\(value(args[$0]!, key: $0, call: call))" }.joined(separator: " ")
    }

    /// Keys whose integers read better in decimal.
    static let decimalKeys: Set<String> = ["fd", "count", "group", "container", "pid", "tid", "nr_iovas"]

    static func value(_ v: LogValue, key: String, call: String) -> String {
        switch v {
        case .uint(let n):
            if key == "flags" { return flagNames(n, call: call) }
            if key == "extension" || (key == "type" && call == "SET_IOMMU") { return extensionName(n) }
            if decimalKeys.contains(key) || key.hasSuffix("_id") { return String(n) }
            return hex(n)
        case .int(let n): return String(n)
        case .bool(let b): return String(b)
        case .string(let s): return s.contains(" ") ? "\"\(s)\"" : s
        case .list(let items): return "[" + items.map { value($0, key: key, call: call) }.joined(separator: ",") + "]"
        }
    }

    public static func hex(_ n: UInt64) -> String { "0x" + String(n, radix: 16) }

    /// Flag bits by name for the legacy calls that have them; unknown bits stay hex.
    static func flagNames(_ flags: UInt64, call: String) -> String {
        let names: [(UInt64, String)]
        switch call {
        case "MAP_DMA": names = [(1, "R"), (2, "W"), (4, "VADDR")]
        case "UNMAP_DMA": names = [(1, "GET_DIRTY_BITMAP"), (2, "ALL"), (4, "VADDR")]
        case "GET_INFO": names = [(1, "PGSIZES"), (2, "CAPS")]
        case "GET_STATUS": names = [(1, "VIABLE"), (2, "CONTAINER_SET")]
        case "DIRTY_PAGES": names = [(1, "START"), (2, "STOP"), (4, "GET_BITMAP")]
        default: return hex(flags)
        }
        if flags == 0 { return "0" }
        var parts: [String] = []
        var rest = flags
        for (bit, name) in names where flags & bit != 0 {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 { parts.append(hex(rest)) }
        return parts.joined(separator: "|")
    }

    /// `TYPE1v2_IOMMU(3)`: the extension ids of `<linux/vfio.h>`.
    static func extensionName(_ id: UInt64) -> String {
        let names: [UInt64: String] = [
            1: "TYPE1_IOMMU", 2: "SPAPR_TCE_IOMMU", 3: "TYPE1v2_IOMMU", 4: "DMA_CC_IOMMU",
            5: "EEH", 6: "TYPE1_NESTING_IOMMU", 7: "SPAPR_TCE_v2_IOMMU", 8: "NOIOMMU_IOMMU",
            9: "UNMAP_ALL", 10: "UPDATE_VADDR",
        ]
        return names[id].map { "\($0)(\(id))" } ?? String(id)
    }

    // MARK: tables

    /// Columns padded to their widest cell; columns in `rightAligned` (numbers) are right-aligned.
    public static func table(headers: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([render(headers)] + rows.map(render)).joined(separator: "\n")
    }

    /// The `log stats` report: a summary line, the per-call table and the per-row table.
    public static func stats(_ s: LogStats) -> String {
        var out = "\(s.calls) calls from \(s.processes) process\(s.processes == 1 ? "" : "es")"
        if s.dropped > 0 { out += ", \(s.dropped) records dropped by the writer" }
        out += "\n\n"
        out += table(
            headers: ["IOCTL", "CALLS", "ERRORS", "UNSUPPORTED", "DIVERGENT"],
            rows: s.ioctls.map { [$0.ioctl, String($0.calls), String($0.errors), String($0.unsupported), String($0.divergent)] },
            rightAligned: [1, 2, 3, 4])
        out += "\n\n"
        if s.rows.isEmpty {
            out += "no compat-matrix rows touched"
        } else {
            out += table(
                headers: ["ROW", "HITS", "UNSUPPORTED", "DIVERGENT", "ERRORS"],
                rows: s.rows.map { [$0.row, String($0.hits), String($0.unsupported), String($0.divergent), String($0.errors)] },
                rightAligned: [1, 2, 3, 4])
        }
        return out
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
