import CVFIO

/// `vfio_group_status.flags` (VFIO_GROUP_FLAGS_*).
public struct VFIOGroupStatusFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let viable = VFIOGroupStatusFlags(rawValue: cvfio_group_flags_viable)
    public static let containerSet = VFIOGroupStatusFlags(rawValue: cvfio_group_flags_container_set)
    public static let all: VFIOGroupStatusFlags = [.viable, .containerSet]
}

/// `vfio_iommu_type1_info.flags` (VFIO_IOMMU_INFO_*).
public struct VFIOInfoFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let pgsizes = VFIOInfoFlags(rawValue: cvfio_iommu_info_pgsizes)
    public static let caps = VFIOInfoFlags(rawValue: cvfio_iommu_info_caps)
}

/// `vfio_iommu_type1_dma_map.flags` (VFIO_DMA_MAP_FLAG_*).
public struct VFIOMapFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let read = VFIOMapFlags(rawValue: cvfio_dma_map_flag_read)
    public static let write = VFIOMapFlags(rawValue: cvfio_dma_map_flag_write)
    public static let vaddr = VFIOMapFlags(rawValue: cvfio_dma_map_flag_vaddr)
    /// Every flag type1 knows; anything else is EINVAL (vfio_iommu_type1_map_dma).
    public static let known: VFIOMapFlags = [.read, .write, .vaddr]
}

/// `vfio_iommu_type1_dma_unmap.flags` (VFIO_DMA_UNMAP_FLAG_*).
public struct VFIOUnmapFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let getDirtyBitmap = VFIOUnmapFlags(rawValue: cvfio_dma_unmap_flag_get_dirty_bitmap)
    public static let all = VFIOUnmapFlags(rawValue: cvfio_dma_unmap_flag_all)
    public static let vaddr = VFIOUnmapFlags(rawValue: cvfio_dma_unmap_flag_vaddr)
    /// Every flag type1 knows; anything else is EINVAL (vfio_iommu_type1_unmap_dma).
    public static let known: VFIOUnmapFlags = [.getDirtyBitmap, .all, .vaddr]
}

/// `vfio_iommu_type1_dirty_bitmap.flags` (VFIO_IOMMU_DIRTY_PAGES_FLAG_*).
public struct VFIODirtyFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let start = VFIODirtyFlags(rawValue: cvfio_dirty_pages_flag_start)
    public static let stop = VFIODirtyFlags(rawValue: cvfio_dirty_pages_flag_stop)
    public static let getBitmap = VFIODirtyFlags(rawValue: cvfio_dirty_pages_flag_get_bitmap)
    public static let known: VFIODirtyFlags = [.start, .stop, .getBitmap]
}
