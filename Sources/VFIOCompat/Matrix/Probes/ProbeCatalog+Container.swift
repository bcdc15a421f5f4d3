/// Probes of the container node (rows C-01 … C-16).
extension ProbeCatalog {
    static var container: [Probe] {
        [
            Probe("container-open", rows: [.C01], steps: [
                A.open("c", "$MNT/vfio").expect(type1: .okAny(rows: [.C01], ops: []),
                                                iommufd: .okAny(rows: [.C01], ops: ["open /dev/iommu"])),
                // Every open is a fresh container with no driver: a second one is independent.
                A.open("c2", "$MNT/vfio").okAny(),
                A.open("g", "$MNT/7").okAny(),
                A.setContainer("g", "c").ok(),
                A.setIOMMU("c2", type1v2).expect(type1: .err(.invalidArgument, divergence: .C05),
                                                 iommufd: .err(.noSuchDevice, divergence: .C05)),
            ]),
            Probe("api-version", rows: [.C02], steps: [
                A.open("c", "$MNT/vfio").okAny(),
                A.ioctl("c", "VFIO_GET_API_VERSION").ok(0, rows: [.C02], ops: []),
            ] + attached(c: "c2") + [
                A.ioctl("c2", "VFIO_GET_API_VERSION").ok(0, rows: [.C02], ops: []),
            ]),
            Probe("check-extension-unset", rows: [.C03], steps: [
                A.open("c", "$MNT/vfio").okAny(),
                A.checkExtension("c", type1v2).ok(1, rows: [.C03, .E02]),
                A.checkExtension("c", type1v1).ok(1, rows: [.C03, .E01]),
            ]),
            Probe("set-iommu-type1v2", rows: [.C04], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
                A.setIOMMU("c", type1v2).expect(
                    type1: .ok(rows: [.C04, .B01], ops: ["VFIO_DEVICE_ATTACH_IOMMUFD_PT"]),
                    iommufd: .ok(rows: [.C04], ops: [])),
                A.checkExtension("c", type1v2).ok(1, rows: [.E02]),
            ]),
            Probe("set-iommu-no-group", rows: [.C05], steps: [
                A.open("c", "$MNT/vfio").okAny(),
                A.setIOMMU("c", type1v2).expect(type1: .err(.invalidArgument, rows: [.C05], divergence: .C05),
                                                iommufd: .err(.noSuchDevice, rows: [.C05], divergence: .C05)),
            ]),
            Probe("set-iommu-twice", rows: [.C06], steps: attached() + [
                A.setIOMMU("c", type1v2).expect(type1: .err(.invalidArgument, rows: [.C06], divergence: .C06),
                                                iommufd: .ok(rows: [.C06], divergence: .C06, ops: [])),
            ]),
            Probe("set-iommu-unsupported", rows: [.C07], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
            ] + [2, 7, 5, 10, 0x7777].map { type in
                A.setIOMMU("c", type).expect(type1: .err(.noSuchDevice, unsupported: .C07, divergence: .C07),
                                             iommufd: .err(.invalidArgument, unsupported: .C07, divergence: .C07))
            } + [
                // Nothing was selected: TYPE1v2 still works.
                A.setIOMMU("c", type1v2).ok(rows: [.C04]),
            ]),
            Probe("set-iommu-type1v1", rows: [.C08], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
                A.setIOMMU("c", type1v1).expect(
                    type1: .ok(rows: [.C04, .C08], unsupported: .C08,
                               ops: ["VFIO_DEVICE_ATTACH_IOMMUFD_PT", "IOMMU_OPTION(IOMMU_OPTION_HUGE_PAGES=0) (iommufd emulates v1 by hole punching; not emulated)"]),
                    iommufd: .ok(rows: [.C04, .C08], unsupported: .C08,
                                 ops: ["IOMMU_OPTION(IOMMU_OPTION_HUGE_PAGES=0) (iommufd emulates v1 by hole punching; not emulated)"])),
            ]),
            Probe("set-iommu-nesting", rows: [.C09], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
                // type1: no driver claims 6 from v6.13 (ENODEV); compat: EINVAL.
                A.setIOMMU("c", 6).expect(type1: .err(.noSuchDevice, unsupported: .C09, divergence: .C09),
                                          iommufd: .err(.invalidArgument, unsupported: .C09, divergence: .C09)),
            ]),
            Probe("set-iommu-noiommu", rows: [.C10], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
                A.setIOMMU("c", 8).expect(type1: .err(.noSuchDevice, unsupported: .C10, divergence: .C10),
                                          iommufd: .err(.invalidArgument, unsupported: .C10, divergence: .C10)),
            ]),
            Probe("ioctl-before-set-iommu", rows: [.C11], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.mmap("ram", 0x20_0000).okAny(),
                // No group: type1 EINVAL (container default), compat ENODEV (no IOAS).
                A.getInfo("c", argsz: 16).expect(
                    type1: .err(.invalidArgument, bytes: [.exact(infoHeader(argsz: 16, flags: 0, pgsizes: 0, capOffset: 0))],
                                rows: [.C11], divergence: .C11),
                    iommufd: .err(.noSuchDevice, rows: [.C11], divergence: .C11)),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").expect(
                    type1: .err(.invalidArgument, rows: [.C11], divergence: .C11),
                    iommufd: .err(.noSuchDevice, rows: [.C11], divergence: .C11)),
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], rows: [.C11], divergence: .C11),
                    iommufd: .err(.noSuchDevice, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], rows: [.C11], divergence: .C11)),
                // With a group but no type: type1 still EINVAL; compat works on its IOAS.
                A.setContainer("g", "c").ok(),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").expect(
                    type1: .err(.invalidArgument, rows: [.C11], divergence: .C11),
                    iommufd: .ok(rows: [.M01], ops: ["IOMMU_IOAS_MAP"])),
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000).expect(
                    type1: .err(.invalidArgument, bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], divergence: .C11),
                    iommufd: .ok(bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], rows: [.U01])),
            ]),
            Probe("container-unknown-ioctl", rows: [.C12], steps: [
                A.open("c", "$MNT/vfio").okAny(),
                // type1 with no driver: the container's default EINVAL; compat: ENOTTY.
                A.ioctl("c", "0x3b7f").expect(type1: .err(.invalidArgument, rows: [.C12], divergence: .C12),
                                              iommufd: .err(.notTTY, rows: [.C12])),
            ] + attached(c: "c2") + [
                A.ioctl("c2", "0x3b7f").err(.notTTY, rows: [.C12]),
                // A group request on a container fd is just as unknown.
                A.getStatus("c2").err(.notTTY, bytes: [.status(flags: 0)], rows: [.C12]),
            ]),
            Probe("container-close-keeps-state", rows: [.C13], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(),
                A.close("c").ok(0, rows: [.C13], ops: []),
                // The group still holds the container: it cannot join another one.
                A.open("c2", "$MNT/vfio").okAny(),
                A.setContainer("g", "c2").err(.invalidArgument, rows: [.G03]),
                // Detaching the last group is what drops the mapping (type1) or keeps it in the IOAS (compat).
                A.unsetContainer("g").expect(
                    type1: .ok(rows: [.G05], divergence: .C14,
                               ops: ["VFIO_DEVICE_DETACH_IOMMUFD_PT", "IOMMU_IOAS_UNMAP", "IOMMU_DESTROY"]),
                    iommufd: .ok(rows: [.G05], divergence: .C14,
                                 ops: ["VFIO_DEVICE_DETACH_IOMMUFD_PT", "IOMMU_DESTROY"])),
            ]),
            Probe("last-group-detach", rows: [.C14], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(),
                A.unsetContainer("g").expect(
                    type1: .ok(rows: [.C14], divergence: .C14,
                               ops: ["VFIO_DEVICE_DETACH_IOMMUFD_PT", "IOMMU_IOAS_UNMAP", "IOMMU_DESTROY"]),
                    iommufd: .ok(rows: [.C14], divergence: .C14, ops: ["VFIO_DEVICE_DETACH_IOMMUFD_PT"])),
                // type1: the driver is released, MAP needs SET_IOMMU again. compat: the mapping is still there.
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").expect(
                    type1: .err(.invalidArgument, divergence: .C11),
                    iommufd: .err(.exists, rows: [.M10])),
                A.setContainer("g", "c").ok(),
                A.setIOMMU("c", type1v2).expect(type1: .ok(rows: [.C04]), iommufd: .ok(divergence: .C06)),
            ]),
            Probe("container-iommufd-ioctl", rows: [.C15], steps: [
                A.open("c", "$MNT/vfio").okAny(),
                A.ioctl("c", "0x3b80").expect(type1: .err(.invalidArgument, unsupported: .C15),
                                              iommufd: .err(.notTTY, unsupported: .C15)),
            ] + attached(c: "c2") + [
                A.ioctl("c2", "0x3b80").err(.notTTY, unsupported: .C15),
                A.ioctl("c2", "0x3b8a").err(.notTTY, unsupported: .C15),
            ]),
            Probe("shared-request-numbers", rows: [.C16], steps: attached() + [
                // 112 and 117 on a type1 container are GET_INFO and DIRTY_PAGES.
                A.getInfo("c", argsz: 16).ok(rows: [.C16, .I01], unsupported: .I06, divergence: .I03),
                A.dirtyPages("c", flags: 1).err(.notTTY, bytes: [.exact([u32(8), u32(1)])], rows: [.C16], unsupported: .D01),
            ]),
        ]
    }
}
