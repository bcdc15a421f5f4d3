/// Kinds of IOMMU reserved regions (`enum iommu_resv_type`); the raw values are the sysfs spellings.
public enum ReservedRegionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// IOMMU_RESV_MSI: hardware MSI window (x86 0xfee00000).
    case msi
    /// IOMMU_RESV_SW_MSI: software-managed MSI window (ARM SMMU).
    case swMSI = "sw-msi"
    /// IOMMU_RESV_DIRECT: identity-mapped (RMRR-like).
    case direct
    /// IOMMU_RESV_DIRECT_RELAXABLE: identity-mapped but may be given to userspace; never reserved.
    case directRelaxable = "direct-relaxable"
    /// IOMMU_RESV_RESERVED: never mappable (AMD HyperTransport hole).
    case reserved
}

extension ReservedRegionKind {
    /// Whether type1 removes it from the valid IOVA list: every kind but direct-relaxable
    /// (vfio_iommu_resv_exclude).
    public var isExcludedFromIOVA: Bool { self != .directRelaxable }
}

/// One reserved region a device's IOMMU reports (`struct iommu_resv_region`).
public struct ReservedRegion: Hashable, Sendable {
    public var range: IOVARange
    public var kind: ReservedRegionKind

    public init(range: IOVARange, kind: ReservedRegionKind) {
        self.range = range
        self.kind = kind
    }
}

/// Identifies a simulated IOMMU domain within one IOAS.
public struct DomainID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: DomainID, rhs: DomainID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "domain\(rawValue)" }
}

/// A simulated IOMMU paging domain: its aperture (`domain->geometry`), page sizes (`pgsize_bitmap`),
/// coherency enforcement and the reserved regions of the devices behind it.
public struct Domain: Hashable, Sendable {
    public var id: DomainID
    public var aperture: IOVARange
    /// Bitmap of supported page sizes, one bit per power of two.
    public var pageSizes: UInt64
    public var enforceCacheCoherency: Bool
    public var reservedRegions: [ReservedRegion]

    public init(id: DomainID, aperture: IOVARange, pageSizes: UInt64,
                enforceCacheCoherency: Bool = true, reservedRegions: [ReservedRegion] = []) {
        self.id = id
        self.aperture = aperture
        self.pageSizes = pageSizes
        self.enforceCacheCoherency = enforceCacheCoherency
        self.reservedRegions = reservedRegions
    }
}

/// Who holds a reserved IOVA range: a domain's aperture edge, or one of its devices' regions
/// (iommufd's `iopt_reserved.owner`).
public enum ReservedOwner: Hashable, Sendable {
    case aperture(DomainID)
    case region(DomainID, ReservedRegionKind)

    var domain: DomainID {
        switch self {
        case .aperture(let id), .region(let id, _): id
        }
    }
}
