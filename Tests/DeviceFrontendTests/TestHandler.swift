import DeviceFrontend
import Synchronization
import VFIOCompat

/// A DeviceHandler for the frontend tests: records opens and releases and answers a
/// few test-only requests that expose what the frontend handed it.
final class TestHandler: DeviceHandler {
    // Test-only request numbers (VFIO's type ';', nr 0xC0...; outside VFIO's range).
    static let whoAmI: UInt32 = 0x3BC0          // returns the handle of this open
    static let roundTrip: UInt32 = 0x3BC1       // reads {argsz u32, flags u32}, writes {argsz*2, flags|0x100}
    static let identity: UInt32 = 0x3BC2        // writes 6 u64: pid, tid, uid, gid, memlock (max = none), ipclock
    static let mappings: UInt32 = 0x3BC3        // returns 8|r|w<<1|device<<2 for the first mapping at arg, else 0
    static let oversizedRead: UInt32 = 0x3BC4   // reads 64 KiB + 1 at arg
    static let fullRead: UInt32 = 0x3BC5        // reads exactly 64 KiB at arg; returns its first byte
    static let setContainer: UInt32 = 0x3B68    // VFIO_GROUP_SET_CONTAINER: resolves *(int *)arg

    let nodes: [NodeEntry] = [
        NodeEntry(name: "vfio", node: .container, uid: 0, gid: 0, mode: 0o666),
        NodeEntry(name: "7", node: .group(7), uid: 0, gid: 0, mode: 0o600),
        NodeEntry(name: "12", node: .group(12), uid: 0, gid: 0, mode: 0o666),
    ]

    private struct State {
        var nextHandle: UInt64 = 1
        var live: [UInt64: DeviceNode] = [:]
        var opened: [UInt64] = []
        var released: [UInt64] = []
    }
    private let state = Mutex(State())

    var opened: [UInt64] { state.withLock { $0.opened } }
    var released: [UInt64] { state.withLock { $0.released } }
    var liveCount: Int { state.withLock { $0.live.count } }

    func open(_ node: DeviceNode, flags: Int32, caller: CallerIdentity) -> Result<UInt64, Errno> {
        state.withLock { s in
            // type1: a group can be opened once at a time (vfio_group_fops_open: EBUSY).
            if case .group = node, s.live.values.contains(node) { return .failure(.busy) }
            let handle = s.nextHandle
            s.nextHandle += 1
            s.live[handle] = node
            s.opened.append(handle)
            return .success(handle)
        }
    }

    func release(handle: UInt64) {
        state.withLock { s in
            s.live.removeValue(forKey: handle)
            s.released.append(handle)
        }
    }

    func ioctl(handle: UInt64, request: UInt32, argument: UInt64, caller: any CallerContext,
               resolveFD: (Int32) throws(Errno) -> FDResolution) -> Result<Int32, Errno> {
        do throws(Errno) {
            switch request {
            case Self.whoAmI:
                return .success(Int32(handle))
            case Self.roundTrip:
                let bytes = try caller.memory.read(at: argument, count: 8)
                let argsz = UInt32(littleEndianBytes: bytes[0..<4]), flags = UInt32(littleEndianBytes: bytes[4..<8])
                try caller.memory.write((argsz * 2).littleEndianBytes + (flags | 0x100).littleEndianBytes, at: argument)
                return .success(0)
            case Self.identity:
                let id = caller.identity
                let words: [UInt64] = [UInt64(id.pid), UInt64(id.tid), UInt64(id.uid), UInt64(id.gid),
                                       id.memlockLimit ?? .max, id.hasIPCLock ? 1 : 0]
                try caller.memory.write(words.flatMap(\.littleEndianBytes), at: argument)
                return .success(0)
            case Self.mappings:
                guard let first = try caller.mappings(overlapping: argument, length: 4096).first else { return .success(0) }
                return .success(8 | (first.readable ? 1 : 0) | (first.writable ? 2 : 0) | (first.isDevice ? 4 : 0))
            case Self.oversizedRead:
                _ = try caller.memory.read(at: argument, count: 64 * 1024 + 1)
                return .success(0)
            case Self.fullRead:
                return .success(Int32(try caller.memory.read(at: argument, count: 64 * 1024)[0]))
            case Self.setContainer:
                let fd = Int32(bitPattern: UInt32(littleEndianBytes: try caller.memory.read(at: argument, count: 4)[...]))
                switch try resolveFD(fd) {
                case .node(let resolved, .container): return .success(Int32(resolved))
                case .node: return .failure(.invalidArgument)
                // type1 >= 6.2: a foreign fd is EBADFD (vfio_group_ioctl_set_container).
                case .foreign: return .failure(.badFDState)
                }
            default:
                return .failure(.notTTY)
            }
        } catch {
            return .failure(error)
        }
    }
}

extension FixedWidthInteger {
    var littleEndianBytes: [UInt8] { withUnsafeBytes(of: self.littleEndian) { Array($0) } }
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        var value: Self = 0
        for (i, byte) in bytes.enumerated() { value |= Self(byte) << (8 * i) }
        self = value
    }
}
