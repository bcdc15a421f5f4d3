/// Probes of VFIO_IOMMU_UNMAP_DMA (rows U-01 … U-18); mappings from `twoMappings`
/// are 2 MiB at 0x100000 and 0x300000.
extension ProbeCatalog {
    static let unmapOps = ["IOMMU_IOAS_UNMAP"]

    /// A v1 (TYPE1) container with one 2 MiB mapping at 0x100000.
    static let v1Mapping: [ProbeStep] = withRAM(type: type1v1) + [
        A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(),
    ]

    static var unmap: [Probe] {
        [
            Probe("unmap-exact", rows: [.U01], steps: twoMappings + [
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000).ok(bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)],
                                                                  rows: [.U01], ops: unmapOps),
            ]),
            Probe("unmap-several", rows: [.U02], steps: twoMappings + [
                A.unmap("c", iova: 0, size: 0x100_0000).ok(bytes: [.unmapped(iova: 0, size: 0x40_0000)], rows: [.U02], ops: unmapOps),
            ]),
            Probe("unmap-empty", rows: [.U03], steps: twoMappings + [
                A.unmap("c", iova: 0x1000_0000, size: 0x1000).ok(bytes: [.unmapped(iova: 0x1000_0000, size: 0)], rows: [.U03], ops: unmapOps),
            ]),
            Probe("unmap-bisect-first", rows: [.U04], steps: twoMappings + [
                A.unmap("c", iova: 0x20_0000, size: 0x20_0000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x20_0000, size: 0x20_0000)], rows: [.U04], divergence: .U04),
                    iommufd: .err(.noSuchEntry, bytes: [.unmapped(iova: 0x20_0000, size: 0)], rows: [.U04, .U15], divergence: .U04)),
                A.unmap("c", iova: 0, size: 0x100_0000).ok(bytes: [.unmapped(iova: 0, size: 0x40_0000)]),
            ]),
            Probe("unmap-bisect-last", rows: [.U05], steps: twoMappings + [
                A.unmap("c", iova: 0x10_0000, size: 0x30_0000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x30_0000)], rows: [.U05], divergence: .U05),
                    iommufd: .err(.noSuchEntry, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], rows: [.U05, .U15], divergence: .U05,
                                  ops: unmapOps)),
                // type1 changed nothing; compat already removed the first mapping.
                A.unmap("c", iova: 0, size: 0x100_0000).expect(
                    type1: .ok(bytes: [.unmapped(iova: 0, size: 0x40_0000)], rows: [.U02]),
                    iommufd: .ok(bytes: [.unmapped(iova: 0, size: 0x20_0000)], rows: [.U01])),
            ]),
            Probe("unmap-v1-hole", rows: [.U06], steps: v1Mapping + [
                A.unmap("c", iova: 0x20_0000, size: 0x1000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x20_0000, size: 0x1000)], rows: [.U06], unsupported: .U06, divergence: .U04),
                    iommufd: .err(.noSuchEntry, bytes: [.unmapped(iova: 0x20_0000, size: 0)], rows: [.U06], unsupported: .U06, divergence: .U04)),
            ]),
            Probe("unmap-misaligned", rows: [.U07], steps: twoMappings + [
                A.unmap("c", iova: 0x1000_0800, size: 0x1000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x1000_0800, size: 0x1000)], rows: [.U07], divergence: .U07),
                    iommufd: .ok(bytes: [.unmapped(iova: 0x1000_0800, size: 0)], rows: [.U07, .U03], divergence: .U07)),
                A.unmap("c", iova: 0x1000_0000, size: 0x800).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x1000_0000, size: 0x800)], rows: [.U07], divergence: .U07),
                    iommufd: .ok(bytes: [.unmapped(iova: 0x1000_0000, size: 0)], rows: [.U07], divergence: .U07)),
            ]),
            Probe("unmap-bad-args", rows: [.U08], steps: twoMappings + [
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000, argsz: 23).err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000, argsz: 23)], rows: [.U08]),
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000, flags: "8").err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000, flags: 8)], rows: [.U08]),
                A.badptr("c", "VFIO_IOMMU_UNMAP_DMA").err(.badAddress),
                A.unmap("c", iova: 0, size: 0x100_0000).ok(bytes: [.unmapped(iova: 0, size: 0x40_0000)]),
            ]),
            Probe("unmap-all", rows: [.U09], steps: twoMappings + [
                A.unmap("c", iova: 0, size: 0, flags: "A").ok(bytes: [.unmapped(iova: 0, size: 0x40_0000, flags: 2)], rows: [.U09], ops: unmapOps),
                A.unmap("c", iova: 0, size: 0, flags: "A").ok(bytes: [.unmapped(iova: 0, size: 0, flags: 2)], rows: [.U09]),
            ]),
            Probe("unmap-all-nonzero", rows: [.U10], steps: twoMappings + [
                A.unmap("c", iova: 0x10_0000, size: 0, flags: "A").err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0, flags: 2)], rows: [.U10]),
                A.unmap("c", iova: 0, size: 0x1000, flags: "A").err(.invalidArgument, bytes: [.unmapped(iova: 0, size: 0x1000, flags: 2)], rows: [.U10]),
            ]),
            Probe("unmap-vaddr", rows: [.U11], steps: twoMappings + [
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000, flags: "V").err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000, flags: 4)],
                                                                              rows: [.U11], unsupported: .U11),
            ]),
            Probe("unmap-vaddr-all", rows: [.U12], steps: twoMappings + [
                A.unmap("c", iova: 0, size: 0, flags: "V|A").err(.invalidArgument, bytes: [.unmapped(iova: 0, size: 0, flags: 6)],
                                                                rows: [.U12], unsupported: .U12),
            ]),
            Probe("unmap-dirty-bitmap", rows: [.U13], steps: twoMappings + [
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000, flags: "D", argsz: 48).err(
                    .invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000, flags: 1, argsz: 48)], rows: [.U13], unsupported: .U13),
            ]),
            Probe("unmap-dirty-bitmap-combined", rows: [.U14], steps: twoMappings + [
                A.unmap("c", iova: 0, size: 0, flags: "D|A", argsz: 48).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0, size: 0, flags: 3, argsz: 48)], rows: [.U14]),
                    iommufd: .err(.invalidArgument, bytes: [.unmapped(iova: 0, size: 0, flags: 3, argsz: 48)], rows: [.U14], unsupported: .U13)),
            ]),
            Probe("unmap-size-on-error", rows: [.U15], steps: twoMappings + [
                A.unmap("c", iova: 0xffff_ffff_ffff_f000, size: 0x2000).expect(
                    type1: .err(.overflow, bytes: [.unmapped(iova: 0xffff_ffff_ffff_f000, size: 0x2000)], rows: [.U15], divergence: .U15),
                    iommufd: .err(.overflow, bytes: [.unmapped(iova: 0xffff_ffff_ffff_f000, size: 0)], rows: [.U15], divergence: .U15)),
                A.unmap("c", iova: 0x10_0000, size: 0).err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0)], rows: [.U15], divergence: .U15),
            ]),
            Probe("unmap-wraparound", rows: [.U16], steps: twoMappings + [
                A.unmap("c", iova: 0xffff_ffff_ffff_f000, size: 0x2000).expect(
                    type1: .err(.overflow, bytes: [.unmapped(iova: 0xffff_ffff_ffff_f000, size: 0x2000)], rows: [.U16], divergence: .U15),
                    iommufd: .err(.overflow, bytes: [.unmapped(iova: 0xffff_ffff_ffff_f000, size: 0)], rows: [.U16], divergence: .U15)),
            ]),
            Probe("unmap-v1-overreach", rows: [.U18], steps: v1Mapping + [
                A.unmap("c", iova: 0, size: 0x20_0000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0, size: 0x20_0000)], rows: [.U18], unsupported: .U18, divergence: .U05),
                    iommufd: .err(.noSuchEntry, bytes: [.unmapped(iova: 0, size: 0)], rows: [.U18], unsupported: .U18, divergence: .U05)),
            ]),
        ]
    }
}
