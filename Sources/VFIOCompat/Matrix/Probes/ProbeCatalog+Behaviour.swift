/// Probes of dirty tracking (D-), SPAPR/EEH (S-) and behaviours (B-).
extension ProbeCatalog {
    static var dirty: [Probe] {
        [
            Probe("dirty-start-stop", rows: [.D01], steps: attached() + [
                A.dirtyPages("c", flags: 1).err(.notTTY, bytes: [.exact([u32(8), u32(1)])], rows: [.D01], unsupported: .D01),
                A.dirtyPages("c", flags: 2).err(.notTTY, bytes: [.exact([u32(8), u32(2)])], rows: [.D01], unsupported: .D01),
            ]),
            Probe("dirty-get-bitmap", rows: [.D02], steps: attached() + [
                A.dirtyPages("c", flags: 4, argsz: 48).err(.notTTY, rows: [.D02], unsupported: .D02),
            ]),
            Probe("dirty-all-pinned", rows: [.D03], steps: twoMappings + [
                A.dirtyPages("c", flags: 4, argsz: 48).err(.notTTY, rows: [.D03], unsupported: .D03),
            ]),
            Probe("dirty-v1-container", rows: [.D04], steps: attached(type: type1v1) + [
                A.dirtyPages("c", flags: 1).err(.notTTY, rows: [.D04], unsupported: .D04),
            ]),
        ]
    }

    static var spapr: [Probe] {
        [
            Probe("spapr-get-info", rows: [.S01], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
                A.setIOMMU("c", 7).expect(type1: .err(.noSuchDevice, unsupported: .C07, divergence: .C07),
                                          iommufd: .err(.invalidArgument, unsupported: .C07, divergence: .C07)),
                // 112 from a SPAPR client: type1 has no driver (EINVAL); compat answers it as type1 GET_INFO.
                A.buf("c", "VFIO_IOMMU_GET_INFO", [u32(32)], size: 32).expect(
                    type1: .err(.invalidArgument, rows: [.S01], unsupported: .S01, divergence: .C11),
                    iommufd: .ok(rows: [.I01], unsupported: .I06, divergence: .I03)),
            ]),
            Probe("spapr-register-memory", rows: [.S02], steps: attached() + [
                A.buf("c", "VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY", [u32(24), u32(0), u64(0), u64(0x1000)]).err(.notTTY, rows: [.S02], unsupported: .S02),
            ] + [
                A.open("g2", "$MNT/8").okAny(), A.open("c2", "$MNT/vfio").okAny(), A.setContainer("g2", "c2").ok(),
                A.setIOMMU("c2", 2).expect(type1: .err(.noSuchDevice), iommufd: .err(.invalidArgument)),
                A.buf("c2", "VFIO_IOMMU_SPAPR_REGISTER_MEMORY", [u32(24), u32(0), u64(0), u64(0x1000)]).expect(
                    type1: .err(.invalidArgument, unsupported: .S02),
                    iommufd: .err(.notTTY, unsupported: .D01)),
            ]),
            Probe("spapr-tce-window", rows: [.S03], steps: attached() + [
                A.buf("c", "VFIO_IOMMU_SPAPR_TCE_CREATE", [u32(40), u32(0), u32(12), u32(0), u64(0x1000_0000), u32(1), u32(0), u64(0)])
                    .err(.notTTY, rows: [.S03], unsupported: .S03),
                A.buf("c", "VFIO_IOMMU_SPAPR_TCE_REMOVE", [u32(16), u32(0), u64(0x800_0000_0000_0000)]).err(.notTTY, rows: [.S03], unsupported: .S03),
            ]),
            Probe("spapr-enable-disable", rows: [.S04], steps: attached() + [
                A.ioctl("c", "VFIO_IOMMU_ENABLE").err(.notTTY, rows: [.S04], unsupported: .S04),
                A.ioctl("c", "VFIO_IOMMU_DISABLE").err(.notTTY, rows: [.S04], unsupported: .S04),
            ]),
            Probe("eeh-pe-op", rows: [.S05], steps: attached() + [
                A.buf("c", "VFIO_EEH_PE_OP", [u32(40), u32(0), u32(4)], size: 40).err(.notTTY, rows: [.S05], unsupported: .S05),
            ]),
        ]
    }

    static var behaviour: [Probe] {
        [
            Probe("iova-narrowing", rows: [.B01], topology: "narrow-39", steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.setContainer("g", "c").ok(),
                A.setIOMMU("c", type1v2).expect(type1: .ok(rows: [.B01]), iommufd: .ok()),
                fullInfoStep(ranges: [(0, 0xfedf_ffff), (0xfef0_0000, (1 << 39) - 1)], rows: [.I05]),
                A.mmap("ram", 0x1000).okAny(),
                A.map("c", iova: 1 << 39, size: 0x1000, vaddr: "$ram").err(.invalidArgument, rows: [.M11]),
                A.map("c", iova: (1 << 39) - 0x1000, size: 0x1000, vaddr: "$ram").ok(),
            ]),
            Probe("attach-conflict", rows: [.B02], topology: "mixed", steps: withRAM() + [
                // A mapping above 2^39, then a group behind a 39-bit IOMMU joins.
                A.map("c", iova: 1 << 40, size: 0x1000, vaddr: "$ram").ok(),
                A.open("h", "$MNT/8").okAny(),
                A.setContainer("h", "c").expect(type1: .err(.invalidArgument, rows: [.B02], divergence: .B02),
                                                iommufd: .err(.addressInUse, rows: [.B02], divergence: .B02)),
                A.getStatus("h").ok(bytes: [.status(flags: 1)]),
                A.unmap("c", iova: 1 << 40, size: 0x1000).ok(bytes: [.unmapped(iova: 1 << 40, size: 0x1000)]),
                A.setContainer("h", "c").ok(rows: [.B04], divergence: .G04),
            ]),
            Probe("multi-group", rows: [.B04], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(),
                A.open("h", "$MNT/8").okAny(),
                A.setContainer("h", "c").ok(rows: [.B04], divergence: .G04),
                A.unsetContainer("g").ok(rows: [.G05]),
                // Group 8 still holds the address space: the mapping is there.
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000).ok(bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], rows: [.U01]),
            ]),
            Probe("pgsizes-follow-groups", rows: [.B05], topology: "mixed", steps: attached() + [
                A.getInfo("c", argsz: 16).ok(bytes: [.at(8, [u64(pgsizes)])], rows: [.B05], unsupported: .I06, divergence: .I03),
                A.open("h", "$MNT/8").okAny(),
                A.setContainer("h", "c").ok(rows: [.B05], divergence: .G04),
                A.getInfo("c", argsz: 16).ok(bytes: [.at(8, [u64(0x20_1000)])], rows: [.B05], unsupported: .I06, divergence: .I03),
            ]),
            Probe("memlock-accounting", rows: [.B06], memlock: 0x30_0000, steps: withRAM() + attached(group: 8, g: "h", c: "c2") + [
                A.map("c", iova: 0, size: 0x20_0000, vaddr: "$ram").ok(),
                // One locked_vm per process across its containers: 2 MiB + 2 MiB > 3 MiB.
                A.map("c2", iova: 0, size: 0x20_0000, vaddr: "$ram+0x200000").err(.outOfMemory, rows: [.B06], divergence: .B06),
                A.map("c2", iova: 0, size: 0x10_0000, vaddr: "$ram+0x200000").ok(rows: [.B06]),
            ]),
            Probe("ipc-lock-exempt", rows: [.B07], memlock: 0x1000, ipcLock: true, steps: withRAM() + [
                A.map("c", iova: 0, size: 0x40_0000, vaddr: "$ram").ok(rows: [.B07], divergence: .B13),
            ]),
            Probe("noiommu-container", rows: [.B09], steps: [
                A.open("c", "$MNT/vfio").okAny(),
                A.checkExtension("c", 8).ok(0, rows: [.E06], unsupported: .B09),
            ]),
            Probe("cpr-vaddr", rows: [.B10], steps: twoMappings + [
                A.checkExtension("c", 10).ok(0, unsupported: .E08),
                A.unmap("c", iova: 0, size: 0, flags: "V|A").err(.invalidArgument, unsupported: .U12),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "V").err(.invalidArgument, rows: [.M17], unsupported: .B10),
            ]),
            Probe("caller-mm", rows: [.B11], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(rows: [.B11]),
                A.map("c", iova: 0x40_0000, size: 0x1000, vaddr: 0x1000).err(.badAddress, rows: [.M14], divergence: .M23),
            ]),
            Probe("fd-other-process", rows: [.B12], steps: attached() + [
                A.caller(5151).ok(),
                A.mmap("ram2", 0x20_0000).okAny(),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram2").ok(rows: [.B11, .B12]),
                A.unmap("c", iova: 0x10_0000, size: 0x20_0000).ok(bytes: [.unmapped(iova: 0x10_0000, size: 0x20_0000)], rows: [.B12]),
            ]),
            Probe("ipc-lock-charging", rows: [.B13], ipcLock: true, steps: withRAM() + [
                A.map("c", iova: 0, size: 0x20_0000, vaddr: "$ram").ok(rows: [.B07], divergence: .B13),
            ]),
        ]
    }
}
