/// Byte-level helpers for the `/proc` text files read on every request.
///
/// `/proc/TID/status` is read for each ioctl's caller identity and a VMM's
/// `/proc/PID/smaps` can run to megabytes, so these work on UTF-8 bytes:
/// splitting `String`s by `Character` cost ~190 µs per status file.
enum ProcText {
    /// Calls `body` with each line (without its newline) of `bytes`.
    static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Slice<UnsafeBufferPointer<UInt8>>) -> Void) {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            var end = start
            while end < bytes.endIndex && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            body(bytes[start..<end])
            start = end + 1
        }
    }

    /// Splits a line at spaces and tabs into fields (no empty fields).
    static func fields(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> [Slice<UnsafeBufferPointer<UInt8>>] {
        var result: [Slice<UnsafeBufferPointer<UInt8>>] = []
        var i = line.startIndex
        while i < line.endIndex {
            while i < line.endIndex && (line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t")) { i += 1 }
            let s = i
            while i < line.endIndex && line[i] != UInt8(ascii: " ") && line[i] != UInt8(ascii: "\t") { i += 1 }
            if s < i { result.append(line[s..<i]) }
        }
        return result
    }

    /// Whether `line` starts with the ASCII `prefix`.
    static func hasPrefix(_ line: Slice<UnsafeBufferPointer<UInt8>>, _ prefix: StaticString) -> Bool {
        guard line.count >= prefix.utf8CodeUnitCount else { return false }
        return prefix.withUTF8Buffer { p in zip(line, p).allSatisfy { $0 == $1 } }
    }

    /// An unsigned number in `radix` (10 or 16); nil if empty, not a number or too large.
    static func number<S: Collection>(_ digits: S, radix: UInt64) -> UInt64? where S.Element == UInt8 {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for c in digits {
            let d: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: d = UInt64(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: d = UInt64(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = a
        }
        return value
    }
}
