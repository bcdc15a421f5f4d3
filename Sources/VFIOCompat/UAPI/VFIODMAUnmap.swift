/// `struct vfio_iommu_type1_dma_unmap`: the argument of VFIO_IOMMU_UNMAP_DMA
/// (24 bytes, followed by a `vfio_bitmap` when GET_DIRTY_BITMAP is set).
public struct VFIODMAUnmap: Hashable, Sendable {
    public enum Layout {
        public static let argsz = 0
        public static let flags = 4
        public static let iova = 8
        public static let size = 16
        /// `data[]`: where the `vfio_bitmap` of GET_DIRTY_BITMAP starts.
        public static let data = 24
        public static let structSize = 24
    }
    /// The kernel's minsz: offsetofend(size) (vfio_iommu_type1_unmap_dma).
    public static var minimumSize: Int { 24 }
    /// minsz plus the bitmap, required with GET_DIRTY_BITMAP (type1: argsz < 48 is EINVAL).
    public static var minimumSizeWithBitmap: Int { Layout.data + VFIOBitmap.minimumSize }

    public var argsz: UInt32
    public var flags: VFIOUnmapFlags
    public var iova: UInt64
    /// In: bytes to unmap. Out: bytes unmapped (written back only on success under type1).
    public var size: UInt64

    public init(argsz: UInt32 = 24, flags: VFIOUnmapFlags = [], iova: UInt64, size: UInt64) {
        self.argsz = argsz; self.flags = flags; self.iova = iova; self.size = size
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        argsz = raw.u32(at: Layout.argsz)
        flags = VFIOUnmapFlags(rawValue: raw.u32(at: Layout.flags))
        iova = raw.u64(at: Layout.iova)
        size = raw.u64(at: Layout.size)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.structSize)
        raw.put(argsz, at: Layout.argsz)
        raw.put(flags.rawValue, at: Layout.flags)
        raw.put(iova, at: Layout.iova)
        raw.put(size, at: Layout.size)
        return raw.bytes
    }
}
