/// A value in a client script: a number, or `$NAME` / `$NAME+N` / `$NAME-N`
/// (an fd number or mmap address known only when the script runs).
public enum ProbeValue: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, CustomStringConvertible {
    case literal(UInt64)
    case symbol(String, offset: Int64)

    public init(integerLiteral value: UInt64) { self = .literal(value) }

    /// `"$ram"`, `"$ram+4096"`, `"$ram-0x1000"`.
    public init(stringLiteral text: String) {
        precondition(text.hasPrefix("$"), "a symbolic value starts with $")
        let body = text.dropFirst()
        if let i = body.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            let magnitude = ProbeValue.parseNumber(String(body[body.index(after: i)...]))!
            let offset = Int64(bitPattern: magnitude)
            self = .symbol(String(body[..<i]), offset: body[i] == "-" ? -offset : offset)
        } else {
            self = .symbol(String(body), offset: 0)
        }
    }

    /// Script spelling: hex numbers, `$NAME±0x…`.
    public var description: String {
        switch self {
        case .literal(let v): "0x" + String(v, radix: 16)
        case .symbol(let name, let offset) where offset == 0: "$" + name
        case .symbol(let name, let offset) where offset > 0: "$\(name)+0x" + String(offset, radix: 16)
        case .symbol(let name, let offset): "$\(name)-0x" + String(offset.magnitude, radix: 16)
        }
    }

    /// The value with symbols looked up in `symbols` (nil if one is unknown).
    public func resolve(_ symbols: [String: UInt64]) -> UInt64? {
        switch self {
        case .literal(let v): return v
        case .symbol(let name, let offset):
            guard let base = symbols[name] else { return nil }
            return base &+ UInt64(bitPattern: offset)
        }
    }

    /// Parses a script value: decimal, `0x…`, or a symbol.
    public static func parse(_ token: String) -> ProbeValue? {
        if token.hasPrefix("$") { return ProbeValue(stringLiteral: token) }
        return parseNumber(token).map(ProbeValue.literal)
    }

    static func parseNumber(_ token: String) -> UInt64? {
        if token.hasPrefix("0x") || token.hasPrefix("0X") { return UInt64(token.dropFirst(2), radix: 16) }
        return UInt64(token)
    }
}

/// One little-endian field of a struct in an `ioctl-buf` step (`u32:32`).
public struct ProbeField: Sendable, Hashable, CustomStringConvertible {
    /// Width in bytes: 1, 2, 4 or 8.
    public var width: Int
    public var value: ProbeValue

    public init(width: Int, _ value: ProbeValue) {
        precondition([1, 2, 4, 8].contains(width))
        self.width = width; self.value = value
    }

    public static func u8(_ v: ProbeValue) -> ProbeField { ProbeField(width: 1, v) }
    public static func u16(_ v: ProbeValue) -> ProbeField { ProbeField(width: 2, v) }
    public static func u32(_ v: ProbeValue) -> ProbeField { ProbeField(width: 4, v) }
    public static func u64(_ v: ProbeValue) -> ProbeField { ProbeField(width: 8, v) }

    public var description: String { "u\(width * 8):\(value)" }

    /// Parses `u32:0x20` or `u64:$ram+0x1000`.
    public static func parse(_ token: String) -> ProbeField? {
        let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let bits = Int(parts[0].dropFirst()), parts[0].first == "u",
              [8, 16, 32, 64].contains(bits), let value = ProbeValue.parse(parts[1]) else { return nil }
        return ProbeField(width: bits / 8, value)
    }

    /// The fields as bytes, symbols resolved (nil if one is unknown).
    public static func encode(_ fields: [ProbeField], symbols: [String: UInt64] = [:]) -> [UInt8]? {
        var out: [UInt8] = []
        for field in fields {
            guard let v = field.value.resolve(symbols) else { return nil }
            for i in 0..<field.width { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        return out
    }
}
