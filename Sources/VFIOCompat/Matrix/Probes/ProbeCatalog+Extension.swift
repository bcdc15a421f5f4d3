/// Probes of VFIO_CHECK_EXTENSION (rows E-01 … E-10) and GET_INFO (I-01 … I-08).
extension ProbeCatalog {
    /// CHECK_EXTENSION(`ext`) on a fresh container and again after SET_IOMMU, answering `answer` both times.
    static func extensionProbe(_ name: String, _ row: MatrixRowID, _ exts: [UInt64], answer: Int64,
                               unsupported: MatrixRowID? = nil) -> Probe {
        let ask = { (c: String) in exts.map { A.checkExtension(c, $0).ok(answer, rows: [row], unsupported: unsupported) } }
        return Probe(name, rows: [row], steps: [A.open("c0", "$MNT/vfio").okAny()] + ask("c0") + attached() + ask("c"))
    }

    static var extensions: [Probe] {
        [
            extensionProbe("check-extension-type1", .E01, [1], answer: 1),
            extensionProbe("check-extension-type1v2", .E02, [3], answer: 1),
            Probe("check-extension-dma-cc", rows: [.E03], topology: "mixed", steps: [
                A.open("c0", "$MNT/vfio").okAny(),
                // type1: 0 with no driver; compat: ENODEV until the IOAS exists.
                A.checkExtension("c0", 4).expect(type1: .ok(0, rows: [.E03], divergence: .E03),
                                                 iommufd: .err(.noSuchDevice, rows: [.E03], divergence: .E03)),
            ] + attached() + [
                A.checkExtension("c", 4).ok(1, rows: [.E03]),
                // Group 8's IOMMU does not enforce coherency.
                A.open("h", "$MNT/8").okAny(), A.setContainer("h", "c").ok(),
                A.checkExtension("c", 4).ok(0, rows: [.E03]),
            ]),
            extensionProbe("check-extension-spapr", .E04, [2, 7, 5], answer: 0),
            extensionProbe("check-extension-nesting", .E05, [6], answer: 0),
            extensionProbe("check-extension-noiommu", .E06, [8], answer: 0, unsupported: .B09),
            extensionProbe("check-extension-unmap-all", .E07, [9], answer: 1),
            extensionProbe("check-extension-update-vaddr", .E08, [10], answer: 0, unsupported: .E08),
            extensionProbe("check-extension-unknown", .E09, [0, 11, 0x1234, 0xffff_ffff], answer: 0),
            Probe("vendor-iommu-types", rows: [.E10], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(),
                A.checkExtension("c", 100_001).ok(0, unsupported: .E10),
                A.checkExtension("c", 30).ok(0, unsupported: .E10),
                A.setContainer("g", "c").ok(),
                A.setIOMMU("c", 100_001).expect(type1: .err(.noSuchDevice, unsupported: .E10, divergence: .E10),
                                                iommufd: .err(.invalidArgument, unsupported: .E10, divergence: .E10)),
                A.setIOMMU("c", 30).expect(type1: .err(.noSuchDevice, unsupported: .E10, divergence: .E10),
                                           iommufd: .err(.invalidArgument, unsupported: .E10, divergence: .E10)),
            ]),
        ]
    }

    static var info: [Probe] {
        [
            Probe("get-info-argsz", rows: [.I01], steps: attached() + [
                A.getInfo("c", argsz: 15).err(.invalidArgument, bytes: [.exact(infoHeader(argsz: 15, flags: 0, pgsizes: 0, capOffset: 0))],
                                              rows: [.I01]),
                A.badptr("c", "VFIO_IOMMU_GET_INFO").err(.badAddress, rows: [.I01]),
                // 16 bytes: argsz, flags, iova_pgsizes written; cap_offset and pad untouched.
                A.getInfo("c", argsz: 16, size: 24).ok(bytes: [.exact([u32(88), u32(3), u64(pgsizes), u32(0), u32(0)])], rows: [.I01],
                                                       unsupported: .I06, divergence: .I03),
                A.buf("c", "VFIO_IOMMU_GET_INFO", [u32(20), u32(0), u64(0), u32(0x5a5a), u32(0x5a5a)]).ok(
                    bytes: [.exact([u32(88), u32(3), u64(pgsizes), u32(0), u32(0x5a5a)])], rows: [.I01],
                    unsupported: .I06, divergence: .I03),
            ]),
            Probe("get-info-pgsizes", rows: [.I02], steps: attached() + [
                A.getInfo("c", argsz: 16).ok(bytes: [.at(8, [u64(pgsizes)])], rows: [.I02], unsupported: .I06, divergence: .I03),
                // Group 9 alone: type1 refuses it; compat takes it with no device attached.
                A.open("n", "$MNT/9").okAny(), A.open("c9", "$MNT/vfio").okAny(),
                A.setContainer("n", "c9").expect(type1: .err(.operationNotPermitted), iommufd: .ok()),
                A.getInfo("c9", argsz: 40).expect(
                    type1: .err(.invalidArgument, divergence: .C11),
                    iommufd: .ok(bytes: [.exact(infoHeader(argsz: 72, pgsizes: 0xffff_ffff_ffff_f000, capOffset: 0)
                                                + availCap(next: 40, avail: 0xffff_ffff))],
                                 rows: [.I02], unsupported: .I06, divergence: .I02)),
            ]),
            Probe("get-info-cap-chain", rows: [.I03], steps: attached() + [
                // Short buffer: type1 raises argsz only; compat copies the caps that fit and links them.
                A.getInfo("c", argsz: 48).expect(
                    type1: .ok(bytes: [.exact(infoHeader(argsz: 88, capOffset: 0) + [u64(0), u64(0), u64(0)])],
                               rows: [.I03], unsupported: .I06, divergence: .I03),
                    iommufd: .ok(bytes: [.exact(infoHeader(argsz: 88, capOffset: 0) + availCap(next: 40, avail: 0xffff_ffff) + [u64(0)])],
                                 rows: [.I03], unsupported: .I06, divergence: .I03)),
                // Long buffer: type1 keeps the caller's argsz; compat overwrites it with the size used.
                A.getInfo("c", argsz: 96).expect(
                    type1: .ok(bytes: [.exact(infoHeader(argsz: 96, capOffset: 24) + availCap(next: 40, avail: 65535)
                                              + iovaCap(vtdRanges) + [u64(0)])],
                               rows: [.I03], unsupported: .I06, divergence: .I03),
                    iommufd: .ok(bytes: [.exact(infoHeader(argsz: 88, capOffset: 24) + availCap(next: 40, avail: 0xffff_ffff)
                                                + iovaCap(vtdRanges) + [u64(0)])],
                                 rows: [.I03], unsupported: .I06, divergence: .I03)),
            ]),
            Probe("get-info-cap-alignment", rows: [.I04], steps: attached() + [fullInfoStep(rows: [.I04])]),
            Probe("get-info-iova-range", rows: [.I05], topology: "arm-smmu", steps: attached() + [
                fullInfoStep(ranges: [(0, 0x7ff_ffff), (0x810_0000, (1 << 48) - 1)], rows: [.I05]),
            ]),
            Probe("get-info-migration", rows: [.I06], steps: attached() + [fullInfoStep(rows: [.I06])]),
            Probe("get-info-dma-avail", rows: [.I07], steps: twoMappings + [fullInfoStep(mappings: 2, rows: [.I07])]),
            Probe("get-info-cap-order", rows: [.I08], steps: attached() + [fullInfoStep(rows: [.I08])]),
        ]
    }
}
