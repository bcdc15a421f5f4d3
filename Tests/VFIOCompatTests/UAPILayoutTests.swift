import CVFIO
import Testing
@testable import VFIOCompat

/// Every Swift codec's size and field offsets against the C compiler's view of <linux/vfio.h>.
@Suite struct UAPILayoutTests {
    struct Field: CustomTestStringConvertible {
        let name: String
        let swift: Int
        let c: UInt32
        var testDescription: String { name }
    }

    static let fields: [Field] = [
        Field(name: "group_status.size", swift: VFIOGroupStatus.Layout.size, c: cvfio_sizeof_group_status),
        Field(name: "group_status.argsz", swift: VFIOGroupStatus.Layout.argsz, c: cvfio_offsetof_group_status_argsz),
        Field(name: "group_status.flags", swift: VFIOGroupStatus.Layout.flags, c: cvfio_offsetof_group_status_flags),
        Field(name: "cap_header.size", swift: VFIOInfoCapHeader.Layout.structSize, c: cvfio_sizeof_info_cap_header),
        Field(name: "cap_header.id", swift: VFIOInfoCapHeader.Layout.id, c: cvfio_offsetof_info_cap_header_id),
        Field(name: "cap_header.version", swift: VFIOInfoCapHeader.Layout.version, c: cvfio_offsetof_info_cap_header_version),
        Field(name: "cap_header.next", swift: VFIOInfoCapHeader.Layout.next, c: cvfio_offsetof_info_cap_header_next),
        Field(name: "type1_info.size", swift: VFIOIOMMUType1Info.Layout.structSize, c: cvfio_sizeof_iommu_type1_info),
        Field(name: "type1_info.argsz", swift: VFIOIOMMUType1Info.Layout.argsz, c: cvfio_offsetof_iommu_type1_info_argsz),
        Field(name: "type1_info.flags", swift: VFIOIOMMUType1Info.Layout.flags, c: cvfio_offsetof_iommu_type1_info_flags),
        Field(name: "type1_info.iova_pgsizes", swift: VFIOIOMMUType1Info.Layout.iovaPgsizes, c: cvfio_offsetof_iommu_type1_info_iova_pgsizes),
        Field(name: "type1_info.cap_offset", swift: VFIOIOMMUType1Info.Layout.capOffset, c: cvfio_offsetof_iommu_type1_info_cap_offset),
        Field(name: "iova_range.size", swift: VFIOIOVARange.Layout.structSize, c: cvfio_sizeof_iova_range),
        Field(name: "iova_range.start", swift: VFIOIOVARange.Layout.start, c: cvfio_offsetof_iova_range_start),
        Field(name: "iova_range.end", swift: VFIOIOVARange.Layout.end, c: cvfio_offsetof_iova_range_end),
        Field(name: "cap_iova_range.size", swift: VFIOIOVARangeCap.Layout.structSize, c: cvfio_sizeof_cap_iova_range),
        Field(name: "cap_iova_range.nr_iovas", swift: VFIOIOVARangeCap.Layout.nrIovas, c: cvfio_offsetof_cap_iova_range_nr_iovas),
        Field(name: "cap_iova_range.reserved", swift: VFIOIOVARangeCap.Layout.reserved, c: cvfio_offsetof_cap_iova_range_reserved),
        Field(name: "cap_iova_range.iova_ranges", swift: VFIOIOVARangeCap.Layout.iovaRanges, c: cvfio_offsetof_cap_iova_range_iova_ranges),
        Field(name: "cap_migration.size", swift: VFIOMigrationCap.Layout.structSize, c: cvfio_sizeof_cap_migration),
        Field(name: "cap_migration.flags", swift: VFIOMigrationCap.Layout.flags, c: cvfio_offsetof_cap_migration_flags),
        Field(name: "cap_migration.pgsize_bitmap", swift: VFIOMigrationCap.Layout.pgsizeBitmap, c: cvfio_offsetof_cap_migration_pgsize_bitmap),
        Field(name: "cap_migration.max_dirty_bitmap_size", swift: VFIOMigrationCap.Layout.maxDirtyBitmapSize, c: cvfio_offsetof_cap_migration_max_dirty_bitmap_size),
        Field(name: "cap_dma_avail.size", swift: VFIODMAAvailCap.Layout.structSize, c: cvfio_sizeof_cap_dma_avail),
        Field(name: "cap_dma_avail.avail", swift: VFIODMAAvailCap.Layout.avail, c: cvfio_offsetof_cap_dma_avail_avail),
        Field(name: "dma_map.size", swift: VFIODMAMap.Layout.structSize, c: cvfio_sizeof_dma_map),
        Field(name: "dma_map.argsz", swift: VFIODMAMap.Layout.argsz, c: cvfio_offsetof_dma_map_argsz),
        Field(name: "dma_map.flags", swift: VFIODMAMap.Layout.flags, c: cvfio_offsetof_dma_map_flags),
        Field(name: "dma_map.vaddr", swift: VFIODMAMap.Layout.vaddr, c: cvfio_offsetof_dma_map_vaddr),
        Field(name: "dma_map.iova", swift: VFIODMAMap.Layout.iova, c: cvfio_offsetof_dma_map_iova),
        Field(name: "dma_map.size_field", swift: VFIODMAMap.Layout.size, c: cvfio_offsetof_dma_map_size),
        Field(name: "bitmap.size", swift: VFIOBitmap.Layout.structSize, c: cvfio_sizeof_bitmap),
        Field(name: "bitmap.pgsize", swift: VFIOBitmap.Layout.pgsize, c: cvfio_offsetof_bitmap_pgsize),
        Field(name: "bitmap.size_field", swift: VFIOBitmap.Layout.size, c: cvfio_offsetof_bitmap_size),
        Field(name: "bitmap.data", swift: VFIOBitmap.Layout.data, c: cvfio_offsetof_bitmap_data),
        Field(name: "dma_unmap.size", swift: VFIODMAUnmap.Layout.structSize, c: cvfio_sizeof_dma_unmap),
        Field(name: "dma_unmap.argsz", swift: VFIODMAUnmap.Layout.argsz, c: cvfio_offsetof_dma_unmap_argsz),
        Field(name: "dma_unmap.flags", swift: VFIODMAUnmap.Layout.flags, c: cvfio_offsetof_dma_unmap_flags),
        Field(name: "dma_unmap.iova", swift: VFIODMAUnmap.Layout.iova, c: cvfio_offsetof_dma_unmap_iova),
        Field(name: "dma_unmap.size_field", swift: VFIODMAUnmap.Layout.size, c: cvfio_offsetof_dma_unmap_size),
        Field(name: "dma_unmap.data", swift: VFIODMAUnmap.Layout.data, c: cvfio_offsetof_dma_unmap_data),
        Field(name: "dirty_bitmap.size", swift: VFIODirtyBitmap.Layout.structSize, c: cvfio_sizeof_dirty_bitmap),
        Field(name: "dirty_bitmap.argsz", swift: VFIODirtyBitmap.Layout.argsz, c: cvfio_offsetof_dirty_bitmap_argsz),
        Field(name: "dirty_bitmap.flags", swift: VFIODirtyBitmap.Layout.flags, c: cvfio_offsetof_dirty_bitmap_flags),
        Field(name: "dirty_bitmap.data", swift: VFIODirtyBitmap.Layout.data, c: cvfio_offsetof_dirty_bitmap_data),
        Field(name: "dirty_bitmap_get.size", swift: VFIODirtyBitmapGet.Layout.structSize, c: cvfio_sizeof_dirty_bitmap_get),
        Field(name: "dirty_bitmap_get.iova", swift: VFIODirtyBitmapGet.Layout.iova, c: cvfio_offsetof_dirty_bitmap_get_iova),
        Field(name: "dirty_bitmap_get.size_field", swift: VFIODirtyBitmapGet.Layout.size, c: cvfio_offsetof_dirty_bitmap_get_size),
        Field(name: "dirty_bitmap_get.bitmap", swift: VFIODirtyBitmapGet.Layout.bitmap, c: cvfio_offsetof_dirty_bitmap_get_bitmap),
    ]

    @Test(arguments: fields)
    func swiftLayoutMatchesC(_ field: Field) {
        #expect(field.swift == Int(field.c))
    }

    /// The kernel's minsz (offsetofend of the last mandatory field) of each argument struct.
    @Test func minimumSizesAreOffsetOfEnd() {
        #expect(VFIOGroupStatus.minimumSize == Int(cvfio_offsetof_group_status_flags) + 4)
        #expect(VFIODMAMap.minimumSize == Int(cvfio_offsetof_dma_map_size) + 8)
        #expect(VFIODMAUnmap.minimumSize == Int(cvfio_offsetof_dma_unmap_size) + 8)
        #expect(VFIOIOMMUType1Info.minimumSize == Int(cvfio_offsetof_iommu_type1_info_iova_pgsizes) + 8)
        #expect(VFIODirtyBitmap.minimumSize == Int(cvfio_offsetof_dirty_bitmap_flags) + 4)
        #expect(VFIODMAUnmap.minimumSizeWithBitmap == Int(cvfio_offsetof_dma_unmap_data + cvfio_sizeof_bitmap))
        #expect(VFIOMigrationCap.minimumSize == Int(cvfio_sizeof_cap_migration))
        #expect(VFIODMAAvailCap.minimumSize == Int(cvfio_offsetof_cap_dma_avail_avail) + 4)
    }

    /// Encoded bytes land at the C offsets (catches a codec writing the wrong field).
    @Test func encodedFieldsSitAtCOffsets() {
        let map = VFIODMAMap(argsz: 0x1122_3344, flags: [.read, .write], vaddr: 0xAABB_CCDD_EEFF_0011,
                             iova: 0x0102_0304_0506_0708, size: 0x1000_2000_3000_4000).bytes
        #expect(map.count == Int(cvfio_sizeof_dma_map))
        let raw = RawBytes(map)
        #expect(raw.u32(at: Int(cvfio_offsetof_dma_map_argsz)) == 0x1122_3344)
        #expect(raw.u32(at: Int(cvfio_offsetof_dma_map_flags)) == cvfio_dma_map_flag_read | cvfio_dma_map_flag_write)
        #expect(raw.u64(at: Int(cvfio_offsetof_dma_map_vaddr)) == 0xAABB_CCDD_EEFF_0011)
        #expect(raw.u64(at: Int(cvfio_offsetof_dma_map_iova)) == 0x0102_0304_0506_0708)
        #expect(raw.u64(at: Int(cvfio_offsetof_dma_map_size)) == 0x1000_2000_3000_4000)
        #expect(Array(map[0..<4]) == [0x44, 0x33, 0x22, 0x11]) // little-endian

        let info = RawBytes(VFIOIOMMUType1Info(argsz: 120, flags: [.pgsizes, .caps], iovaPgsizes: 0x4020_1000, capOffset: 24).bytes)
        #expect(info.bytes.count == 24)
        #expect(info.u32(at: Int(cvfio_offsetof_iommu_type1_info_argsz)) == 120)
        #expect(info.u32(at: Int(cvfio_offsetof_iommu_type1_info_flags)) == cvfio_iommu_info_pgsizes | cvfio_iommu_info_caps)
        #expect(info.u64(at: Int(cvfio_offsetof_iommu_type1_info_iova_pgsizes)) == 0x4020_1000)
        #expect(info.u32(at: Int(cvfio_offsetof_iommu_type1_info_cap_offset)) == 24)
        #expect(info.u32(at: 20) == 0) // tail padding

        let mig = RawBytes(VFIOMigrationCap(pgsizeBitmap: 0x1000, maxDirtyBitmapSize: 256 << 20, next: 56).bytes)
        #expect(mig.u16(at: Int(cvfio_offsetof_info_cap_header_id)) == cvfio_cap_migration)
        #expect(mig.u16(at: Int(cvfio_offsetof_info_cap_header_version)) == cvfio_cap_migration_version)
        #expect(mig.u32(at: Int(cvfio_offsetof_info_cap_header_next)) == 56)
        #expect(mig.u64(at: Int(cvfio_offsetof_cap_migration_pgsize_bitmap)) == 0x1000)
        #expect(mig.u64(at: Int(cvfio_offsetof_cap_migration_max_dirty_bitmap_size)) == 256 << 20)
    }
}
