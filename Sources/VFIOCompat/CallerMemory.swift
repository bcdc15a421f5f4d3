/// The address space of the process that issued an ioctl, as far as the
/// emulator may touch it: only the bytes the ioctl's own argument names.
///
/// Mirrors the kernel's `copy_from_user` / `copy_to_user` on `current->mm`: a
/// fault is EFAULT and nothing is changed. The FUSE frontend implements it with
/// `process_vm_readv`/`process_vm_writev` on the calling thread; tests implement
/// it with a byte buffer.
public protocol CallerMemory {
    /// Reads exactly `count` bytes at `address`; throws `Errno.badAddress` if any byte is unreadable.
    func read(at address: UInt64, count: Int) throws(Errno) -> [UInt8]
    /// Writes all of `bytes` at `address`; throws `Errno.badAddress` if any byte is unwritable.
    /// A failed write may have written a prefix: callers write each struct once, last.
    func write(_ bytes: [UInt8], at address: UInt64) throws(Errno)
}

/// One mapping of the caller's memory map (`/proc/PID/maps`), as far as the
/// MAP_DMA path needs it: whether a vaddr range is readable, writable, or lies
/// in a device (`VM_PFNMAP`-like) mapping that type1 would map for P2P.
public struct CallerMapping: Sendable, Hashable {
    public var start: UInt64
    /// Exclusive end, as `/proc/PID/maps` prints it.
    public var end: UInt64
    public var readable: Bool
    public var writable: Bool
    /// A device mapping (a PCI BAR or other `VM_IO|VM_PFNMAP` region, e.g. `/dev/...` or `/sys/.../resourceN`).
    public var isDevice: Bool
    /// The path or pseudo-name column, if any.
    public var name: String?

    public init(start: UInt64, end: UInt64, readable: Bool, writable: Bool, isDevice: Bool, name: String? = nil) {
        self.start = start; self.end = end; self.readable = readable
        self.writable = writable; self.isDevice = isDevice; self.name = name
    }
}

/// Who is calling: the identity the kernel would read from `current` when it
/// accounts pinned pages (RLIMIT_MEMLOCK, CAP_IPC_LOCK) and resolves vaddrs.
public struct CallerIdentity: Sendable, Hashable {
    /// Thread-group id (the process).
    public var pid: Int32
    /// Thread id that issued the request (what FUSE reports).
    public var tid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// RLIMIT_MEMLOCK soft limit in bytes; `nil` is RLIM_INFINITY.
    public var memlockLimit: UInt64?
    /// CAP_IPC_LOCK in the effective set: exempt from the memlock limit.
    public var hasIPCLock: Bool

    public init(pid: Int32, tid: Int32, uid: UInt32 = 0, gid: UInt32 = 0, memlockLimit: UInt64? = nil, hasIPCLock: Bool = false) {
        self.pid = pid; self.tid = tid; self.uid = uid; self.gid = gid
        self.memlockLimit = memlockLimit; self.hasIPCLock = hasIPCLock
    }
}

/// Everything the dispatcher may learn about or do to the caller of one ioctl.
/// The frontend builds one per request.
public protocol CallerContext {
    var identity: CallerIdentity { get }
    /// The calling process (thread group) alone, for records: cheaper than the
    /// whole identity, which MAP_DMA's accounting needs fresh.
    var pid: Int32 { get }
    /// The calling thread.
    var tid: Int32 { get }
    var memory: any CallerMemory { get }
    /// The caller's memory map entries overlapping `[start, start+length)`, in address order.
    /// Read lazily (only MAP_DMA needs it). Throws EFAULT if the map cannot be read.
    func mappings(overlapping start: UInt64, length: UInt64) throws(Errno) -> [CallerMapping]
}

extension CallerContext {
    public var pid: Int32 { identity.pid }
    public var tid: Int32 { identity.tid }
}
