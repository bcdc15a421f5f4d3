/// One client-script line before its expectation is attached: built with the
/// helpers below (`.map("c", iova: …)`), then turned into a step with
/// `.ok(…)`, `.err(…)` (same answer under both profiles) or `.expect(type1:iommufd:)`.
public struct ProbeAction: Sendable, Hashable {
    public var line: String

    public init(_ line: String) { self.line = line }

    /// The same expectation under both profiles.
    public func both(_ e: ProbeExpectation) -> ProbeStep { ProbeStep(line: line, type1: e, iommufd: e) }

    public func expect(type1: ProbeExpectation, iommufd: ProbeExpectation) -> ProbeStep {
        ProbeStep(line: line, type1: type1, iommufd: iommufd)
    }

    public func ok(_ ret: Int64 = 0, bytes: [ByteCheck] = [], rows: [MatrixRowID]? = nil,
                   unsupported: MatrixRowID? = nil, divergence: MatrixRowID? = nil, ops: [String]? = nil) -> ProbeStep {
        both(.ok(ret, bytes: bytes, rows: rows, unsupported: unsupported, divergence: divergence, ops: ops))
    }

    public func okAny(rows: [MatrixRowID]? = nil, unsupported: MatrixRowID? = nil, divergence: MatrixRowID? = nil,
                      ops: [String]? = nil) -> ProbeStep {
        both(.okAny(rows: rows, unsupported: unsupported, divergence: divergence, ops: ops))
    }

    public func err(_ errno: Errno, bytes: [ByteCheck] = [], rows: [MatrixRowID]? = nil,
                    unsupported: MatrixRowID? = nil, divergence: MatrixRowID? = nil, ops: [String]? = nil) -> ProbeStep {
        both(.err(errno, bytes: bytes, rows: rows, unsupported: unsupported, divergence: divergence, ops: ops))
    }

    // MARK: - Script lines

    /// `open NAME PATH rdwr`.
    public static func open(_ name: String, _ path: String) -> ProbeAction { ProbeAction("open \(name) \(path) rdwr") }
    public static func close(_ name: String) -> ProbeAction { ProbeAction("close \(name)") }
    public static func dup(_ new: String, _ old: String) -> ProbeAction { ProbeAction("dup \(new) \(old)") }
    /// `ioctl NAME REQ VALUE`: the argument is a plain value.
    public static func ioctl(_ name: String, _ request: String, _ value: ProbeValue = 0) -> ProbeAction {
        ProbeAction("ioctl \(name) \(request) \(value)")
    }
    /// `ioctl-buf NAME REQ FIELDS [BUFSIZE]`: a pointer to the fields, zero-filled to `size`.
    public static func buf(_ name: String, _ request: String, _ fields: [ProbeField], size: Int? = nil) -> ProbeAction {
        let list = fields.map(\.description).joined(separator: ",")
        return ProbeAction("ioctl-buf \(name) \(request) \(list)" + (size.map { " \($0)" } ?? ""))
    }
    /// `ioctl-buf NAME REQ HEX [BUFSIZE]` with raw bytes.
    public static func bufHex(_ name: String, _ request: String, _ bytes: [UInt8], size: Int? = nil) -> ProbeAction {
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return ProbeAction("ioctl-buf \(name) \(request) \(hex)" + (size.map { " \($0)" } ?? ""))
    }
    /// `ioctl-fdptr NAME REQ FDNAME`: a pointer to an int holding FDNAME's fd.
    public static func fdptr(_ name: String, _ request: String, _ fdName: String) -> ProbeAction {
        ProbeAction("ioctl-fdptr \(name) \(request) \(fdName)")
    }
    /// `ioctl-badptr NAME REQ`: a pointer to nothing.
    public static func badptr(_ name: String, _ request: String) -> ProbeAction { ProbeAction("ioctl-badptr \(name) \(request)") }
    /// `mmap NAME SIZE [ro|device]`; `device` is a test-only mapping of a device (in-process only).
    public static func mmap(_ name: String, _ size: UInt64, _ mode: String? = nil) -> ProbeAction {
        ProbeAction("mmap \(name) \(ProbeValue.literal(size))" + (mode.map { " \($0)" } ?? ""))
    }
    public static func munmap(_ address: ProbeValue, _ size: UInt64) -> ProbeAction {
        ProbeAction("munmap \(address) \(ProbeValue.literal(size))")
    }
    /// `caller PID`: the following steps come from another process holding the same fds (the client forks).
    public static func caller(_ pid: Int32) -> ProbeAction { ProbeAction("caller \(pid)") }

    // MARK: - VFIO requests

    public static func setContainer(_ group: String, _ container: String) -> ProbeAction {
        fdptr(group, "VFIO_GROUP_SET_CONTAINER", container)
    }
    public static func unsetContainer(_ group: String) -> ProbeAction { ioctl(group, "VFIO_GROUP_UNSET_CONTAINER") }
    public static func setIOMMU(_ container: String, _ type: UInt64) -> ProbeAction {
        ioctl(container, "VFIO_SET_IOMMU", .literal(type))
    }
    public static func checkExtension(_ container: String, _ ext: UInt64) -> ProbeAction {
        ioctl(container, "VFIO_CHECK_EXTENSION", .literal(ext))
    }
    /// GET_STATUS with `argsz`.
    public static func getStatus(_ group: String, argsz: UInt32 = 8) -> ProbeAction {
        buf(group, "VFIO_GROUP_GET_STATUS", [.u32(.literal(UInt64(argsz))), .u32(0)])
    }
    /// GET_DEVICE_FD naming `device` (NUL-terminated).
    public static func getDeviceFD(_ group: String, _ device: String) -> ProbeAction {
        bufHex(group, "VFIO_GROUP_GET_DEVICE_FD", Array(device.utf8) + [0])
    }
    /// GET_INFO with `argsz` in a buffer of `size` bytes (default: argsz, at least 24).
    public static func getInfo(_ container: String, argsz: UInt32, size: Int? = nil) -> ProbeAction {
        buf(container, "VFIO_IOMMU_GET_INFO", [.u32(.literal(UInt64(argsz)))], size: size ?? max(Int(argsz), 24))
    }
    /// MAP_DMA; `flags` is `R`, `W`, `V` joined by `|`, or a number.
    public static func map(_ container: String, iova: UInt64, size: UInt64, vaddr: ProbeValue, flags: String = "R|W",
                           argsz: UInt32 = 32) -> ProbeAction {
        buf(container, "VFIO_IOMMU_MAP_DMA", [.u32(.literal(UInt64(argsz))), .u32(.literal(UInt64(flagBits(flags)))),
                                              .u64(vaddr), .u64(.literal(iova)), .u64(.literal(size))])
    }
    /// UNMAP_DMA; `flags` is `D` (GET_DIRTY_BITMAP), `A` (ALL), `V` (VADDR) joined by `|`, or a number.
    public static func unmap(_ container: String, iova: UInt64, size: UInt64, flags: String = "", argsz: UInt32 = 24) -> ProbeAction {
        buf(container, "VFIO_IOMMU_UNMAP_DMA", [.u32(.literal(UInt64(argsz))), .u32(.literal(UInt64(unmapFlagBits(flags)))),
                                                .u64(.literal(iova)), .u64(.literal(size))])
    }
    /// DIRTY_PAGES with `flags` (1 START, 2 STOP, 4 GET_BITMAP) and an argsz of `argsz`.
    public static func dirtyPages(_ container: String, flags: UInt32, argsz: UInt32 = 8) -> ProbeAction {
        buf(container, "VFIO_IOMMU_DIRTY_PAGES", [.u32(.literal(UInt64(argsz))), .u32(.literal(UInt64(flags)))], size: Int(max(argsz, 8)))
    }

    static func flagBits(_ flags: String) -> UInt32 {
        if let n = ProbeValue.parseNumber(flags) { return UInt32(n) }
        return flags.split(separator: "|").reduce(0) { bits, f in
            bits | (f == "R" ? 1 : f == "W" ? 2 : f == "V" ? 4 : 0)
        }
    }

    static func unmapFlagBits(_ flags: String) -> UInt32 {
        if let n = ProbeValue.parseNumber(flags) { return UInt32(n) }
        return flags.split(separator: "|").reduce(0) { bits, f in
            bits | (f == "D" ? 1 : f == "A" ? 2 : f == "V" ? 4 : 0)
        }
    }
}

extension ByteCheck {
    /// The unmap struct as written back: argsz, flags, iova, then `size`.
    public static func unmapped(iova: UInt64, size: UInt64, flags: UInt32 = 0, argsz: UInt32 = 24) -> ByteCheck {
        .exact([.u32(.literal(UInt64(argsz))), .u32(.literal(UInt64(flags))), .u64(.literal(iova)), .u64(.literal(size))])
    }

    /// The group status as written back.
    public static func status(flags: UInt32, argsz: UInt32 = 8) -> ByteCheck {
        .exact([.u32(.literal(UInt64(argsz))), .u32(.literal(UInt64(flags)))])
    }
}
