#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import VFIOCompat

/// How the files this frontend serves look to `fstat` on a caller's descriptor.
enum ServedFiles: Sendable {
    /// Regular files on one FUSE mount (its st_dev is learnt by stat-ing the mount point).
    case mount(path: String)
    /// Character devices (CUSE), recognised by st_rdev once each device has appeared.
    case characterDevices
}

/// Frontend state shared by every worker thread, reached from libfuse callbacks
/// through the session userdata (an unretained reference the server keeps alive).
/// A FUSE mount has one; every CUSE device of one `CUSEServer` shares one, so an
/// fd resolution started on a group device finds the opens of the container device.
///
/// Each mutable field is guarded by its own `Mutex`; no callback holds two at once.
final class FrontendSession: Sendable {
    let handler: any DeviceHandler
    let table: NodeTable
    let logger: Logger
    let served: ServedFiles
    let attributeTimeout: Double
    /// Concurrent fd resolutions allowed: each needs a free worker for its nested request.
    let maxResolutions: Int

    /// Live opens: fi->fh (the handler's handle) → node. Filled by open, emptied by release.
    private let opens = Mutex<[UInt64: DeviceNode]>([:])
    /// Thread ids of our own workers currently issuing the private "which open" request.
    private let resolvingThreads = Mutex<Set<Int32>>([])
    /// st_dev of the mounted filesystem, learned by stat-ing the mount point once it serves.
    private let mountDevice = Mutex<UInt64?>(nil)
    /// st_rdev of each CUSE device that has appeared.
    private let deviceNumbers = Mutex<Set<UInt64>>([])

    init(handler: any DeviceHandler, table: NodeTable, served: ServedFiles, logger: Logger,
         attributeTimeout: Double, maxThreads: Int) {
        self.handler = handler; self.table = table; self.served = served
        self.logger = logger; self.attributeTimeout = attributeTimeout
        self.maxResolutions = max(1, maxThreads / 2)
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
    /// Nil for CUSE devices, which have no mount.
    func mountedDevice() -> UInt64? {
        guard case .mount(let mountpoint) = served else { return nil }
        if let known = mountDevice.withLock({ $0 }) { return known }
        guard let st = statPath(mountpoint) else { return nil }
        let dev = UInt64(st.st_dev)
        mountDevice.withLock { $0 = dev }
        return dev
    }

    /// Records the device number of a CUSE device once its node exists.
    func addDeviceNumber(_ rdev: UInt64) { _ = deviceNumbers.withLock { $0.insert(rdev) } }

    /// Whether `st` (from fstat on a descriptor) is a file this frontend serves, so the
    /// private "which open" request may be sent to it.
    func serves(_ st: stat) -> Bool {
        switch served {
        case .mount:
            guard let device = mountedDevice() else { return false }
            return UInt64(st.st_dev) == device && isRegularFile(st.st_mode)
        case .characterDevices:
            return isCharacterDevice(st.st_mode) && deviceNumbers.withLock { $0.contains(UInt64(st.st_rdev)) }
        }
    }
}
