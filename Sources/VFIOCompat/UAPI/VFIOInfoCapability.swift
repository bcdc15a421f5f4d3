import CVFIO

/// `struct vfio_info_cap_header` (8 bytes): id, version, and `next`, the offset
/// of the next capability from the start of the info buffer (0 ends the chain).
public struct VFIOInfoCapHeader: Hashable, Sendable {
    public enum Layout {
        public static let id = 0
        public static let version = 2
        public static let next = 4
        public static let structSize = 8
    }
    public static var minimumSize: Int { 8 }

    public var id: UInt16
    public var version: UInt16
    public var next: UInt32

    public init(id: UInt16, version: UInt16, next: UInt32 = 0) {
        self.id = id; self.version = version; self.next = next
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        id = raw.u16(at: Layout.id)
        version = raw.u16(at: Layout.version)
        next = raw.u32(at: Layout.next)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(count: Layout.structSize)
        raw.put(id, at: Layout.id)
        raw.put(version, at: Layout.version)
        raw.put(next, at: Layout.next)
        return raw.bytes
    }
}

/// A capability of VFIO_IOMMU_GET_INFO: encodes itself, header included, unpadded.
public protocol VFIOInfoCapability: Sendable {
    /// The cap id (namespace of VFIO_IOMMU_GET_INFO).
    static var capabilityID: UInt16 { get }
    static var capabilityVersion: UInt16 { get }
    /// The encoded capability with `header.next` as stored in the value.
    var bytes: [UInt8] { get }
}

/// `struct vfio_iova_range`: one valid IOVA range, `end` inclusive.
public struct VFIOIOVARange: Hashable, Sendable {
    public enum Layout {
        public static let start = 0
        public static let end = 8
        public static let structSize = 16
    }
    public var start: UInt64
    /// Inclusive last IOVA of the range.
    public var end: UInt64
    public init(start: UInt64, end: UInt64) { self.start = start; self.end = end }
}

/// `struct vfio_iommu_type1_info_cap_iova_range` (id 1, v1): 16 bytes + 16 per range.
public struct VFIOIOVARangeCap: VFIOInfoCapability, Hashable {
    public enum Layout {
        public static let nrIovas = 8
        public static let reserved = 12
        public static let iovaRanges = 16
        public static let structSize = 16
    }
    public static var minimumSize: Int { 16 }
    public static var capabilityID: UInt16 { cvfio_cap_iova_range }
    public static var capabilityVersion: UInt16 { cvfio_cap_iova_range_version }

    public var next: UInt32
    public var ranges: [VFIOIOVARange]

    public init(ranges: [VFIOIOVARange], next: UInt32 = 0) { self.ranges = ranges; self.next = next }

    /// Decodes the header, `nr_iovas` and as many ranges as the bytes hold (at most `nr_iovas`).
    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        next = VFIOInfoCapHeader(bytes: bytes).next
        let count = Int(raw.u32(at: Layout.nrIovas))
        let present = max(0, (bytes.count - Layout.iovaRanges) / VFIOIOVARange.Layout.structSize)
        ranges = (0..<min(count, present)).map { i in
            let base = Layout.iovaRanges + i * VFIOIOVARange.Layout.structSize
            return VFIOIOVARange(start: raw.u64(at: base + VFIOIOVARange.Layout.start),
                                 end: raw.u64(at: base + VFIOIOVARange.Layout.end))
        }
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(VFIOInfoCapHeader(id: Self.capabilityID, version: Self.capabilityVersion, next: next).bytes)
        raw.put(UInt32(ranges.count), at: Layout.nrIovas)
        raw.put(UInt32(0), at: Layout.reserved)
        for (i, range) in ranges.enumerated() {
            let base = Layout.iovaRanges + i * VFIOIOVARange.Layout.structSize
            raw.put(range.start, at: base + VFIOIOVARange.Layout.start)
            raw.put(range.end, at: base + VFIOIOVARange.Layout.end)
        }
        return raw.bytes
    }
}

/// `struct vfio_iommu_type1_info_cap_migration` (id 2, v1): 32 bytes.
public struct VFIOMigrationCap: VFIOInfoCapability, Hashable {
    public enum Layout {
        public static let flags = 8
        public static let pgsizeBitmap = 16
        public static let maxDirtyBitmapSize = 24
        public static let structSize = 32
    }
    public static var minimumSize: Int { 32 }
    public static var capabilityID: UInt16 { cvfio_cap_migration }
    public static var capabilityVersion: UInt16 { cvfio_cap_migration_version }

    public var next: UInt32
    /// Always 0 in type1.
    public var flags: UInt32
    public var pgsizeBitmap: UInt64
    public var maxDirtyBitmapSize: UInt64

    public init(flags: UInt32 = 0, pgsizeBitmap: UInt64, maxDirtyBitmapSize: UInt64, next: UInt32 = 0) {
        self.flags = flags; self.pgsizeBitmap = pgsizeBitmap
        self.maxDirtyBitmapSize = maxDirtyBitmapSize; self.next = next
    }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        next = VFIOInfoCapHeader(bytes: bytes).next
        flags = raw.u32(at: Layout.flags)
        pgsizeBitmap = raw.u64(at: Layout.pgsizeBitmap)
        maxDirtyBitmapSize = raw.u64(at: Layout.maxDirtyBitmapSize)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(VFIOInfoCapHeader(id: Self.capabilityID, version: Self.capabilityVersion, next: next).bytes)
        raw.put(flags, at: Layout.flags)
        raw.put(UInt32(0), at: Layout.flags + 4) // alignment hole before pgsize_bitmap
        raw.put(pgsizeBitmap, at: Layout.pgsizeBitmap)
        raw.put(maxDirtyBitmapSize, at: Layout.maxDirtyBitmapSize)
        return raw.bytes
    }
}

/// `struct vfio_iommu_type1_info_dma_avail` (id 3, v1): 12 bytes (padded to 16 in a ≥ v6.6 chain).
public struct VFIODMAAvailCap: VFIOInfoCapability, Hashable {
    public enum Layout {
        public static let avail = 8
        public static let structSize = 12
    }
    public static var minimumSize: Int { 12 }
    public static var capabilityID: UInt16 { cvfio_cap_dma_avail }
    public static var capabilityVersion: UInt16 { cvfio_cap_dma_avail_version }

    public var next: UInt32
    /// MAP calls left before ENOSPC (type1), or U32_MAX (iommufd compat).
    public var avail: UInt32

    public init(avail: UInt32, next: UInt32 = 0) { self.avail = avail; self.next = next }

    public init(bytes: [UInt8]) {
        let raw = RawBytes(bytes)
        next = VFIOInfoCapHeader(bytes: bytes).next
        avail = raw.u32(at: Layout.avail)
    }

    public var bytes: [UInt8] {
        var raw = RawBytes(VFIOInfoCapHeader(id: Self.capabilityID, version: Self.capabilityVersion, next: next).bytes)
        raw.put(avail, at: Layout.avail)
        return raw.bytes
    }
}
