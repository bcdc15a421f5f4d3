/// Every probe of the compatibility matrix: each emulated, divergent or logged
/// row of compat-matrix/matrix.yaml is named by at least one probe's `rows`.
/// Expected answers come from the kernel facts (reference/kernel-semantics.md
/// §2–§3, §9–§10): type1 for profile type1, iommufd's vfio compat for iommufd.
public enum ProbeCatalog {
    public static var all: [Probe] {
        container + group + extensions + info + map + unmap + dirty + spapr + behaviour
    }

    /// The probe called `name`, if any.
    public static func probe(named name: String) -> Probe? { all.first { $0.name == name } }

    /// Logged rows no code path of the emulator can log, with the reason: the
    /// call never reaches the emulator. The catalog has no probe for them.
    /// (None today: G-07, the group fd handed to KVM, is not-applicable for that reason.)
    public static let unreachableLoggedRows: [MatrixRowID: String] = [:]
}

typealias A = ProbeAction

// MARK: - Shared steps and expected buffers

extension ProbeCatalog {
    static let type1v2: UInt64 = 3
    static let type1v1: UInt64 = 1
    /// x86-vtd page sizes: 4K | 2M | 1G.
    static let pgsizes: UInt64 = 0x4020_1000
    /// x86-vtd usable IOVA: everything below 2^48 but the MSI window.
    static let vtdRanges: [(UInt64, UInt64)] = [(0, 0xfedf_ffff), (0xfef0_0000, (1 << 48) - 1)]

    static let setContainerOps = ["IOMMU_IOAS_ALLOC", "IOMMU_VFIO_IOAS", "VFIO_DEVICE_BIND_IOMMUFD"]

    /// Opens group `group` as `g` and the container as `c`, attaches, selects `type`.
    static func attached(type: UInt64 = type1v2, group: UInt32 = 7, g: String = "g", c: String = "c") -> [ProbeStep] {
        [A.open(g, "$MNT/\(group)").okAny(), A.open(c, "$MNT/vfio").okAny(),
         A.setContainer(g, c).ok(), A.setIOMMU(c, type).ok()]
    }

    /// `attached()` plus 4 MiB of caller memory `ram`.
    static func withRAM(type: UInt64 = type1v2, group: UInt32 = 7) -> [ProbeStep] {
        attached(type: type, group: group) + [A.mmap("ram", 0x40_0000).okAny()]
    }

    /// Two 2 MiB mappings back to back at 0x100000 and 0x300000.
    static let twoMappings: [ProbeStep] = withRAM() + [
        A.map("c", iova: 0x10_0000, size: 0x20_0000, vaddr: "$ram").ok(),
        A.map("c", iova: 0x30_0000, size: 0x20_0000, vaddr: "$ram+0x200000").ok(),
    ]

    static func u16(_ v: UInt64) -> ProbeField { .u16(.literal(v)) }
    static func u32(_ v: UInt64) -> ProbeField { .u32(.literal(v)) }
    static func u64(_ v: UInt64) -> ProbeField { .u64(.literal(v)) }

    /// `vfio_iommu_type1_info`: argsz, flags (PGSIZES|CAPS), iova_pgsizes, cap_offset, pad.
    static func infoHeader(argsz: UInt64, flags: UInt64 = 3, pgsizes: UInt64 = pgsizes, capOffset: UInt64) -> [ProbeField] {
        [u32(argsz), u32(flags), u64(pgsizes), u32(capOffset), u32(0)]
    }

    /// DMA_AVAIL (id 3, version 1), padded to 16 bytes.
    static func availCap(next: UInt64, avail: UInt64) -> [ProbeField] {
        [u16(3), u16(1), u32(next), u32(avail), u32(0)]
    }

    /// IOVA_RANGE (id 1, version 1): nr_iovas, reserved, then {start, end} inclusive.
    static func iovaCap(next: UInt64 = 0, _ ranges: [(UInt64, UInt64)]) -> [ProbeField] {
        [u16(1), u16(1), u32(next), u32(UInt64(ranges.count)), u32(0)] + ranges.flatMap { [u64($0.0), u64($0.1)] }
    }

    /// The whole GET_INFO buffer when everything fits: header, DMA_AVAIL at 24, IOVA_RANGE at 40.
    static func fullInfo(avail: UInt64, ranges: [(UInt64, UInt64)] = vtdRanges, pgsizes: UInt64 = pgsizes) -> ByteCheck {
        let size = UInt64(24 + 16 + 16 + 16 * ranges.count)
        return .exact(infoHeader(argsz: size, pgsizes: pgsizes, capOffset: 24) + availCap(next: 40, avail: avail) + iovaCap(ranges))
    }

    /// GET_INFO of the whole chain, answered like each kernel (type1: 65535 minus `mappings`; compat: U32_MAX).
    static func fullInfoStep(mappings: UInt64 = 0, ranges: [(UInt64, UInt64)] = vtdRanges, pgsizes: UInt64 = pgsizes,
                             rows: [MatrixRowID] = [.I01]) -> ProbeStep {
        let size = UInt32(24 + 16 + 16 + 16 * ranges.count)
        return A.getInfo("c", argsz: size).expect(
            type1: .ok(bytes: [fullInfo(avail: 65535 - mappings, ranges: ranges, pgsizes: pgsizes)], rows: rows,
                       unsupported: .I06, divergence: .I07, ops: ["IOMMU_IOAS_IOVA_RANGES"]),
            iommufd: .ok(bytes: [fullInfo(avail: 0xffff_ffff, ranges: ranges, pgsizes: pgsizes)], rows: rows,
                         unsupported: .I06, divergence: .I07, ops: ["IOMMU_IOAS_IOVA_RANGES"]))
    }
}
