#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Which process a thread id belongs to, remembered for a second.
///
/// Every ioctl's translation record names the calling process, but FUSE reports
/// only the thread id and `/proc/TID/status` costs ~8 µs to read. A thread's
/// group never changes; a thread id is reused only after its thread exits and
/// the kernel's pid counter wraps, far beyond a second. MAP_DMA's accounting
/// (RLIMIT_MEMLOCK, CAP_IPC_LOCK) never uses this: it reads the identity fresh.
enum ThreadGroupCache {
    private static let lifetimeNs: UInt64 = 1_000_000_000
    private static let capacity = 4096
    private static let entries = Mutex<[Int32: (tgid: Int32, at: UInt64)]>([:])

    static func tgid(of tid: Int32) -> Int32? {
        let now = monotonicNs()
        return entries.withLock { table in
            guard let entry = table[tid], now &- entry.at < lifetimeNs else { return nil }
            return entry.tgid
        }
    }

    static func remember(tid: Int32, tgid: Int32) {
        let now = monotonicNs()
        entries.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[tid] = (tgid, now)
        }
    }

    private static func monotonicNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
