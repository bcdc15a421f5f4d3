/// `struct vfio_iommu_type1_dma_map`: the argument of VFIO_IOMMU_MAP_DMA (32 bytes).
public struct VFIODMAMap: Hashable, Sendable {
    public enum Layout {
        public static let argsz = 0
        public static let flags = 4
        public static let vaddr = 8
        public static let iova = 16
        public static let size = 24
        public static let structSize = 32
    }
    /// The kernel's minsz: offsetofend(size) (vfio_iommu_type1_map_dma).
    public static var minimumSize: Int { 32 }

    public var argsz: UInt32
    public var flags: VFIOMapFlags
    public var vaddr: UInt64
    public var iova: UInt64
    public var size: UInt64

    public init(argsz: UInt32 = 32, flags: VFIOMapFlags, vaddr: UInt64, iova: UInt64, size: UInt64) {
        self.argsz = argsz; self.flags = flags; self.vaddr = vaddr; self.iova = iova; self.size = size
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        argsz = raw.u32(at: Layout.argsz)
        flags = VFIOMapFlags(rawValue: raw.u32(at: Layout.flags))
        vaddr = raw.u64(at: Layout.vaddr)
        iova = raw.u64(at: Layout.iova)
        size = raw.u64(at: Layout.size)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.structSize)
        raw.put(argsz, at: Layout.argsz)
        raw.put(flags.rawValue, at: Layout.flags)
        raw.put(vaddr, at: Layout.vaddr)
        raw.put(iova, at: Layout.iova)
        raw.put(size, at: Layout.size)
        return raw.bytes
    }
}
