/// `struct vfio_group_status`: the argument of VFIO_GROUP_GET_STATUS (8 bytes).
public struct VFIOGroupStatus: Hashable, Sendable {
    /// Field offsets, checked against <linux/vfio.h> by the layout test.
    public enum Layout {
        public static let argsz = 0
        public static let flags = 4
        public static let size = 8
    }
    /// The kernel's minsz: offsetofend(flags).
    public static var minimumSize: Int { 8 }

    public var argsz: UInt32
    public var flags: VFIOGroupStatusFlags

    public init(argsz: UInt32 = 8, flags: VFIOGroupStatusFlags = []) {
        self.argsz = argsz; self.flags = flags
    }

    /// Decodes little-endian bytes; bytes missing at the end read as zero.
    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        argsz = raw.u32(at: Layout.argsz)
        flags = VFIOGroupStatusFlags(rawValue: raw.u32(at: Layout.flags))
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.size)
        raw.put(argsz, at: Layout.argsz)
        raw.put(flags.rawValue, at: Layout.flags)
        return raw.bytes
    }
}
