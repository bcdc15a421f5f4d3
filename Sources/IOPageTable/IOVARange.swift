/// A closed interval `[start, last]` of IOVA space; `last` is inclusive so a range may end at 2^64-1.
/// Mirrors iommufd's `iova`/`last` convention (`io_pagetable.h`): `last` is never computed without an overflow check.
public struct IOVARange: Hashable, Sendable, CustomStringConvertible {
    public let start: UInt64
    public let last: UInt64

    /// - Precondition: `start <= last`.
    public init(start: UInt64, last: UInt64) {
        precondition(start <= last, "IOVARange needs start <= last")
        self.start = start
        self.last = last
    }

    /// The range of `length` bytes from `start`.
    /// - Throws: `.zeroLength` for length 0, `.overflow` when `start + length - 1` wraps.
    public static func checked(start: UInt64, length: UInt64) throws(IOPageTableError) -> IOVARange {
        guard length > 0 else { throw .zeroLength }
        // iommufd: check_add_overflow(iova, length - 1, &last) in iopt_check_iova
        let (last, wrapped) = start.addingReportingOverflow(length - 1)
        guard !wrapped else { throw .overflow }
        return IOVARange(start: start, last: last)
    }

    /// Length minus one: always representable, even for the whole 64-bit space.
    public var lengthMinusOne: UInt64 { last - start }

    /// Length in bytes; nil only for `[0, UInt64.max]`, whose length is 2^64.
    public var length: UInt64? {
        lengthMinusOne == .max ? nil : lengthMinusOne + 1
    }

    /// Length as a 128-bit count, exact for every range.
    var exactLength: UInt128 { UInt128(lengthMinusOne) + 1 }

    public func contains(_ iova: UInt64) -> Bool { start <= iova && iova <= last }
    public func contains(_ other: IOVARange) -> Bool { start <= other.start && other.last <= last }
    public func overlaps(_ other: IOVARange) -> Bool { start <= other.last && other.start <= last }

    public var description: String {
        "[0x\(String(start, radix: 16)), 0x\(String(last, radix: 16))]"
    }
}
