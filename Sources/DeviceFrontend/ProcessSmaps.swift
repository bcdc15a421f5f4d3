import VFIOCompat

/// The caller's memory map as `/proc/PID/smaps` shows it, reduced to `CallerMapping`s.
///
/// A mapping whose VmFlags carry `io` or `pf` (VM_IO / VM_PFNMAP) is a device
/// mapping: the kind type1 maps for peer-to-peer DMA instead of pinning pages.
public enum ProcessSmaps {
    /// Parses smaps text into mappings in address order.
    public static func parse(_ text: String) -> [CallerMapping] {
        var result: [CallerMapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let header = parseHeader(line) {
                result.append(header)
            } else if line.hasPrefix("VmFlags:"), !result.isEmpty {
                let flags = line.dropFirst("VmFlags:".count).split(separator: " ")
                if flags.contains("io") || flags.contains("pf") { result[result.count - 1].isDevice = true }
            }
        }
        return result
    }

    /// The mappings overlapping `[start, start+length)` (a zero length is treated as one byte).
    public static func mappings(in text: String, overlapping start: UInt64, length: UInt64) -> [CallerMapping] {
        let (sum, overflow) = start.addingReportingOverflow(max(length, 1))
        let end = overflow ? UInt64.max : sum
        return parse(text).filter { $0.start < end && $0.end > start }
    }

    /// `start-end perms offset dev inode [path]`; nil for a `Key: value` line.
    private static func parseHeader(_ line: Substring) -> CallerMapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
              let start = UInt64(fields[0][..<dash], radix: 16),
              let end = UInt64(fields[0][fields[0].index(after: dash)...], radix: 16),
              fields[1].count == 4 else { return nil }
        let perms = Array(fields[1])
        let name = fields.count > 5 ? String(fields[5].drop(while: { $0 == " " })) : nil
        return CallerMapping(start: start, end: end, readable: perms[0] == "r", writable: perms[1] == "w",
                             isDevice: false, name: name?.isEmpty == true ? nil : name)
    }
}
