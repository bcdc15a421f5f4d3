/// One decoded argument of a legacy call or an iommufd operation, as the
/// translation log stores it: a plain JSON integer, string, bool or array.
///
/// Integers are kept as `UInt64`/`Int64` end to end so a 64-bit IOVA such as
/// `0xffff_ffff_ffff_f000` round-trips exactly (never through `Double`).
/// A non-negative `.int(n)` equals `.uint(n)`: JSON cannot tell them apart, and
/// the decoder always yields `.uint` for non-negative numbers.
public enum LogValue: Sendable {
    case uint(UInt64)
    case int(Int64)
    case string(String)
    case bool(Bool)
    case list([LogValue])

    /// The value as an unsigned integer, if it is a non-negative integer.
    public var unsignedValue: UInt64? {
        switch self {
        case .uint(let v): return v
        case .int(let v) where v >= 0: return UInt64(v)
        default: return nil
        }
    }

    /// The value folded to its canonical case (`.int(n ≥ 0)` becomes `.uint(n)`).
    var canonical: LogValue {
        switch self {
        case .int(let v) where v >= 0: return .uint(UInt64(v))
        case .list(let items): return .list(items.map(\.canonical))
        default: return self
        }
    }
}

extension LogValue: Hashable {
    public static func == (lhs: LogValue, rhs: LogValue) -> Bool {
        switch (lhs.canonical, rhs.canonical) {
        case let (.uint(a), .uint(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.list(a), .list(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch canonical {
        case .uint(let v): hasher.combine(0); hasher.combine(v)
        case .int(let v): hasher.combine(1); hasher.combine(v)
        case .string(let v): hasher.combine(2); hasher.combine(v)
        case .bool(let v): hasher.combine(3); hasher.combine(v)
        case .list(let v): hasher.combine(4); hasher.combine(v)
        }
    }
}

extension LogValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Bool first: a JSON `true` must not become 1. Then the integer cases, so that
        // large values never pass through a floating-point type.
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let u = try? c.decode(UInt64.self) { self = .uint(u); return }
        if let i = try? c.decode(Int64.self) { self = .int(i); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let l = try? c.decode([LogValue].self) { self = .list(l); return }
        throw DecodingError.dataCorruptedError(
            in: c, debugDescription: "expected an integer, string, bool or array")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .uint(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        }
    }
}

extension LogValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    public init(integerLiteral value: Int64) {
        self = value >= 0 ? .uint(UInt64(value)) : .int(value)
    }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: LogValue...) { self = .list(elements) }
}
