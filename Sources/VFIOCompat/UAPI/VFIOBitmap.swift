/// `struct vfio_bitmap`: a user dirty bitmap (24 bytes), used by UNMAP_DMA's
/// GET_DIRTY_BITMAP and by DIRTY_PAGES GET_BITMAP.
public struct VFIOBitmap: Hashable, Sendable {
    public enum Layout {
        public static let pgsize = 0
        public static let size = 8
        public static let data = 16
        public static let structSize = 24
    }
    public static var minimumSize: Int { 24 }

    /// Page size each bit stands for.
    public var pgsize: UInt64
    /// Size of the bitmap in bytes.
    public var size: UInt64
    /// User pointer to the bitmap.
    public var data: UInt64

    public init(pgsize: UInt64, size: UInt64, data: UInt64) {
        self.pgsize = pgsize; self.size = size; self.data = data
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        pgsize = raw.u64(at: Layout.pgsize)
        size = raw.u64(at: Layout.size)
        data = raw.u64(at: Layout.data)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.structSize)
        raw.put(pgsize, at: Layout.pgsize)
        raw.put(size, at: Layout.size)
        raw.put(data, at: Layout.data)
        return raw.bytes
    }
}
