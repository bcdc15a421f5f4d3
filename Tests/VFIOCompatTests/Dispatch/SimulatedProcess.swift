import Synchronization
@testable import VFIOCompat

/// A fake caller process for in-process dispatcher tests: a sparse address
/// space of mappings with bytes, permissions and a device flag, plus the
/// identity the kernel would read from `current`. This stands in for the
/// real process the FUSE frontend reads with process_vm_readv; the FUSE
/// integration tests drive the same dispatcher from a real process.
final class SimulatedProcess: CallerContext, CallerMemory, @unchecked Sendable {
    struct Region {
        var start: UInt64
        var length: UInt64
        var readable: Bool
        var writable: Bool
        var isDevice: Bool
        var name: String?
        var end: UInt64 { start + length }
    }

    var identity: CallerIdentity
    var memory: any CallerMemory { self }
    private var regions: [Region] = []
    /// Page contents, allocated on first write (a 512 MiB "guest RAM" costs nothing).
    private var pages: [UInt64: [UInt8]] = [:]
    private var nextAddress: UInt64 = 0x7f00_0000_0000
    /// Every (address, count) accessed, so tests can check nothing outside the named struct was touched.
    private(set) var reads: [(UInt64, Int)] = []
    private(set) var writes: [(UInt64, Int)] = []

    init(pid: Int32 = 4242, memlockLimit: UInt64? = nil, hasIPCLock: Bool = false) {
        identity = CallerIdentity(pid: pid, tid: pid, uid: 0, gid: 0, memlockLimit: memlockLimit, hasIPCLock: hasIPCLock)
    }

    /// Maps `size` bytes (rounded up to pages) and returns the address.
    @discardableResult
    func mmap(_ size: Int, readable: Bool = true, writable: Bool = true, device: Bool = false, name: String? = nil) -> UInt64 {
        let length = UInt64((size + 4095) / 4096 * 4096)
        let address = nextAddress
        nextAddress += length + 4096  // leave an unmapped guard page after each mapping
        regions.append(Region(start: address, length: length, readable: readable, writable: writable,
                              isDevice: device, name: name))
        return address
    }

    /// Removes a mapping (or part of one at its end) to leave a hole.
    func munmap(_ address: UInt64) {
        regions.removeAll { $0.start == address }
    }

    /// Places `bytes` in a fresh buffer and returns its address (like a struct on the caller's stack).
    func buffer(_ bytes: [UInt8], size: Int? = nil) -> UInt64 {
        let address = mmap(max(size ?? bytes.count, 1))
        poke(address, bytes)
        return address
    }

    func poke(_ address: UInt64, _ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() {
            let a = address + UInt64(i)
            pages[a & ~4095, default: [UInt8](repeating: 0, count: 4096)][Int(a & 4095)] = b
        }
    }

    func peek(_ address: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).map { i in
            let a = address + UInt64(i)
            return pages[a & ~4095]?[Int(a & 4095)] ?? 0
        }
    }

    /// An address nothing is mapped at.
    var unmappedAddress: UInt64 { 0x1000 }

    private func covered(_ address: UInt64, _ count: Int, _ allowed: (Region) -> Bool) -> Bool {
        let (end, overflow) = address.addingReportingOverflow(UInt64(count))
        if overflow { return false }
        var cursor = address
        while cursor < end {
            guard let r = regions.first(where: { $0.start <= cursor && cursor < $0.end }), allowed(r) else { return false }
            cursor = r.end
        }
        return true
    }

    func read(at address: UInt64, count: Int) throws(Errno) -> [UInt8] {
        reads.append((address, count))
        guard covered(address, count, { $0.readable && !$0.isDevice }) else { throw .badAddress }
        return peek(address, count)
    }

    func write(_ bytes: [UInt8], at address: UInt64) throws(Errno) {
        writes.append((address, bytes.count))
        guard covered(address, bytes.count, { $0.writable && !$0.isDevice }) else { throw .badAddress }
        poke(address, bytes)
    }

    func mappings(overlapping start: UInt64, length: UInt64) throws(Errno) -> [CallerMapping] {
        let last = start &+ (length &- 1)
        return regions.filter { $0.start <= last && $0.end > start }.sorted { $0.start < $1.start }.map {
            CallerMapping(start: $0.start, end: $0.end, readable: $0.readable, writable: $0.writable,
                          isDevice: $0.isDevice, name: $0.name)
        }
    }
}

/// Collects records in memory.
final class RecordCollector: TranslationRecordSink {
    private let storage = Mutex<[TranslationRecord]>([])
    func emit(_ record: TranslationRecord) { storage.withLock { $0.append(record) } }
    var records: [TranslationRecord] { storage.withLock { $0 } }
    var last: TranslationRecord? { records.last }
}

/// A dispatcher plus one simulated caller, with helpers that issue calls the way a client would.
struct Harness {
    let dispatcher: VFIODispatcher
    let records = RecordCollector()
    let process: SimulatedProcess

    init(profile: SemanticsProfile = .type1, topology: Topology = .default, dmaEntryLimit: Int = 65535,
         process: SimulatedProcess = SimulatedProcess()) {
        self.process = process
        dispatcher = VFIODispatcher(
            configuration: DispatcherConfiguration(profile: profile, topology: topology, dmaEntryLimit: dmaEntryLimit),
            sink: records)
    }

    func open(_ node: VFIONode) -> Result<UInt64, Errno> {
        dispatcher.open(node, caller: process.identity)
    }

    func openContainer() -> UInt64 { try! open(.container).get() }
    func openGroup(_ n: UInt32) -> UInt64 { try! open(.group(n)).get() }

    /// A raw-value ioctl (`arg` is not a pointer).
    func ioctl(_ handle: UInt64, _ request: VFIOIoctl, _ value: UInt64 = 0,
               resolve: [Int32: ResolvedFD] = [:]) -> Result<Int32, Errno> {
        dispatcher.ioctl(handle: handle, request: request.request, argument: value, caller: process) { fd throws(Errno) in
            guard let r = resolve[fd] else { throw .badFileDescriptor }
            return r
        }
    }

    /// An ioctl whose argument points at a buffer holding `bytes`; returns the result and the buffer afterwards.
    func ioctl(_ handle: UInt64, _ request: VFIOIoctl, buffer bytes: [UInt8], size: Int? = nil) -> (Result<Int32, Errno>, [UInt8]) {
        let address = process.buffer(bytes, size: size)
        let result = ioctl(handle, request, address)
        return (result, process.peek(address, size ?? bytes.count))
    }

    /// SET_CONTAINER with the caller's fd number 3 naming `container`.
    func setContainer(_ group: UInt64, _ container: UInt64) -> Result<Int32, Errno> {
        let address = process.buffer([3, 0, 0, 0])
        return ioctl(group, .groupSetContainer, address, resolve: [3: .node(handle: container)])
    }

    func map(_ container: UInt64, iova: UInt64, size: UInt64, vaddr: UInt64, flags: VFIOMapFlags = [.read, .write]) -> Result<Int32, Errno> {
        ioctl(container, .mapDMA, buffer: VFIODMAMap(flags: flags, vaddr: vaddr, iova: iova, size: size).bytes).0
    }

    func unmap(_ container: UInt64, iova: UInt64, size: UInt64, flags: VFIOUnmapFlags = []) -> (Result<Int32, Errno>, VFIODMAUnmap) {
        let (r, bytes) = ioctl(container, .unmapDMA, buffer: VFIODMAUnmap(flags: flags, iova: iova, size: size).bytes)
        return (r, VFIODMAUnmap(bytes: bytes))
    }

    /// Open group 7 and a container, attach, select TYPE1v2.
    func attachedContainer(group: UInt32 = 7, type: VFIOExtension = .type1v2) -> (container: UInt64, group: UInt64) {
        let g = openGroup(group)
        let c = openContainer()
        _ = setContainer(g, c)
        _ = ioctl(c, .setIOMMU, UInt64(type.rawValue))
        return (c, g)
    }
}

extension Result where Failure == Errno {
    var errno: Errno? { if case .failure(let e) = self { e } else { nil } }
    var value: Success? { try? get() }
}
