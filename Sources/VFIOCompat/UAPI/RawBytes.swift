/// Little-endian field access on the raw bytes of a uAPI struct.
///
/// The kernel copies a struct with `copy_from_user` and reads native (x86-64:
/// little-endian) fields; a field beyond the bytes supplied reads as zero, the
/// way a kernel struct is zero-initialised before a `minsz` copy.
struct RawBytes {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(count: Int) { self.bytes = [UInt8](repeating: 0, count: count) }

    func u16(at offset: Int) -> UInt16 { UInt16(truncatingIfNeeded: load(at: offset, width: 2)) }
    func u32(at offset: Int) -> UInt32 { UInt32(truncatingIfNeeded: load(at: offset, width: 4)) }
    func u64(at offset: Int) -> UInt64 { load(at: offset, width: 8) }

    mutating func put(_ value: UInt16, at offset: Int) { store(UInt64(value), at: offset, width: 2) }
    mutating func put(_ value: UInt32, at offset: Int) { store(UInt64(value), at: offset, width: 4) }
    mutating func put(_ value: UInt64, at offset: Int) { store(value, at: offset, width: 8) }

    private func load(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<width where offset + i < bytes.count {
            value |= UInt64(bytes[offset + i]) << (8 * UInt64(i))
        }
        return value
    }

    private mutating func store(_ value: UInt64, at offset: Int, width: Int) {
        if bytes.count < offset + width {
            bytes.append(contentsOf: [UInt8](repeating: 0, count: offset + width - bytes.count))
        }
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
}
