/// What a legacy client must change to run on iommufd natively (`/dev/iommu` and the VFIO
/// device cdev) instead of through the type1 container, one entry per compatibility-matrix row.
/// `exec`'s summary prints the entries of the rows a command touched. A test keeps every
/// `logged` and `divergent` row covered.
public enum NativeAdvice {
    /// Advice by matrix row. Several rows may share one change; the summary prints each text once.
    public static let byRow: [MatrixRowID: String] = [
        // container
        .C01: "open /dev/iommu (one iommufd context) instead of /dev/vfio/vfio",
        .C02: "drop VFIO_GET_API_VERSION and CHECK_EXTENSION: query each device with IOMMU_GET_HW_INFO",
        .C03: "drop VFIO_GET_API_VERSION and CHECK_EXTENSION: query each device with IOMMU_GET_HW_INFO",
        .C04: "replace SET_IOMMU by IOMMU_IOAS_ALLOC and VFIO_DEVICE_ATTACH_IOMMUFD_PT of each device to the IOAS",
        .C05: "allocate the IOAS (IOMMU_IOAS_ALLOC) before attaching devices; there is no container type to set",
        .C06: "allocate the IOAS (IOMMU_IOAS_ALLOC) before attaching devices; there is no container type to set",
        .C07: "SPAPR TCE and vendor IOMMU types have no iommufd equivalent: stay on the legacy container",
        .C08: "ask for TYPE1v2: iommufd never splits a mapping on unmap; for v1 hole punching set IOMMU_OPTION_HUGE_PAGES=0 on the IOAS",
        .C09: "nesting: IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT, then IOMMU_VIOMMU_ALLOC and nested HWPTs",
        .C10: noIOMMU,
        .C11: "allocate the IOAS before mapping: IOMMU_IOAS_MAP/UNMAP/IOVA_RANGES need an ioas_id",
        .C12: "unknown ioctls fail with ENOTTY on /dev/iommu",
        .C14: "destroy the IOAS with IOMMU_DESTROY after detaching the last device",
        .C15: "use the iommufd ioctls on /dev/iommu, not on the container fd",
        // group
        .G01: "open the device cdev /dev/vfio/devices/vfioN (from /sys/bus/pci/devices/BDF/vfio-dev/) instead of the group node",
        .G02: "no group viability check: VFIO_DEVICE_BIND_IOMMUFD fails when the device's group is not viable",
        .G03: "replace GROUP_SET_CONTAINER by VFIO_DEVICE_BIND_IOMMUFD(iommufd fd) on the device cdev",
        .G04: "replace GROUP_SET_CONTAINER by VFIO_DEVICE_BIND_IOMMUFD then VFIO_DEVICE_ATTACH_IOMMUFD_PT(ioas_id)",
        .G05: "replace GROUP_UNSET_CONTAINER by VFIO_DEVICE_DETACH_IOMMUFD_PT (or close the device fd)",
        .G06: deviceCdev,
        .G07: "pass the device cdev fd to KVM_DEV_VFIO_FILE_ADD and VFIO_DEVICE_PCI_HOT_RESET (zero-length group list)",
        .G08: deviceCdev,
        .G10: "bind devices individually; VFIO_DEVICE_BIND_IOMMUFD refuses a device whose group is not viable",
        // extensions
        .E01: "no TYPE1 probing: iommufd has one IOAS type with TYPE1v2 unmap semantics",
        .E02: "no TYPE1v2 probing: every IOAS behaves as TYPE1v2 (an unmap never splits a mapping)",
        .E03: "read cache coherency from IOMMU_GET_HW_INFO; enforce it with IOMMU_HWPT_ALLOC",
        .E04: "SPAPR TCE and EEH have no iommufd equivalent: stay on the legacy container",
        .E05: "nesting: IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT, then IOMMU_VIOMMU_ALLOC and nested HWPTs",
        .E06: noIOMMU,
        .E07: "unmap everything with IOMMU_IOAS_UNMAP over iova 0, length U64_MAX",
        .E08: cpr,
        .E10: "vendor IOMMU types have no iommufd equivalent: stay on the legacy container",
        // GET_INFO
        .I01: iovaRanges,
        .I02: iovaRanges,
        .I03: iovaRanges,
        .I05: iovaRanges,
        .I06: dirty,
        .I07: "no mapping-count limit: iommufd accounts pinned pages (IOMMU_OPTION_RLIMIT_MODE), not entries",
        // MAP_DMA
        .M01: mapWith,
        .M02: mapWith,
        .M03: mapWith,
        .M04: "IOMMU_IOAS_MAP rejects flags 0 (EINVAL): pass READABLE and/or WRITEABLE",
        .M07: "align iova and length to IOMMU_IOAS_IOVA_RANGES out_iova_alignment",
        .M12: "no mapping-count limit: iommufd accounts pinned pages (IOMMU_OPTION_RLIMIT_MODE), not entries",
        .M15: "map device BARs (P2P) with IOMMU_IOAS_MAP_FILE of a dmabuf from VFIO_DEVICE_FEATURE_DMA_BUF (Linux 6.19+)",
        .M17: cpr,
        .M20: "map an alias of an existing mapping with IOMMU_IOAS_COPY to share its pins",
        .M22: "map device BARs (P2P) with IOMMU_IOAS_MAP_FILE of a dmabuf from VFIO_DEVICE_FEATURE_DMA_BUF (Linux 6.19+)",
        .M23: "expect pinning (EFAULT, ENOMEM) when a device is attached, not only at IOMMU_IOAS_MAP",
        // UNMAP_DMA
        .U01: unmapWith,
        .U02: unmapWith,
        .U03: unmapWith,
        .U04: unmapWhole,
        .U05: unmapWhole,
        .U06: unmapWhole + "; or set IOMMU_OPTION_HUGE_PAGES=0 for exact hole punching",
        .U07: "align unmaps to IOMMU_IOAS_IOVA_RANGES out_iova_alignment",
        .U09: "unmap everything with IOMMU_IOAS_UNMAP over iova 0, length U64_MAX",
        .U11: cpr,
        .U12: cpr,
        .U13: dirty,
        .U15: "read the unmapped length from IOMMU_IOAS_UNMAP only on success",
        .U18: unmapWhole,
        // dirty tracking
        .D01: dirty, .D02: dirty, .D03: dirty, .D04: dirty,
        // SPAPR / EEH
        .S01: spapr, .S02: spapr, .S03: spapr, .S04: spapr, .S05: spapr,
        // behaviour
        .B01: iovaRanges,
        .B02: "attach devices before mapping, or expect EADDRINUSE when a mapping covers a reserved region",
        .B06: "choose the accounting with IOMMU_OPTION_RLIMIT_MODE (per user or per process)",
        .B09: noIOMMU,
        .B10: cpr,
        .B13: "choose the accounting with IOMMU_OPTION_RLIMIT_MODE; CAP_IPC_LOCK does not skip charging",
    ]

    static let mapWith = "map with IOMMU_IOAS_MAP (FIXED_IOVA|READABLE|WRITEABLE) on an IOAS"
    static let unmapWith = "unmap with IOMMU_IOAS_UNMAP (it returns the length unmapped)"
    static let unmapWhole = "unmap only whole mappings: IOMMU_IOAS_UNMAP fails with ENOENT on a range that cuts one"
    static let deviceCdev = "replace GROUP_GET_DEVICE_FD by opening /dev/vfio/devices/vfioN, VFIO_DEVICE_BIND_IOMMUFD and VFIO_DEVICE_ATTACH_IOMMUFD_PT"
    static let iovaRanges = "read the usable IOVA ranges and alignment with IOMMU_IOAS_IOVA_RANGES instead of GET_INFO"
    static let dirty = "track dirty pages with IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP (HWPT allocated with DIRTY_TRACKING)"
    static let cpr = "for live update use IOMMU_IOAS_MAP_FILE (memfd) and IOMMU_IOAS_CHANGE_PROCESS instead of VADDR"
    static let noIOMMU = "no-IOMMU mode: bind the device cdev with iommufd = -1 (vfio cdev no-iommu)"
    static let spapr = "SPAPR TCE and EEH have no iommufd equivalent: stay on the legacy container"

    /// The advice for `rows`, each text once, in row order: (the rows it answers, the text).
    public static func advice(for rows: some Sequence<MatrixRowID>) -> [(rows: [MatrixRowID], text: String)] {
        var order: [String] = []
        var rowsByText: [String: [MatrixRowID]] = [:]
        for row in Set(rows).sorted() {
            guard let text = byRow[row] else { continue }
            if rowsByText[text] == nil { order.append(text) }
            rowsByText[text, default: []].append(row)
        }
        return order.map { (rowsByText[$0]!, $0) }
    }
}
