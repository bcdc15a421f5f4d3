import IOPageTable

/// One open of `/dev/vfio/vfio`: an IOMMU context that groups attach to and
/// that holds the DMA mappings.
///
/// Mirrors `struct vfio_container` (drivers/vfio/container.c) with the type1
/// driver's state folded in, and, under the iommufd profile, the iommufd
/// context with its compat IOAS (`ictx->vfio_ioas`). Invariants: every id in
/// `groups` names a group whose `container` is this one; `ioas` holds the
/// domain of every attached group once type1's driver is set (iommufd: of every
/// viable attached group, from its SET_CONTAINER on).
struct Container: Sendable {
    let id: UInt32
    /// The address space the mappings live in (type1's `vfio_iommu`, iommufd's compat IOAS).
    var ioas: IOAS
    /// The type selected by `VFIO_SET_IOMMU` (type1: the driver is bound); nil while unset.
    var iommuType: VFIOExtension?
    /// Attached groups in attach order.
    var groups: [UInt32] = []
    /// The container node's open file description still exists; a container
    /// whose fd is closed lives on while groups hold it (type1: kref from groups).
    var fileOpen = true
    /// iommufd profile: the compat IOAS exists (created by the first SET_CONTAINER, IOMMU_IOAS_ALLOC).
    var compatIOASAllocated = false
    /// A SET_IOMMU for a SPAPR type was refused: 112/117 from this caller are
    /// SPAPR requests the emulator cannot serve (logged as S-01/S-02; no effect on answers).
    var refusedSPAPR = false

    init(id: UInt32, hostPageSize: UInt64, entryLimit: Int?) {
        self.id = id
        self.ioas = IOAS(hostPageSize: hostPageSize, entryLimit: entryLimit)
    }

    /// Nothing refers to it any more: the fd is closed and no group holds it.
    var isUnreferenced: Bool { !fileOpen && groups.isEmpty }
}

/// A group node of the topology and the state the kernel keeps for it.
///
/// Mirrors `struct vfio_group` (drivers/vfio/group.c): one open file at a time
/// (`VFIO_GROUP` fops `vfio_group_fops_open` refuses a second with EBUSY) and
/// at most one container.
struct Group: Sendable {
    let spec: GroupSpec
    /// The handle of the single open file of this group, if open.
    var openHandle: UInt64?
    /// The container this group is attached to (`group->container`).
    var container: UInt32?

    var number: UInt32 { spec.id }
    /// The simulated IOMMU domain this group's devices sit behind.
    var domain: Domain { spec.domain.engineDomain(id: DomainID(rawValue: spec.id)) }
}

/// What an open handle refers to (`file->private_data`).
enum OpenFile: Sendable, Hashable {
    case container(UInt32)
    case group(UInt32)
}
