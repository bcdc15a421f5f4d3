/// `struct vfio_iommu_type1_dirty_bitmap`: the argument of VFIO_IOMMU_DIRTY_PAGES
/// (8 bytes, followed by a `vfio_iommu_type1_dirty_bitmap_get` for GET_BITMAP).
public struct VFIODirtyBitmap: Hashable, Sendable {
    public enum Layout {
        public static let argsz = 0
        public static let flags = 4
        public static let data = 8
        public static let structSize = 8
    }
    /// The kernel's minsz: offsetofend(flags).
    public static var minimumSize: Int { 8 }

    public var argsz: UInt32
    public var flags: VFIODirtyFlags

    public init(argsz: UInt32 = 8, flags: VFIODirtyFlags) {
        self.argsz = argsz; self.flags = flags
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        argsz = raw.u32(at: Layout.argsz)
        flags = VFIODirtyFlags(rawValue: raw.u32(at: Layout.flags))
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.structSize)
        raw.put(argsz, at: Layout.argsz)
        raw.put(flags.rawValue, at: Layout.flags)
        return raw.bytes
    }
}

/// `struct vfio_iommu_type1_dirty_bitmap_get` (40 bytes): the range and user
/// bitmap of DIRTY_PAGES GET_BITMAP, at `VFIODirtyBitmap.Layout.data`.
public struct VFIODirtyBitmapGet: Hashable, Sendable {
    public enum Layout {
        public static let iova = 0
        public static let size = 8
        public static let bitmap = 16
        public static let structSize = 40
    }
    public static var minimumSize: Int { 40 }

    public var iova: UInt64
    public var size: UInt64
    public var bitmap: VFIOBitmap

    public init(iova: UInt64, size: UInt64, bitmap: VFIOBitmap) {
        self.iova = iova; self.size = size; self.bitmap = bitmap
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        iova = raw.u64(at: Layout.iova)
        size = raw.u64(at: Layout.size)
        let tail = bytes.count > Layout.bitmap ? Array(bytes[Layout.bitmap...]) : []
        bitmap = VFIOBitmap(bytes: tail)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.bitmap)
        raw.put(iova, at: Layout.iova)
        raw.put(size, at: Layout.size)
        return raw.bytes + bitmap.bytes
    }
}
