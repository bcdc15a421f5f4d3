// Definitions of the cvfio_* values declared in CVFIO.h, computed by the C
// compiler from the system's <linux/vfio.h> so Swift never hand-types them.
#include <stddef.h>
#include <linux/vfio.h>
#include "CVFIO.h"

#define CVFIO_OFFSET(type, field) ((uint32_t)offsetof(struct type, field))

const uint32_t cvfio_api_version = VFIO_API_VERSION;
const uint32_t cvfio_type = VFIO_TYPE;
const uint32_t cvfio_base = VFIO_BASE;

const uint32_t cvfio_get_api_version = VFIO_GET_API_VERSION;
const uint32_t cvfio_check_extension = VFIO_CHECK_EXTENSION;
const uint32_t cvfio_set_iommu = VFIO_SET_IOMMU;
const uint32_t cvfio_group_get_status = VFIO_GROUP_GET_STATUS;
const uint32_t cvfio_group_set_container = VFIO_GROUP_SET_CONTAINER;
const uint32_t cvfio_group_unset_container = VFIO_GROUP_UNSET_CONTAINER;
const uint32_t cvfio_group_get_device_fd = VFIO_GROUP_GET_DEVICE_FD;
const uint32_t cvfio_iommu_get_info = VFIO_IOMMU_GET_INFO;
const uint32_t cvfio_iommu_spapr_tce_get_info = VFIO_IOMMU_SPAPR_TCE_GET_INFO;
const uint32_t cvfio_iommu_map_dma = VFIO_IOMMU_MAP_DMA;
const uint32_t cvfio_iommu_unmap_dma = VFIO_IOMMU_UNMAP_DMA;
const uint32_t cvfio_iommu_enable = VFIO_IOMMU_ENABLE;
const uint32_t cvfio_iommu_disable = VFIO_IOMMU_DISABLE;
const uint32_t cvfio_iommu_dirty_pages = VFIO_IOMMU_DIRTY_PAGES;
const uint32_t cvfio_iommu_spapr_register_memory = VFIO_IOMMU_SPAPR_REGISTER_MEMORY;
const uint32_t cvfio_iommu_spapr_unregister_memory = VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY;
const uint32_t cvfio_iommu_spapr_tce_create = VFIO_IOMMU_SPAPR_TCE_CREATE;
const uint32_t cvfio_iommu_spapr_tce_remove = VFIO_IOMMU_SPAPR_TCE_REMOVE;
const uint32_t cvfio_eeh_pe_op = VFIO_EEH_PE_OP;

// The two overloaded numbers of the uAPI (type1 vs SPAPR meaning).
_Static_assert(VFIO_IOMMU_GET_INFO == VFIO_IOMMU_SPAPR_TCE_GET_INFO, "112 is shared");
_Static_assert(VFIO_IOMMU_DIRTY_PAGES == VFIO_IOMMU_SPAPR_REGISTER_MEMORY, "117 is shared");

const uint32_t cvfio_type1_iommu = VFIO_TYPE1_IOMMU;
const uint32_t cvfio_spapr_tce_iommu = VFIO_SPAPR_TCE_IOMMU;
const uint32_t cvfio_type1v2_iommu = VFIO_TYPE1v2_IOMMU;
const uint32_t cvfio_dma_cc_iommu = VFIO_DMA_CC_IOMMU;
const uint32_t cvfio_eeh = VFIO_EEH;
#ifdef VFIO_TYPE1_NESTING_IOMMU
const uint32_t cvfio_type1_nesting_iommu = VFIO_TYPE1_NESTING_IOMMU;
#else // >= v6.13 headers keep the number reserved under another name
const uint32_t cvfio_type1_nesting_iommu = __VFIO_RESERVED_TYPE1_NESTING_IOMMU;
#endif
const uint32_t cvfio_spapr_tce_v2_iommu = VFIO_SPAPR_TCE_v2_IOMMU;
const uint32_t cvfio_noiommu_iommu = VFIO_NOIOMMU_IOMMU;
const uint32_t cvfio_unmap_all = VFIO_UNMAP_ALL;
const uint32_t cvfio_update_vaddr = VFIO_UPDATE_VADDR;

const uint32_t cvfio_group_flags_viable = VFIO_GROUP_FLAGS_VIABLE;
const uint32_t cvfio_group_flags_container_set = VFIO_GROUP_FLAGS_CONTAINER_SET;
const uint32_t cvfio_iommu_info_pgsizes = VFIO_IOMMU_INFO_PGSIZES;
const uint32_t cvfio_iommu_info_caps = VFIO_IOMMU_INFO_CAPS;
const uint32_t cvfio_dma_map_flag_read = VFIO_DMA_MAP_FLAG_READ;
const uint32_t cvfio_dma_map_flag_write = VFIO_DMA_MAP_FLAG_WRITE;
const uint32_t cvfio_dma_map_flag_vaddr = VFIO_DMA_MAP_FLAG_VADDR;
const uint32_t cvfio_dma_unmap_flag_get_dirty_bitmap = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
const uint32_t cvfio_dma_unmap_flag_all = VFIO_DMA_UNMAP_FLAG_ALL;
const uint32_t cvfio_dma_unmap_flag_vaddr = VFIO_DMA_UNMAP_FLAG_VADDR;
const uint32_t cvfio_dirty_pages_flag_start = VFIO_IOMMU_DIRTY_PAGES_FLAG_START;
const uint32_t cvfio_dirty_pages_flag_stop = VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP;
const uint32_t cvfio_dirty_pages_flag_get_bitmap = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
const uint32_t cvfio_spapr_info_ddw = VFIO_IOMMU_SPAPR_INFO_DDW;

const uint16_t cvfio_cap_iova_range = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
const uint16_t cvfio_cap_migration = VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION;
const uint16_t cvfio_cap_dma_avail = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
// "The structures below define version 1 of this capability." (each cap's comment)
const uint16_t cvfio_cap_iova_range_version = 1;
const uint16_t cvfio_cap_migration_version = 1;
const uint16_t cvfio_cap_dma_avail_version = 1;

const uint32_t cvfio_sizeof_group_status = sizeof(struct vfio_group_status);
const uint32_t cvfio_offsetof_group_status_argsz = CVFIO_OFFSET(vfio_group_status, argsz);
const uint32_t cvfio_offsetof_group_status_flags = CVFIO_OFFSET(vfio_group_status, flags);

const uint32_t cvfio_sizeof_info_cap_header = sizeof(struct vfio_info_cap_header);
const uint32_t cvfio_offsetof_info_cap_header_id = CVFIO_OFFSET(vfio_info_cap_header, id);
const uint32_t cvfio_offsetof_info_cap_header_version = CVFIO_OFFSET(vfio_info_cap_header, version);
const uint32_t cvfio_offsetof_info_cap_header_next = CVFIO_OFFSET(vfio_info_cap_header, next);

const uint32_t cvfio_sizeof_iommu_type1_info = sizeof(struct vfio_iommu_type1_info);
const uint32_t cvfio_offsetof_iommu_type1_info_argsz = CVFIO_OFFSET(vfio_iommu_type1_info, argsz);
const uint32_t cvfio_offsetof_iommu_type1_info_flags = CVFIO_OFFSET(vfio_iommu_type1_info, flags);
const uint32_t cvfio_offsetof_iommu_type1_info_iova_pgsizes = CVFIO_OFFSET(vfio_iommu_type1_info, iova_pgsizes);
const uint32_t cvfio_offsetof_iommu_type1_info_cap_offset = CVFIO_OFFSET(vfio_iommu_type1_info, cap_offset);

const uint32_t cvfio_sizeof_iova_range = sizeof(struct vfio_iova_range);
const uint32_t cvfio_offsetof_iova_range_start = CVFIO_OFFSET(vfio_iova_range, start);
const uint32_t cvfio_offsetof_iova_range_end = CVFIO_OFFSET(vfio_iova_range, end);
const uint32_t cvfio_sizeof_cap_iova_range = sizeof(struct vfio_iommu_type1_info_cap_iova_range);
const uint32_t cvfio_offsetof_cap_iova_range_nr_iovas = CVFIO_OFFSET(vfio_iommu_type1_info_cap_iova_range, nr_iovas);
const uint32_t cvfio_offsetof_cap_iova_range_reserved = CVFIO_OFFSET(vfio_iommu_type1_info_cap_iova_range, reserved);
const uint32_t cvfio_offsetof_cap_iova_range_iova_ranges = CVFIO_OFFSET(vfio_iommu_type1_info_cap_iova_range, iova_ranges);

const uint32_t cvfio_sizeof_cap_migration = sizeof(struct vfio_iommu_type1_info_cap_migration);
const uint32_t cvfio_offsetof_cap_migration_flags = CVFIO_OFFSET(vfio_iommu_type1_info_cap_migration, flags);
const uint32_t cvfio_offsetof_cap_migration_pgsize_bitmap = CVFIO_OFFSET(vfio_iommu_type1_info_cap_migration, pgsize_bitmap);
const uint32_t cvfio_offsetof_cap_migration_max_dirty_bitmap_size = CVFIO_OFFSET(vfio_iommu_type1_info_cap_migration, max_dirty_bitmap_size);

const uint32_t cvfio_sizeof_cap_dma_avail = sizeof(struct vfio_iommu_type1_info_dma_avail);
const uint32_t cvfio_offsetof_cap_dma_avail_avail = CVFIO_OFFSET(vfio_iommu_type1_info_dma_avail, avail);

const uint32_t cvfio_sizeof_dma_map = sizeof(struct vfio_iommu_type1_dma_map);
const uint32_t cvfio_offsetof_dma_map_argsz = CVFIO_OFFSET(vfio_iommu_type1_dma_map, argsz);
const uint32_t cvfio_offsetof_dma_map_flags = CVFIO_OFFSET(vfio_iommu_type1_dma_map, flags);
const uint32_t cvfio_offsetof_dma_map_vaddr = CVFIO_OFFSET(vfio_iommu_type1_dma_map, vaddr);
const uint32_t cvfio_offsetof_dma_map_iova = CVFIO_OFFSET(vfio_iommu_type1_dma_map, iova);
const uint32_t cvfio_offsetof_dma_map_size = CVFIO_OFFSET(vfio_iommu_type1_dma_map, size);

const uint32_t cvfio_sizeof_bitmap = sizeof(struct vfio_bitmap);
const uint32_t cvfio_offsetof_bitmap_pgsize = CVFIO_OFFSET(vfio_bitmap, pgsize);
const uint32_t cvfio_offsetof_bitmap_size = CVFIO_OFFSET(vfio_bitmap, size);
const uint32_t cvfio_offsetof_bitmap_data = CVFIO_OFFSET(vfio_bitmap, data);

const uint32_t cvfio_sizeof_dma_unmap = sizeof(struct vfio_iommu_type1_dma_unmap);
const uint32_t cvfio_offsetof_dma_unmap_argsz = CVFIO_OFFSET(vfio_iommu_type1_dma_unmap, argsz);
const uint32_t cvfio_offsetof_dma_unmap_flags = CVFIO_OFFSET(vfio_iommu_type1_dma_unmap, flags);
const uint32_t cvfio_offsetof_dma_unmap_iova = CVFIO_OFFSET(vfio_iommu_type1_dma_unmap, iova);
const uint32_t cvfio_offsetof_dma_unmap_size = CVFIO_OFFSET(vfio_iommu_type1_dma_unmap, size);
const uint32_t cvfio_offsetof_dma_unmap_data = CVFIO_OFFSET(vfio_iommu_type1_dma_unmap, data);

const uint32_t cvfio_sizeof_dirty_bitmap = sizeof(struct vfio_iommu_type1_dirty_bitmap);
const uint32_t cvfio_offsetof_dirty_bitmap_argsz = CVFIO_OFFSET(vfio_iommu_type1_dirty_bitmap, argsz);
const uint32_t cvfio_offsetof_dirty_bitmap_flags = CVFIO_OFFSET(vfio_iommu_type1_dirty_bitmap, flags);
const uint32_t cvfio_offsetof_dirty_bitmap_data = CVFIO_OFFSET(vfio_iommu_type1_dirty_bitmap, data);

const uint32_t cvfio_sizeof_dirty_bitmap_get = sizeof(struct vfio_iommu_type1_dirty_bitmap_get);
const uint32_t cvfio_offsetof_dirty_bitmap_get_iova = CVFIO_OFFSET(vfio_iommu_type1_dirty_bitmap_get, iova);
const uint32_t cvfio_offsetof_dirty_bitmap_get_size = CVFIO_OFFSET(vfio_iommu_type1_dirty_bitmap_get, size);
const uint32_t cvfio_offsetof_dirty_bitmap_get_bitmap = CVFIO_OFFSET(vfio_iommu_type1_dirty_bitmap_get, bitmap);

// Layout facts the Swift codecs rely on (kernel-semantics §1.3, x86-64 and this header).
_Static_assert(sizeof(struct vfio_iommu_type1_info) == 24, "type1_info is 24 bytes with tail padding");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_map) == 32, "dma_map minsz");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_unmap) == 24, "dma_unmap minsz");
_Static_assert(sizeof(struct vfio_bitmap) == 24, "vfio_bitmap");
_Static_assert(sizeof(struct vfio_info_cap_header) == 8, "cap header");
_Static_assert(sizeof(struct vfio_iommu_type1_dirty_bitmap_get) == 40, "dirty_bitmap_get");
