import CVFIO

/// A container or group request of the legacy VFIO uAPI.
///
/// Every number is `_IO(';', 100 + n)` from <linux/vfio.h> (via CVFIO). Two
/// numbers are shared: 112 and 117 mean SPAPR requests on a SPAPR container and
/// type1 requests otherwise, so decoding needs the container's selected type.
public enum VFIOIoctl: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    // Container (/dev/vfio/vfio)
    case getAPIVersion
    case checkExtension
    case setIOMMU
    case iommuGetInfo
    case spaprTCEGetInfo
    case mapDMA
    case unmapDMA
    case iommuEnable
    case iommuDisable
    case dirtyPages
    case spaprRegisterMemory
    case spaprUnregisterMemory
    case spaprTCECreate
    case spaprTCERemove
    case eehPEOp
    // Group (/dev/vfio/N)
    case groupGetStatus
    case groupSetContainer
    case groupUnsetContainer
    case groupGetDeviceFD

    /// The request number as `ioctl(2)` passes it.
    public var request: UInt32 {
        switch self {
        case .getAPIVersion: cvfio_get_api_version
        case .checkExtension: cvfio_check_extension
        case .setIOMMU: cvfio_set_iommu
        case .iommuGetInfo: cvfio_iommu_get_info
        case .spaprTCEGetInfo: cvfio_iommu_spapr_tce_get_info
        case .mapDMA: cvfio_iommu_map_dma
        case .unmapDMA: cvfio_iommu_unmap_dma
        case .iommuEnable: cvfio_iommu_enable
        case .iommuDisable: cvfio_iommu_disable
        case .dirtyPages: cvfio_iommu_dirty_pages
        case .spaprRegisterMemory: cvfio_iommu_spapr_register_memory
        case .spaprUnregisterMemory: cvfio_iommu_spapr_unregister_memory
        case .spaprTCECreate: cvfio_iommu_spapr_tce_create
        case .spaprTCERemove: cvfio_iommu_spapr_tce_remove
        case .eehPEOp: cvfio_eeh_pe_op
        case .groupGetStatus: cvfio_group_get_status
        case .groupSetContainer: cvfio_group_set_container
        case .groupUnsetContainer: cvfio_group_unset_container
        case .groupGetDeviceFD: cvfio_group_get_device_fd
        }
    }

    /// Decodes a request number. 112 and 117 follow `containerType`: a SPAPR type
    /// gives the SPAPR request, anything else (including none) the type1 one
    /// (kernel: the number is handed to the selected driver's ioctl).
    /// Group requests decode regardless of `containerType`; the caller checks
    /// which node the request arrived on. Unknown numbers give nil (ENOTTY).
    public init?(request: UInt32, containerType: VFIOExtension?) {
        let spapr = containerType?.isSPAPR ?? false
        if request == cvfio_iommu_get_info {
            self = spapr ? .spaprTCEGetInfo : .iommuGetInfo
            return
        }
        if request == cvfio_iommu_dirty_pages {
            self = spapr ? .spaprRegisterMemory : .dirtyPages
            return
        }
        guard let match = Self.allCases.first(where: { $0.request == request }) else { return nil }
        self = match
    }

    /// True for requests issued on a group fd.
    public var isGroupRequest: Bool {
        switch self {
        case .groupGetStatus, .groupSetContainer, .groupUnsetContainer, .groupGetDeviceFD: true
        default: false
        }
    }

    /// The C macro name.
    public var name: String {
        switch self {
        case .getAPIVersion: "VFIO_GET_API_VERSION"
        case .checkExtension: "VFIO_CHECK_EXTENSION"
        case .setIOMMU: "VFIO_SET_IOMMU"
        case .iommuGetInfo: "VFIO_IOMMU_GET_INFO"
        case .spaprTCEGetInfo: "VFIO_IOMMU_SPAPR_TCE_GET_INFO"
        case .mapDMA: "VFIO_IOMMU_MAP_DMA"
        case .unmapDMA: "VFIO_IOMMU_UNMAP_DMA"
        case .iommuEnable: "VFIO_IOMMU_ENABLE"
        case .iommuDisable: "VFIO_IOMMU_DISABLE"
        case .dirtyPages: "VFIO_IOMMU_DIRTY_PAGES"
        case .spaprRegisterMemory: "VFIO_IOMMU_SPAPR_REGISTER_MEMORY"
        case .spaprUnregisterMemory: "VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY"
        case .spaprTCECreate: "VFIO_IOMMU_SPAPR_TCE_CREATE"
        case .spaprTCERemove: "VFIO_IOMMU_SPAPR_TCE_REMOVE"
        case .eehPEOp: "VFIO_EEH_PE_OP"
        case .groupGetStatus: "VFIO_GROUP_GET_STATUS"
        case .groupSetContainer: "VFIO_GROUP_SET_CONTAINER"
        case .groupUnsetContainer: "VFIO_GROUP_UNSET_CONTAINER"
        case .groupGetDeviceFD: "VFIO_GROUP_GET_DEVICE_FD"
        }
    }

    public var description: String { name }

    /// `VFIO_API_VERSION`, the answer of GET_API_VERSION.
    public static var apiVersion: Int32 { Int32(cvfio_api_version) }
}
