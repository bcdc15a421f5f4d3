import CVFIO

/// An IOMMU type or extension id of VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU.
///
/// Raw values come from <linux/vfio.h> through CVFIO, except the two
/// out-of-tree vendor types crosvm probes (matrix row E-10).
public enum VFIOExtension: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case type1
    case spaprTCE
    case type1v2
    case dmaCC
    case eeh
    case type1Nesting
    case spaprTCEv2
    case noIOMMU
    case unmapAll
    case updateVaddr
    /// Not upstream: ChromeOS's type1 variant for small dynamic maps (crosvm `Type1ChromeOS`).
    case type1ChromeOS
    /// Not upstream: Android pKVM paravirtual IOMMU (crosvm `PkvmPviommu`).
    case pkvmPVIOMMU

    public var rawValue: UInt32 {
        switch self {
        case .type1: cvfio_type1_iommu
        case .spaprTCE: cvfio_spapr_tce_iommu
        case .type1v2: cvfio_type1v2_iommu
        case .dmaCC: cvfio_dma_cc_iommu
        case .eeh: cvfio_eeh
        case .type1Nesting: cvfio_type1_nesting_iommu
        case .spaprTCEv2: cvfio_spapr_tce_v2_iommu
        case .noIOMMU: cvfio_noiommu_iommu
        case .unmapAll: cvfio_unmap_all
        case .updateVaddr: cvfio_update_vaddr
        case .type1ChromeOS: 100_001 // crosvm vfio_sys: not in any kernel header
        case .pkvmPVIOMMU: 30 // crosvm vfio_sys (Android): not in any kernel header
        }
    }

    public init?(rawValue: UInt32) {
        guard let match = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = match
    }

    /// The C macro name (`VFIO_TYPE1v2_IOMMU`), or the vendor's name for out-of-tree types.
    public var name: String {
        switch self {
        case .type1: "VFIO_TYPE1_IOMMU"
        case .spaprTCE: "VFIO_SPAPR_TCE_IOMMU"
        case .type1v2: "VFIO_TYPE1v2_IOMMU"
        case .dmaCC: "VFIO_DMA_CC_IOMMU"
        case .eeh: "VFIO_EEH"
        case .type1Nesting: "VFIO_TYPE1_NESTING_IOMMU"
        case .spaprTCEv2: "VFIO_SPAPR_TCE_v2_IOMMU"
        case .noIOMMU: "VFIO_NOIOMMU_IOMMU"
        case .unmapAll: "VFIO_UNMAP_ALL"
        case .updateVaddr: "VFIO_UPDATE_VADDR"
        case .type1ChromeOS: "Type1ChromeOS"
        case .pkvmPVIOMMU: "PkvmPviommu"
        }
    }

    public var description: String { "\(name)(\(rawValue))" }

    /// SPAPR IOMMU types: with one selected, 112 and 117 take their SPAPR meaning.
    public var isSPAPR: Bool { self == .spaprTCE || self == .spaprTCEv2 }

    /// Types not defined by any kernel header.
    public var isVendor: Bool { self == .type1ChromeOS || self == .pkvmPVIOMMU }
}
