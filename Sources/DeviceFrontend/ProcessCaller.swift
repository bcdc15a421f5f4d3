#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import VFIOCompat

/// The caller of one FUSE request, as a `CallerContext`: its memory, identity and memory map.
///
/// Identity is read from `/proc/TID/status` and `prlimit(RLIMIT_MEMLOCK)` on first use;
/// the memory map from `/proc/TGID/smaps` only when asked. Used on one worker thread.
public final class ProcessCaller: CallerContext {
    /// The FUSE request's pid, which is the calling thread's id.
    public let tid: Int32
    private let requestUID: UInt32
    private let requestGID: UInt32
    private var cachedIdentity: CallerIdentity?
    public let memory: any CallerMemory

    public init(tid: Int32, uid: UInt32, gid: UInt32) {
        self.tid = tid; self.requestUID = uid; self.requestGID = gid
        self.memory = ProcessMemory(tid: tid)
    }

    public var identity: CallerIdentity {
        if let cachedIdentity { return cachedIdentity }
        let made = Self.readIdentity(tid: tid, fallbackUID: requestUID, fallbackGID: requestGID)
        cachedIdentity = made
        ThreadGroupCache.remember(tid: tid, tgid: made.pid)
        return made
    }

    /// The calling process, from a short-lived tid → tgid cache when the full
    /// identity (uids, rlimit, capabilities) is not needed.
    public var pid: Int32 {
        if let cachedIdentity { return cachedIdentity.pid }
        return ThreadGroupCache.tgid(of: tid) ?? identity.pid
    }

    /// The caller's mappings over `[start, start+length)`, from `/proc/PID/maps`
    /// (no page-table walk, unlike smaps, whose Rss fields cost time in
    /// proportion to the caller's resident memory). Device (VM_IO/VM_PFNMAP)
    /// mappings are exactly the ones GUP refuses, so one byte of each readable
    /// mapping is read inside the range the MAP_DMA names; only when that fails
    /// is smaps consulted for its VmFlags, to tell a device from a fault.
    public func mappings(overlapping start: UInt64, length: UInt64) throws(Errno) -> [CallerMapping] {
        let pid = identity.pid
        guard let maps = readWholeFileBytes("/proc/\(pid)/maps") else { throw .badAddress }
        let found = maps.withUnsafeBufferPointer { ProcessSmaps.mappings(inBytes: $0, overlapping: start, length: length) }
        let refused = found.contains { m in
            m.readable && (try? memory.read(at: max(m.start, start), count: 1)) == nil
        }
        guard refused else { return found }
        guard let smaps = readWholeFileBytes("/proc/\(pid)/smaps") else { throw .badAddress }
        return smaps.withUnsafeBufferPointer { ProcessSmaps.mappings(inBytes: $0, overlapping: start, length: length) }
    }

    /// Identity of thread `tid`; if its status cannot be read (it died), the request's ids with pid = tid.
    static func readIdentity(tid: Int32, fallbackUID: UInt32, fallbackGID: UInt32) -> CallerIdentity {
        guard let status = ProcStatus.read(tid: tid) else {
            return CallerIdentity(pid: tid, tid: tid, uid: fallbackUID, gid: fallbackGID)
        }
        var soft: UInt64 = 0
        var infinite: Int32 = 0
        let limit: UInt64? = clinux_memlock_limit(status.tgid, &soft, &infinite) == 0 && infinite == 0 ? soft : nil
        return CallerIdentity(pid: status.tgid, tid: tid, uid: status.uid, gid: status.gid,
                              memlockLimit: limit, hasIPCLock: status.hasIPCLock)
    }
}
