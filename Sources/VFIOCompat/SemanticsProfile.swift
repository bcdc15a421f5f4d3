/// Which kernel the emulator answers like where legacy type1 and iommufd's
/// vfio compat path (`drivers/iommu/iommufd/vfio_compat.c`) answer the same
/// call differently. Chosen per mount; every record of a call whose outcome
/// would differ under the other profile carries a `divergence`.
public enum SemanticsProfile: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// `drivers/vfio/container.c` + `vfio_iommu_type1.c`, current upstream: what legacy clients were written against.
    case type1
    /// The container served by iommufd (`CONFIG_IOMMUFD_VFIO_CONTAINER`), current upstream.
    case iommufd

    public var description: String { rawValue }
    public var other: SemanticsProfile { self == .type1 ? .iommufd : .type1 }
}

/// A node of the emulated `/dev/vfio` directory.
public enum VFIONode: Hashable, Sendable, CustomStringConvertible {
    /// `/dev/vfio/vfio`: every open makes a new container.
    case container
    /// `/dev/vfio/N`: the group with IOMMU group number N.
    case group(UInt32)

    public var description: String {
        switch self {
        case .container: "container"
        case .group(let n): "group \(n)"
        }
    }
}

/// What a file-descriptor number of the calling process turned out to be,
/// as the frontend resolves it for `VFIO_GROUP_SET_CONTAINER`.
public enum ResolvedFD: Sendable, Hashable {
    /// An open file description of one of this emulator's nodes, identified by its handle.
    case node(handle: UInt64)
    /// An open file that is not a node of this emulator (e.g. `/dev/null`).
    case foreign
}
