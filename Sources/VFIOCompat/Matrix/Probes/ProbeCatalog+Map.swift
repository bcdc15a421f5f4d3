/// Probes of VFIO_IOMMU_MAP_DMA (rows M-01 … M-23).
extension ProbeCatalog {
    static let mapOps = ["IOMMU_IOAS_MAP"]

    static var map: [Probe] {
        [
            Probe("map-read-write", rows: [.M01], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(rows: [.M01, .B11], ops: mapOps),
            ]),
            Probe("map-read-only", rows: [.M02], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "R").ok(rows: [.M02], ops: mapOps),
            ]),
            Probe("map-write-only", rows: [.M03], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "W").ok(rows: [.M03], ops: mapOps),
            ]),
            Probe("map-no-permission", rows: [.M04], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "0").expect(
                    type1: .err(.invalidArgument, rows: [.M04], divergence: .M04),
                    iommufd: .ok(rows: [.M04], divergence: .M04, ops: ["IOMMU_IOAS_MAP"])),
            ]),
            Probe("map-bad-args", rows: [.M05], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", argsz: 31).err(.invalidArgument, rows: [.M05]),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "11").err(.invalidArgument, rows: [.M05]),
                A.badptr("c", "VFIO_IOMMU_MAP_DMA").err(.badAddress),
                // Nothing was mapped by the failures.
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(rows: [.M01]),
            ]),
            Probe("map-size-zero", rows: [.M06], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0, vaddr: "$ram").err(.invalidArgument, rows: [.M06]),
            ]),
            Probe("map-misaligned", rows: [.M07], steps: withRAM() + [
                A.map("c", iova: 0x10_0800, size: 0x1000, vaddr: "$ram").err(.invalidArgument, rows: [.M07], divergence: .M07),
                A.map("c", iova: 0x10_0000, size: 0x800, vaddr: "$ram").err(.invalidArgument, rows: [.M07], divergence: .M07),
                A.map("c", iova: 0x10_0000, size: 0x1000, vaddr: "$ram+0x800").err(.invalidArgument, rows: [.M07], divergence: .M07),
            ]),
            Probe("map-wraparound", rows: [.M08], steps: withRAM() + [
                A.map("c", iova: 0xffff_ffff_ffff_f000, size: 0x2000, vaddr: "$ram").err(.overflow, rows: [.M08]),
                A.map("c", iova: 0x10_0000, size: 0x2000, vaddr: 0xffff_ffff_ffff_f000).err(.overflow, rows: [.M08]),
            ]),
            Probe("map-top-of-space", rows: [.M09], topology: "mixed", steps: withRAM(group: 10) + [
                A.map("c", iova: 0xffff_ffff_ffff_e000, size: 0x2000, vaddr: "$ram").ok(rows: [.M09], ops: mapOps),
                // The entry can be found again (v6.18): an overlapping map is refused, the unmap removes it.
                A.map("c", iova: 0xffff_ffff_ffff_f000, size: 0x1000, vaddr: "$ram").err(.exists, rows: [.M10]),
                A.unmap("c", iova: 0xffff_ffff_ffff_e000, size: 0x2000).ok(bytes: [.unmapped(iova: 0xffff_ffff_ffff_e000, size: 0x2000)],
                                                                            rows: [.U01]),
            ]),
            Probe("map-overlap", rows: [.M10], dmaEntryLimit: 1, steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(),
                // EEXIST is checked before ENOSPC (the one entry is used).
                A.map("c", iova: 0x20_0000, size: 0x20_0000, vaddr: "$ram").err(.exists, rows: [.M10]),
                A.map("c", iova: 0, size: 0x20_0000, vaddr: "$ram").err(.exists, rows: [.M10]),
            ]),
            Probe("map-reserved", rows: [.M11], steps: withRAM() + [
                A.map("c", iova: 0xfee0_0000, size: 0x1000, vaddr: "$ram").err(.invalidArgument, rows: [.M11]),
                A.map("c", iova: 0xfed0_0000, size: 0x20_0000, vaddr: "$ram").err(.invalidArgument, rows: [.M11]),
                A.map("c", iova: 1 << 48, size: 0x1000, vaddr: "$ram").err(.invalidArgument, rows: [.M11]),
            ]),
            Probe("map-entry-limit", rows: [.M12], dmaEntryLimit: 2, steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x1000, vaddr: "$ram").ok(),
                A.map("c", iova: 0x20_0000, size: 0x1000, vaddr: "$ram").ok(),
                A.map("c", iova: 0x30_0000, size: 0x1000, vaddr: "$ram").expect(
                    type1: .err(.noSpace, rows: [.M12], divergence: .M12),
                    iommufd: .ok(rows: [.M01], divergence: .M12, ops: mapOps)),
            ]),
            Probe("map-memlock", rows: [.M13], memlock: 0x10_0000, steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").err(.outOfMemory, rows: [.M13], divergence: .B06),
                A.map("c", iova: 0x10_0000, size: 0x10_0000, vaddr: "$ram").ok(rows: [.M01]),
            ]),
            Probe("map-bad-vaddr", rows: [.M14], steps: withRAM() + [
                // A hole of our own making: in a real process the page after an mmap may belong to another mapping.
                A.munmap("$ram+0x3ff000", 0x1000).ok(),
                A.map("c", iova: 0x10_0000, size: 0x1000, vaddr: "$ram+0x3ff000").err(.badAddress, rows: [.M14], divergence: .M23),
                A.munmap("$ram+0x100000", 0x1000).ok(),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").err(.badAddress, rows: [.M14, .M18], divergence: .M23),
            ]),
            Probe("map-p2p", rows: [.M15], inProcessOnly: true, steps: attached() + [
                A.mmap("bar", 0x10_0000, "device").okAny(),
                A.map("c", iova: 0x10_0000, size: 0x10_0000, vaddr: "$bar").err(.badAddress, rows: [.M15, .M22], unsupported: .M15),
            ]),
            Probe("map-write-readonly-vma", rows: [.M16], steps: attached() + [
                A.mmap("rom", 0x1_0000, "ro").okAny(),
                A.map("c", iova: 0x10_0000, size: 0x1_0000, vaddr: "$rom").err(.badAddress, rows: [.M16, .M18], divergence: .M23),
                A.map("c", iova: 0x10_0000, size: 0x1_0000, vaddr: "$rom", flags: "R").ok(rows: [.M02]),
            ]),
            Probe("map-vaddr", rows: [.M17], steps: withRAM() + [
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "V").err(.invalidArgument, rows: [.M17], unsupported: .M17),
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram", flags: "R|W|V").err(.invalidArgument, unsupported: .M17),
            ]),
            Probe("map-atomic", rows: [.M18], steps: withRAM() + [
                A.munmap("$ram+0x300000", 0x1000).ok(),
                A.map("c", iova: 0x10_0000, size: 0x40_0000, vaddr: "$ram").err(.badAddress, rows: [.M18, .M14], divergence: .M23),
                // Nothing of the failed map is left: the same IOVA maps again.
                A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(rows: [.M01]),
                A.unmap("c", iova: 0, size: 0x100_0000).ok(bytes: [.unmapped(iova: 0, size: 0x20_0000)]),
            ]),
            Probe("map-double-accounting", rows: [.M20], memlock: 0x30_0000, steps: withRAM() + [
                A.map("c", iova: 0, size: 0x20_0000, vaddr: "$ram").ok(),
                // The same 2 MiB at a second IOVA is charged again: 4 MiB > 3 MiB.
                A.map("c", iova: 0x20_0000, size: 0x20_0000, vaddr: "$ram").err(.outOfMemory, rows: [.M13, .M20], divergence: .B06),
            ]),
            Probe("map-device-vaddr", rows: [.M22], inProcessOnly: true, steps: attached() + [
                A.mmap("ram", 0x1000).okAny(), A.mmap("bar", 0x1000, "device").okAny(),
                // From RAM into the device mapping after it.
                A.map("c", iova: 0x10_0000, size: 0x3000, vaddr: "$ram").err(.badAddress, rows: [.M15, .M22], unsupported: .M22),
            ]),
            Probe("map-pin-timing", rows: [.M23], steps: withRAM() + [
                A.munmap("$ram", 0x1000).ok(),
                A.map("c", iova: 0x10_0000, size: 0x1000, vaddr: "$ram").err(.badAddress, rows: [.M23], divergence: .M23),
                A.map("c", iova: 0x10_0000, size: 0x1000, vaddr: "$ram+0x1000").ok(rows: [.M23]),
            ]),
        ]
    }
}
