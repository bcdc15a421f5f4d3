import VFIOCompat

/// The caller's memory map as `/proc/PID/maps` or `/proc/PID/smaps` shows it,
/// reduced to `CallerMapping`s (maps has only the header lines, so no VmFlags).
///
/// A mapping whose VmFlags carry `io` or `pf` (VM_IO / VM_PFNMAP) is a device
/// mapping: the kind type1 maps for peer-to-peer DMA instead of pinning pages.
/// Parsed as bytes: a VMM's map runs to many thousands of lines.
public enum ProcessSmaps {
    /// Parses smaps text into mappings in address order.
    public static func parse(_ text: String) -> [CallerMapping] {
        mappings(in: text, overlapping: 0, length: .max)
    }

    /// The mappings overlapping `[start, start+length)` (a zero length is treated as one byte).
    public static func mappings(in text: String, overlapping start: UInt64, length: UInt64) -> [CallerMapping] {
        var text = text
        return text.withUTF8 { mappings(inBytes: $0, overlapping: start, length: length) }
    }

    static func mappings(inBytes bytes: UnsafeBufferPointer<UInt8>, overlapping start: UInt64, length: UInt64) -> [CallerMapping] {
        let (sum, overflow) = start.addingReportingOverflow(max(length, 1))
        let end = overflow ? UInt64.max : sum
        var result: [CallerMapping] = []
        var current: CallerMapping?   // the overlapping mapping whose detail lines follow
        ProcText.forEachLine(bytes) { line in
            if let header = parseHeader(line) {
                if let c = current { result.append(c) }
                current = header.start < end && header.end > start ? header : nil
            } else if current != nil, ProcText.hasPrefix(line, "VmFlags:") {
                let flags = ProcText.fields(line.dropFirst(8))
                if flags.contains(where: { $0.elementsEqual("io".utf8) || $0.elementsEqual("pf".utf8) }) {
                    current!.isDevice = true
                }
            }
        }
        if let c = current { result.append(c) }
        return result
    }

    /// `start-end perms offset dev inode [path]`; nil for a `Key: value` line.
    private static func parseHeader(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> CallerMapping? {
        guard let first = line.first, ProcText.number(CollectionOfOne(first), radix: 16) != nil else { return nil }
        let fields = ProcText.fields(line)
        guard fields.count >= 5, let dash = fields[0].firstIndex(of: UInt8(ascii: "-")),
              let start = ProcText.number(fields[0][..<dash], radix: 16),
              let end = ProcText.number(fields[0][(dash + 1)...], radix: 16),
              fields[1].count == 4 else { return nil }
        let perms = Array(fields[1])
        // The path may hold spaces: it is everything after the fifth field.
        var name: String?
        if fields.count > 5 {
            name = String(decoding: line[fields[5].startIndex..<line.endIndex], as: UTF8.self)
        }
        return CallerMapping(start: start, end: end, readable: perms[0] == UInt8(ascii: "r"),
                             writable: perms[1] == UInt8(ascii: "w"), isDevice: false, name: name)
    }
}
