/// The id of a compatibility-matrix row (`M-04`), typed so code cannot cite a
/// row that does not exist: use the constants (`.M04`), which a test keeps equal
/// to the ids of compat-matrix/matrix.yaml.
public struct MatrixRowID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (a: MatrixRowID, b: MatrixRowID) -> Bool { a.rawValue < b.rawValue }

    /// `X-NN` with X one of the area letters.
    static func isWellFormed(_ id: String) -> Bool {
        let chars = Array(id)
        return chars.count == 4 && "CGEIMUDSB".contains(chars[0]) && chars[1] == "-" && chars[2].isNumber && chars[3].isNumber
            && chars[2].isASCII && chars[3].isASCII
    }

    /// Every constant below, in matrix order.
    public static let all: [MatrixRowID] = [.C01, .C02, .C03, .C04, .C05, .C06, .C07, .C08, .C09, .C10, .C11, .C12, .C13, .C14, .C15, .C16, .G01, .G02, .G03, .G04, .G05, .G06, .G07, .G08, .G09, .G10, .G11, .E01, .E02, .E03, .E04, .E05, .E06, .E07, .E08, .E09, .E10, .I01, .I02, .I03, .I04, .I05, .I06, .I07, .I08, .M01, .M02, .M03, .M04, .M05, .M06, .M07, .M08, .M09, .M10, .M11, .M12, .M13, .M14, .M15, .M16, .M17, .M18, .M19, .M20, .M21, .M22, .M23, .U01, .U02, .U03, .U04, .U05, .U06, .U07, .U08, .U09, .U10, .U11, .U12, .U13, .U14, .U15, .U16, .U17, .U18, .D01, .D02, .D03, .D04, .S01, .S02, .S03, .S04, .S05, .B01, .B02, .B03, .B04, .B05, .B06, .B07, .B08, .B09, .B10, .B11, .B12, .B13]

    /// Open /dev/vfio/vfio
    public static let C01 = MatrixRowID("C-01")
    /// VFIO_GET_API_VERSION
    public static let C02 = MatrixRowID("C-02")
    /// CHECK_EXTENSION before SET_IOMMU
    public static let C03 = MatrixRowID("C-03")
    /// SET_IOMMU(TYPE1v2)
    public static let C04 = MatrixRowID("C-04")
    /// SET_IOMMU with no group attached
    public static let C05 = MatrixRowID("C-05")
    /// SET_IOMMU a second time
    public static let C06 = MatrixRowID("C-06")
    /// SET_IOMMU with an unsupported type (SPAPR 2/7, EEH 5, UPDATE_VADDR 10, vendor ids)
    public static let C07 = MatrixRowID("C-07")
    /// SET_IOMMU(TYPE1), v1 unmap semantics
    public static let C08 = MatrixRowID("C-08")
    /// SET_IOMMU(TYPE1_NESTING = 6)
    public static let C09 = MatrixRowID("C-09")
    /// SET_IOMMU(NOIOMMU = 8)
    public static let C10 = MatrixRowID("C-10")
    /// MAP, UNMAP, GET_INFO before SET_IOMMU
    public static let C11 = MatrixRowID("C-11")
    /// Unknown container ioctl
    public static let C12 = MatrixRowID("C-12")
    /// Container fd close while groups stay attached
    public static let C13 = MatrixRowID("C-13")
    /// Last group detach
    public static let C14 = MatrixRowID("C-14")
    /// iommufd-native ioctl numbers (nr >= 0x80) on the container fd
    public static let C15 = MatrixRowID("C-15")
    /// Shared numbers 112 and 117 decoded by the selected type
    public static let C16 = MatrixRowID("C-16")
    /// Exclusive open of /dev/vfio/N
    public static let G01 = MatrixRowID("G-01")
    /// VFIO_GROUP_GET_STATUS
    public static let G02 = MatrixRowID("G-02")
    /// SET_CONTAINER argument errors
    public static let G03 = MatrixRowID("G-03")
    /// SET_CONTAINER into a container that already has a driver
    public static let G04 = MatrixRowID("G-04")
    /// VFIO_GROUP_UNSET_CONTAINER
    public static let G05 = MatrixRowID("G-05")
    /// GET_DEVICE_FD argument errors
    public static let G06 = MatrixRowID("G-06")
    /// Group fd passed to KVM_DEV_VFIO_FILE or VFIO_DEVICE_PCI_HOT_RESET
    public static let G07 = MatrixRowID("G-07")
    /// GET_DEVICE_FD success: a new device fd
    public static let G08 = MatrixRowID("G-08")
    /// Unknown group ioctl
    public static let G09 = MatrixRowID("G-09")
    /// SET_CONTAINER of a non-viable group
    public static let G10 = MatrixRowID("G-10")
    /// SET_CONTAINER with an fd that is not a container
    public static let G11 = MatrixRowID("G-11")
    /// CHECK_EXTENSION(TYPE1 = 1)
    public static let E01 = MatrixRowID("E-01")
    /// CHECK_EXTENSION(TYPE1v2 = 3)
    public static let E02 = MatrixRowID("E-02")
    /// CHECK_EXTENSION(DMA_CC_IOMMU = 4)
    public static let E03 = MatrixRowID("E-03")
    /// CHECK_EXTENSION(SPAPR_TCE 2 / SPAPR_TCE_v2 7 / EEH 5)
    public static let E04 = MatrixRowID("E-04")
    /// CHECK_EXTENSION(TYPE1_NESTING = 6)
    public static let E05 = MatrixRowID("E-05")
    /// CHECK_EXTENSION(NOIOMMU = 8)
    public static let E06 = MatrixRowID("E-06")
    /// CHECK_EXTENSION(UNMAP_ALL = 9)
    public static let E07 = MatrixRowID("E-07")
    /// CHECK_EXTENSION(UPDATE_VADDR = 10)
    public static let E08 = MatrixRowID("E-08")
    /// CHECK_EXTENSION of an unknown id
    public static let E09 = MatrixRowID("E-09")
    /// Vendor types: Type1ChromeOS (100001), PKVM_PVIOMMU (30)
    public static let E10 = MatrixRowID("E-10")
    /// GET_INFO argsz and write-back width
    public static let I01 = MatrixRowID("I-01")
    /// GET_INFO iova_pgsizes
    public static let I02 = MatrixRowID("I-02")
    /// Capability chain protocol
    public static let I03 = MatrixRowID("I-03")
    /// Capability alignment
    public static let I04 = MatrixRowID("I-04")
    /// IOVA_RANGE capability (id 1, version 1)
    public static let I05 = MatrixRowID("I-05")
    /// MIGRATION capability (id 2, version 1)
    public static let I06 = MatrixRowID("I-06")
    /// DMA_AVAIL capability (id 3, version 1)
    public static let I07 = MatrixRowID("I-07")
    /// Capability order
    public static let I08 = MatrixRowID("I-08")
    /// MAP READ|WRITE at a fixed IOVA
    public static let M01 = MatrixRowID("M-01")
    /// MAP READ only
    public static let M02 = MatrixRowID("M-02")
    /// MAP WRITE only
    public static let M03 = MatrixRowID("M-03")
    /// MAP with flags == 0
    public static let M04 = MatrixRowID("M-04")
    /// MAP unknown flags or argsz < 32
    public static let M05 = MatrixRowID("M-05")
    /// MAP size 0
    public static let M06 = MatrixRowID("M-06")
    /// MAP alignment of iova, vaddr and size
    public static let M07 = MatrixRowID("M-07")
    /// MAP wrap-around of iova or vaddr
    public static let M08 = MatrixRowID("M-08")
    /// MAP ending exactly at 2^64
    public static let M09 = MatrixRowID("M-09")
    /// MAP overlapping an existing mapping
    public static let M10 = MatrixRowID("M-10")
    /// MAP outside the valid IOVA ranges
    public static let M11 = MatrixRowID("M-11")
    /// MAP beyond dma_entry_limit
    public static let M12 = MatrixRowID("M-12")
    /// MAP over RLIMIT_MEMLOCK without CAP_IPC_LOCK
    public static let M13 = MatrixRowID("M-13")
    /// MAP of an unmapped vaddr
    public static let M14 = MatrixRowID("M-14")
    /// MAP of a VM_PFNMAP (device BAR) vaddr, peer-to-peer
    public static let M15 = MatrixRowID("M-15")
    /// MAP WRITE of a read-only vaddr
    public static let M16 = MatrixRowID("M-16")
    /// MAP with VADDR (re-attach a vaddr)
    public static let M17 = MatrixRowID("M-17")
    /// MAP is atomic
    public static let M18 = MatrixRowID("M-18")
    /// MAP or attach while a vaddr is invalidated
    public static let M19 = MatrixRowID("M-19")
    /// Same vaddr mapped twice is charged twice
    public static let M20 = MatrixRowID("M-20")
    /// MAP in an mdev-only container
    public static let M21 = MatrixRowID("M-21")
    /// MAP of a vaddr inside a device mapping of the caller (P2P detection)
    public static let M22 = MatrixRowID("M-22")
    /// When MAP checks the vaddr and the memlock limit
    public static let M23 = MatrixRowID("M-23")
    /// UNMAP of exactly one whole mapping
    public static let U01 = MatrixRowID("U-01")
    /// UNMAP covering several whole mappings
    public static let U02 = MatrixRowID("U-02")
    /// UNMAP of a range with no mapping
    public static let U03 = MatrixRowID("U-03")
    /// UNMAP bisecting the first mapping of the range
    public static let U04 = MatrixRowID("U-04")
    /// UNMAP bisecting the last mapping of the range
    public static let U05 = MatrixRowID("U-05")
    /// UNMAP punching a hole inside a mapping (v1)
    public static let U06 = MatrixRowID("U-06")
    /// UNMAP with misaligned iova or size
    public static let U07 = MatrixRowID("U-07")
    /// UNMAP unknown flags or argsz < 24
    public static let U08 = MatrixRowID("U-08")
    /// UNMAP with FLAG_ALL (iova = size = 0)
    public static let U09 = MatrixRowID("U-09")
    /// UNMAP FLAG_ALL with non-zero iova or size
    public static let U10 = MatrixRowID("U-10")
    /// UNMAP with VADDR (invalidate vaddrs)
    public static let U11 = MatrixRowID("U-11")
    /// UNMAP with VADDR|ALL (QEMU CPR pre-save)
    public static let U12 = MatrixRowID("U-12")
    /// UNMAP with GET_DIRTY_BITMAP
    public static let U13 = MatrixRowID("U-13")
    /// GET_DIRTY_BITMAP combined with ALL or VADDR
    public static let U14 = MatrixRowID("U-14")
    /// UNMAP writes size back on error
    public static let U15 = MatrixRowID("U-15")
    /// UNMAP wrap-around
    public static let U16 = MatrixRowID("U-16")
    /// UNMAP of a range pinned by an in-kernel user (mdev)
    public static let U17 = MatrixRowID("U-17")
    /// UNMAP covering the start of a mapping that extends past the range (v1)
    public static let U18 = MatrixRowID("U-18")
    /// DIRTY_PAGES START / STOP
    public static let D01 = MatrixRowID("D-01")
    /// DIRTY_PAGES GET_BITMAP
    public static let D02 = MatrixRowID("D-02")
    /// Dirty semantics: every pinned page reported dirty
    public static let D03 = MatrixRowID("D-03")
    /// DIRTY_PAGES on a TYPE1 (v1) container
    public static let D04 = MatrixRowID("D-04")
    /// SPAPR_TCE_GET_INFO (112 on a SPAPR container)
    public static let S01 = MatrixRowID("S-01")
    /// SPAPR REGISTER / UNREGISTER_MEMORY (117 / 118)
    public static let S02 = MatrixRowID("S-02")
    /// SPAPR TCE_CREATE / TCE_REMOVE (119 / 120)
    public static let S03 = MatrixRowID("S-03")
    /// IOMMU_ENABLE / DISABLE (115 / 116)
    public static let S04 = MatrixRowID("S-04")
    /// EEH_PE_OP (121)
    public static let S05 = MatrixRowID("S-05")
    /// Valid IOVA list narrowed by aperture and reserved regions
    public static let B01 = MatrixRowID("B-01")
    /// Attach conflicting with existing mappings
    public static let B02 = MatrixRowID("B-02")
    /// Interrupt remapping required (allow_unsafe_interrupts)
    public static let B03 = MatrixRowID("B-03")
    /// Several groups share one address space
    public static let B04 = MatrixRowID("B-04")
    /// Page-size bitmap follows the attached groups
    public static let B05 = MatrixRowID("B-05")
    /// Locked-memory accounting
    public static let B06 = MatrixRowID("B-06")
    /// CAP_IPC_LOCK exempts from the memlock limit
    public static let B07 = MatrixRowID("B-07")
    /// Emulated IOMMU (mdev) pin and rw interfaces
    public static let B08 = MatrixRowID("B-08")
    /// No-IOMMU containers
    public static let B09 = MatrixRowID("B-09")
    /// CPR / live update through VADDR
    public static let B10 = MatrixRowID("B-10")
    /// MAP and UNMAP act on the caller's mm
    public static let B11 = MatrixRowID("B-11")
    /// Container and group fds used from another process
    public static let B12 = MatrixRowID("B-12")
    /// Charging with CAP_IPC_LOCK
    public static let B13 = MatrixRowID("B-13")
}
