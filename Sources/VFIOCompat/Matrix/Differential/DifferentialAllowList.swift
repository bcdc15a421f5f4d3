/// The differences between the real 6.1 kernel and the shim that the matrix documents,
/// keyed by row: a differing answer is accepted only when it speaks for one of these rows.
///
/// Two kinds, nothing else: features the emulator does not support (status `logged`),
/// and behaviour that changed between v6.1 and current upstream, which the emulator
/// follows (reference/kernel-semantics.md §2.11 and §9).
public enum DifferentialAllowList {
    public static let rows: [MatrixRowID: String] = [
        // Unsupported by the emulator.
        .I06: "MIGRATION cap omitted: dirty tracking is not supported (D-01); 6.1 reports it",
        .D01: "dirty tracking is not supported: DIRTY_PAGES START/STOP refused",
        .D02: "dirty tracking is not supported: DIRTY_PAGES GET_BITMAP refused",
        .D03: "dirty tracking is not supported: no dirty bitmap to report",
        .D04: "dirty tracking is not supported: DIRTY_PAGES on a v1 container",
        .E08: "UPDATE_VADDR is not supported: CHECK_EXTENSION(10) answers 0; 6.1 answers 1 after SET_IOMMU",
        .M17: "UPDATE_VADDR is not supported: MAP with VFIO_DMA_MAP_FLAG_VADDR refused",
        .U11: "UPDATE_VADDR is not supported: UNMAP with VFIO_DMA_UNMAP_FLAG_VADDR refused",
        .U12: "UPDATE_VADDR is not supported: UNMAP with VADDR|ALL refused",
        .U13: "dirty tracking is not supported: UNMAP with GET_DIRTY_BITMAP refused",
        .U06: "v1 hole punching is not supported (TYPE1v2 semantics only)",
        .U18: "v1 partial unmap is not supported (TYPE1v2 semantics only)",
        .G08: "GET_DEVICE_FD success cannot be served: a FUSE/CUSE reply cannot install an fd in the caller (EOPNOTSUPP)",
        .C09: "TYPE1_NESTING: 6.1 x86 answers EINVAL, upstream (>= 6.13) ENODEV; the emulator follows upstream",
        // Changed between v6.1 and current upstream; the emulator follows upstream.
        .E05: "CHECK_EXTENSION(TYPE1_NESTING): 1 up to v6.12, 0 from v6.13",
        .G11: "SET_CONTAINER with a foreign fd: EINVAL on 6.1, EBADFD from v6.2",
        .I01: "GET_INFO write-back: 6.1 writes 16 or 20 bytes, >= 6.6 min(argsz, 24)",
        .I04: "capabilities padded to 8 bytes from v6.6 (6.1: 116 bytes with two ranges, upstream 120)",
        .M08: "MAP wrap-around: EINVAL up to v6.17, EOVERFLOW from v6.18",
        .M09: "MAP ending at 2^64: accepted but unfindable before v6.18, correct since",
        .U16: "UNMAP wrap-around: EINVAL up to v6.17, EOVERFLOW from v6.18",
    ]
}
