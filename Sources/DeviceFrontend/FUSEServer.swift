#if canImport(Glibc)
import Glibc
#endif
import CFuse3
import Logging
import Synchronization

/// A FUSE mount serving `vfio` and one node per group from a `DeviceHandler`.
///
/// Lifecycle: `init` checks the mount point, creates the session and mounts;
/// `run()` serves on libfuse's multithreaded loop until `stop()`, then unmounts.
/// Mirrors libfuse's example sequence (session_new, mount, loop_mt, unmount, destroy).
public final class FUSEServer: StoppableServer, @unchecked Sendable {
    public let mountpoint: String
    private let state: FrontendSession
    private let options: FUSEServerOptions
    private let logger: Logger
    /// The libfuse session; unmounted when `run()` returns, destroyed only in deinit so a late
    /// `stop()` (e.g. from a signal handler) never touches freed memory.
    private let session: OpaquePointer
    /// Address of the thread inside `run()` (pthread_t), or 0; written before the loop starts.
    private let runThread = Atomic<UInt>(0)
    private let stopRequested = Atomic<Bool>(false)
    /// Whether the session has been unmounted.
    private let unmounted = Mutex<Bool>(false)
    /// The ops table must outlive the session: libfuse copies it, but keep it anyway.
    private let operations: UnsafeMutablePointer<fuse_lowlevel_ops>

    public init(mountpoint: String, handler: any DeviceHandler, options: FUSEServerOptions) throws(FrontendError) {
        let path = try MountpointCheck.validate(mountpoint)
        self.mountpoint = path
        self.options = options
        self.logger = options.logger
        let state = FrontendSession(handler: handler, table: NodeTable(handler.nodes), served: .mount(path: path),
                                    logger: options.logger, attributeTimeout: options.attributeTimeout,
                                    maxThreads: options.maxThreads)
        self.state = state
        let operations = UnsafeMutablePointer<fuse_lowlevel_ops>.allocate(capacity: 1)
        operations.initialize(to: makeLowLevelOperations())
        self.operations = operations

        var mountOptions = "default_permissions,fsname=vfio-compat,subtype=vfio-compat"
        if options.allowOther { mountOptions += ",allow_other" }
        var argvStrings = ["vfio-compat", "-o", mountOptions]
        if options.debug { argvStrings.append("-d") }
        var argv: [UnsafeMutablePointer<CChar>?] = argvStrings.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let created: OpaquePointer? = argv.withUnsafeMutableBufferPointer { buffer in
            var args = fuse_args(argc: Int32(argvStrings.count), argv: buffer.baseAddress, allocated: 0)
            return fuse_session_new(&args, operations, MemoryLayout<fuse_lowlevel_ops>.size,
                                    Unmanaged.passUnretained(state).toOpaque())
        }
        guard let created else {
            operations.deallocate()
            throw .sessionFailed("fuse_session_new rejected the options \(mountOptions)")
        }
        guard fuse_session_mount(created, path) == 0 else {
            fuse_session_destroy(created)
            operations.deallocate()
            throw .mountFailed(path)
        }
        self.session = created
        logger.info("mounted", metadata: ["mountpoint": "\(path)", "nodes": "\(handler.nodes.map(\.name))"])
    }

    deinit {
        teardown()
        fuse_session_destroy(session)
        operations.deallocate()
    }

    /// Serves requests until `stop()`; then unmounts. Calls `options.onReady` once the mount answers.
    public func run() throws(FrontendError) {
        WakeSignal.installOnce()
        WakeSignal.unblockOnCurrentThread()
        runThread.store(UInt(pthread_self()), ordering: .sequentiallyConsistent)
        defer { runThread.store(0, ordering: .sequentiallyConsistent) }
        if stopRequested.load(ordering: .sequentiallyConsistent) { teardown(); return }

        let state = self.state, onReady = options.onReady, logger = self.logger, mountpoint = self.mountpoint
        spawnDetachedThread {
            // The stat is answered only after FUSE INIT, so success means the nodes are live.
            guard let dev = state.mountedDevice() else {
                logger.error("mount point did not answer", metadata: ["errno": "\(errno)"]); return
            }
            logger.info("ready", metadata: ["mountpoint": "\(mountpoint)", "st_dev": "\(dev)"])
            onReady?(mountpoint)
        }

        let config = fuse_loop_cfg_create()
        fuse_loop_cfg_set_max_threads(config, UInt32(options.maxThreads))
        fuse_loop_cfg_set_idle_threads(config, UInt32(min(options.maxThreads, 8)))
        let rc = fuse_session_loop_mt(session, config)
        fuse_loop_cfg_destroy(config)
        logger.info("session loop ended", metadata: ["rc": "\(rc)", "openFiles": "\(state.openCount)"])
        teardown()
        // A positive rc is the signal that ended the loop; negative is an error from /dev/fuse.
        if rc < 0, !stopRequested.load(ordering: .sequentiallyConsistent) { throw .loopFailed(rc) }
    }

    /// Asks `run()` to return: marks the session exited and wakes the loop's main thread.
    /// Only sets flags and sends a signal, so it may be called from a signal handler.
    public func stop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        fuse_session_exit(session)
        let thread = runThread.load(ordering: .sequentiallyConsistent)
        if thread != 0 { pthread_kill(pthread_t(thread), WakeSignal.number) }
    }

    /// Unmounts once (lazily, as libfuse does for root: umount2 MNT_DETACH).
    private func teardown() {
        unmounted.withLock { done in
            guard !done else { return }
            done = true
            fuse_session_unmount(session)
            logger.info("unmounted", metadata: ["mountpoint": "\(mountpoint)"])
        }
    }
}
