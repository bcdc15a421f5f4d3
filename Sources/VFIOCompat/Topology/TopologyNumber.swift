/// Parsing of the numbers a topology file may write as YAML integers or as
/// strings: decimal, `0x` hex, `0o` octal, `0b` binary, `_` separators allowed.
enum TopologyNumber {
    /// Parses `text` as a 64-bit unsigned number; nil if malformed or wider than 64 bits.
    static func parse(_ text: String) -> UInt64? {
        var s = text.trimmingWhitespace().replacingUnderscores()
        var radix = 10
        let lower = s.lowercased()
        if lower.hasPrefix("0x") { radix = 16; s = String(s.dropFirst(2)) }
        else if lower.hasPrefix("0o") { radix = 8; s = String(s.dropFirst(2)) }
        else if lower.hasPrefix("0b") { radix = 2; s = String(s.dropFirst(2)) }
        guard !s.isEmpty else { return nil }
        return UInt64(s, radix: radix)
    }

    /// A file mode: like `parse`, but a leading `0` means octal as in chmod (`0600`).
    static func parseMode(_ text: String) -> UInt64? {
        let s = text.trimmingWhitespace()
        if s.count > 1, s.hasPrefix("0"), s.allSatisfy(\.isNumber) { return UInt64(s.dropFirst(), radix: 8) }
        return parse(s)
    }

    /// Renders a number in hex (`0xfee00000`).
    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
