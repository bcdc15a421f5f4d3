/// `struct vfio_iommu_type1_info`: the argument of VFIO_IOMMU_GET_INFO.
///
/// 24 bytes on this header: argsz, flags, iova_pgsizes, cap_offset and 4 bytes
/// of tail padding (named `pad` from v6.6). Capabilities follow at `cap_offset`.
public struct VFIOIOMMUType1Info: Hashable, Sendable {
    public enum Layout {
        public static let argsz = 0
        public static let flags = 4
        public static let iovaPgsizes = 8
        public static let capOffset = 16
        public static let structSize = 24
    }
    /// The kernel's minsz: offsetofend(iova_pgsizes); argsz below it is EINVAL.
    public static var minimumSize: Int { 16 }

    public var argsz: UInt32
    public var flags: VFIOInfoFlags
    public var iovaPgsizes: UInt64
    /// Offset of the first capability from the start of the info buffer; 0 if none was copied.
    public var capOffset: UInt32

    public init(argsz: UInt32 = 24, flags: VFIOInfoFlags = [], iovaPgsizes: UInt64 = 0, capOffset: UInt32 = 0) {
        self.argsz = argsz; self.flags = flags; self.iovaPgsizes = iovaPgsizes; self.capOffset = capOffset
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        argsz = raw.u32(at: Layout.argsz)
        flags = VFIOInfoFlags(rawValue: raw.u32(at: Layout.flags))
        iovaPgsizes = raw.u64(at: Layout.iovaPgsizes)
        capOffset = raw.u32(at: Layout.capOffset)
    }

    /// All 24 bytes, padding zeroed. The kernel copies back only min(argsz, 24) of them.
    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.structSize)
        raw.put(argsz, at: Layout.argsz)
        raw.put(flags.rawValue, at: Layout.flags)
        raw.put(iovaPgsizes, at: Layout.iovaPgsizes)
        raw.put(capOffset, at: Layout.capOffset)
        return raw.bytes
    }
}
