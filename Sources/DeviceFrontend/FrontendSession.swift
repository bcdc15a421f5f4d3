#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import VFIOCompat

/// Per-mount state shared by every worker thread, reached from libfuse callbacks
/// through the session userdata (an unretained reference the `FUSEServer` keeps alive).
///
/// Each mutable field is guarded by its own `Mutex`; no callback holds two at once.
final class FrontendSession: Sendable {
    let handler: any DeviceHandler
    let table: NodeTable
    let logger: Logger
    let mountpoint: String
    let attributeTimeout: Double
    /// Concurrent fd resolutions allowed: each needs a free worker for its nested request.
    let maxResolutions: Int

    /// Live opens: fi->fh (the handler's handle) → node. Filled by open, emptied by release.
    private let opens = Mutex<[UInt64: DeviceNode]>([:])
    /// Thread ids of our own workers currently issuing the private "which open" request.
    private let resolvingThreads = Mutex<Set<Int32>>([])
    /// st_dev of the mounted filesystem, learned by stat-ing the mount point once it serves.
    private let mountDevice = Mutex<UInt64?>(nil)

    init(handler: any DeviceHandler, table: NodeTable, mountpoint: String, options: FUSEServerOptions) {
        self.handler = handler; self.table = table; self.mountpoint = mountpoint
        self.logger = options.logger; self.attributeTimeout = options.attributeTimeout
        self.maxResolutions = max(1, options.maxThreads / 2)
    }

    // MARK: opens

    func recordOpen(handle: UInt64, node: DeviceNode) { opens.withLock { $0[handle] = node } }

    @discardableResult
    func forgetOpen(handle: UInt64) -> DeviceNode? { opens.withLock { $0.removeValue(forKey: handle) } }

    func node(ofHandle handle: UInt64) -> DeviceNode? { opens.withLock { $0[handle] } }

    var openCount: Int { opens.withLock { $0.count } }

    // MARK: resolution bookkeeping

    /// Marks the calling thread as resolving; false when `maxResolutions` are already running.
    func beginResolution(tid: Int32) -> Bool {
        resolvingThreads.withLock { set in
            guard set.count < maxResolutions else { return false }
            set.insert(tid)
            return true
        }
    }

    func endResolution(tid: Int32) { _ = resolvingThreads.withLock { $0.remove(tid) } }

    /// Whether a request from thread `tid` is our own nested "which open" request.
    func isResolvingThread(_ tid: Int32) -> Bool { resolvingThreads.withLock { $0.contains(tid) } }

    /// The mount's st_dev; stats the mount point (served by another worker) the first time.
    func mountedDevice() -> UInt64? {
        if let known = mountDevice.withLock({ $0 }) { return known }
        guard let st = statPath(mountpoint) else { return nil }
        let dev = UInt64(st.st_dev)
        mountDevice.withLock { $0 = dev }
        return dev
    }
}
