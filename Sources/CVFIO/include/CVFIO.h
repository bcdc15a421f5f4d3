// CVFIO: the values of the system's <linux/vfio.h> that Swift cannot import
// directly (function-like _IO() macros) or that the Swift codecs must agree
// with (struct sizes and field offsets). Every symbol is prefixed `cvfio_`.
// The definitions live in shim.c; nothing here is typed by hand.
#ifndef CVFIO_H
#define CVFIO_H

#include <stdint.h>

// MARK: API version and ioctl request numbers (all _IO(VFIO_TYPE, VFIO_BASE + n))
extern const uint32_t cvfio_api_version;
extern const uint32_t cvfio_type;            // VFIO_TYPE (';')
extern const uint32_t cvfio_base;            // VFIO_BASE (100)

extern const uint32_t cvfio_get_api_version;
extern const uint32_t cvfio_check_extension;
extern const uint32_t cvfio_set_iommu;
extern const uint32_t cvfio_group_get_status;
extern const uint32_t cvfio_group_set_container;
extern const uint32_t cvfio_group_unset_container;
extern const uint32_t cvfio_group_get_device_fd;
extern const uint32_t cvfio_iommu_get_info;
extern const uint32_t cvfio_iommu_spapr_tce_get_info;
extern const uint32_t cvfio_iommu_map_dma;
extern const uint32_t cvfio_iommu_unmap_dma;
extern const uint32_t cvfio_iommu_enable;
extern const uint32_t cvfio_iommu_disable;
extern const uint32_t cvfio_iommu_dirty_pages;
extern const uint32_t cvfio_iommu_spapr_register_memory;
extern const uint32_t cvfio_iommu_spapr_unregister_memory;
extern const uint32_t cvfio_iommu_spapr_tce_create;
extern const uint32_t cvfio_iommu_spapr_tce_remove;
extern const uint32_t cvfio_eeh_pe_op;

// MARK: extension ids (CHECK_EXTENSION / SET_IOMMU arguments)
extern const uint32_t cvfio_type1_iommu;
extern const uint32_t cvfio_spapr_tce_iommu;
extern const uint32_t cvfio_type1v2_iommu;
extern const uint32_t cvfio_dma_cc_iommu;
extern const uint32_t cvfio_eeh;
extern const uint32_t cvfio_type1_nesting_iommu;
extern const uint32_t cvfio_spapr_tce_v2_iommu;
extern const uint32_t cvfio_noiommu_iommu;
extern const uint32_t cvfio_unmap_all;
extern const uint32_t cvfio_update_vaddr;

// MARK: flags
extern const uint32_t cvfio_group_flags_viable;
extern const uint32_t cvfio_group_flags_container_set;
extern const uint32_t cvfio_iommu_info_pgsizes;
extern const uint32_t cvfio_iommu_info_caps;
extern const uint32_t cvfio_dma_map_flag_read;
extern const uint32_t cvfio_dma_map_flag_write;
extern const uint32_t cvfio_dma_map_flag_vaddr;
extern const uint32_t cvfio_dma_unmap_flag_get_dirty_bitmap;
extern const uint32_t cvfio_dma_unmap_flag_all;
extern const uint32_t cvfio_dma_unmap_flag_vaddr;
extern const uint32_t cvfio_dirty_pages_flag_start;
extern const uint32_t cvfio_dirty_pages_flag_stop;
extern const uint32_t cvfio_dirty_pages_flag_get_bitmap;
extern const uint32_t cvfio_spapr_info_ddw;

// MARK: capability ids and versions of VFIO_IOMMU_GET_INFO
extern const uint16_t cvfio_cap_iova_range;
extern const uint16_t cvfio_cap_migration;
extern const uint16_t cvfio_cap_dma_avail;
/// The header states "version 1 of this capability" in prose only; this is that 1.
extern const uint16_t cvfio_cap_iova_range_version;
extern const uint16_t cvfio_cap_migration_version;
extern const uint16_t cvfio_cap_dma_avail_version;

// MARK: struct sizes and field offsets used by the Swift codecs
extern const uint32_t cvfio_sizeof_group_status;
extern const uint32_t cvfio_offsetof_group_status_argsz;
extern const uint32_t cvfio_offsetof_group_status_flags;

extern const uint32_t cvfio_sizeof_info_cap_header;
extern const uint32_t cvfio_offsetof_info_cap_header_id;
extern const uint32_t cvfio_offsetof_info_cap_header_version;
extern const uint32_t cvfio_offsetof_info_cap_header_next;

extern const uint32_t cvfio_sizeof_iommu_type1_info;
extern const uint32_t cvfio_offsetof_iommu_type1_info_argsz;
extern const uint32_t cvfio_offsetof_iommu_type1_info_flags;
extern const uint32_t cvfio_offsetof_iommu_type1_info_iova_pgsizes;
extern const uint32_t cvfio_offsetof_iommu_type1_info_cap_offset;

extern const uint32_t cvfio_sizeof_iova_range;
extern const uint32_t cvfio_offsetof_iova_range_start;
extern const uint32_t cvfio_offsetof_iova_range_end;
extern const uint32_t cvfio_sizeof_cap_iova_range;
extern const uint32_t cvfio_offsetof_cap_iova_range_nr_iovas;
extern const uint32_t cvfio_offsetof_cap_iova_range_reserved;
extern const uint32_t cvfio_offsetof_cap_iova_range_iova_ranges;

extern const uint32_t cvfio_sizeof_cap_migration;
extern const uint32_t cvfio_offsetof_cap_migration_flags;
extern const uint32_t cvfio_offsetof_cap_migration_pgsize_bitmap;
extern const uint32_t cvfio_offsetof_cap_migration_max_dirty_bitmap_size;

extern const uint32_t cvfio_sizeof_cap_dma_avail;
extern const uint32_t cvfio_offsetof_cap_dma_avail_avail;

extern const uint32_t cvfio_sizeof_dma_map;
extern const uint32_t cvfio_offsetof_dma_map_argsz;
extern const uint32_t cvfio_offsetof_dma_map_flags;
extern const uint32_t cvfio_offsetof_dma_map_vaddr;
extern const uint32_t cvfio_offsetof_dma_map_iova;
extern const uint32_t cvfio_offsetof_dma_map_size;

extern const uint32_t cvfio_sizeof_bitmap;
extern const uint32_t cvfio_offsetof_bitmap_pgsize;
extern const uint32_t cvfio_offsetof_bitmap_size;
extern const uint32_t cvfio_offsetof_bitmap_data;

extern const uint32_t cvfio_sizeof_dma_unmap;
extern const uint32_t cvfio_offsetof_dma_unmap_argsz;
extern const uint32_t cvfio_offsetof_dma_unmap_flags;
extern const uint32_t cvfio_offsetof_dma_unmap_iova;
extern const uint32_t cvfio_offsetof_dma_unmap_size;
extern const uint32_t cvfio_offsetof_dma_unmap_data;

extern const uint32_t cvfio_sizeof_dirty_bitmap;
extern const uint32_t cvfio_offsetof_dirty_bitmap_argsz;
extern const uint32_t cvfio_offsetof_dirty_bitmap_flags;
extern const uint32_t cvfio_offsetof_dirty_bitmap_data;

extern const uint32_t cvfio_sizeof_dirty_bitmap_get;
extern const uint32_t cvfio_offsetof_dirty_bitmap_get_iova;
extern const uint32_t cvfio_offsetof_dirty_bitmap_get_size;
extern const uint32_t cvfio_offsetof_dirty_bitmap_get_bitmap;

#endif
