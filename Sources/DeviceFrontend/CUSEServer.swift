#if canImport(Glibc)
import Glibc
#endif
import CFuse3
import Logging
import Synchronization

/// Real character devices through CUSE: `/dev/PREFIX/vfio` and one `/dev/PREFIX/N` per
/// group, all served by one `DeviceHandler` (one dispatcher) and one `FrontendSession`.
///
/// Each device is its own CUSE connection (one `cuse_lowlevel_setup`, one /dev/cuse fd)
/// with its own multithreaded loop thread. The kernel removes a device when its /dev/cuse
/// fd closes: when the server is released, or at the latest when the process exits.
///
/// Ioctls are left *restricted* (no CUSE_UNRESTRICTED_IOCTL, so no FUSE_IOCTL_RETRY):
/// every VFIO command is `_IO`, so a restricted ioctl still reaches the server with its raw
/// `arg` (fuse_do_ioctl copies nothing for size 0), exactly as on the FUSE mount, and the
/// dispatcher reads and writes the caller's structs with process_vm_readv/writev. One code
/// path then serves both frontends; RETRY would need one round trip per argsz header, per
/// capability chain and per pointer member (vfio_bitmap.data), and unrestricted mode sends
/// out_size 0, which would break the frontend's private `_IOR` "which open" request.
public final class CUSEServer: StoppableServer, @unchecked Sendable {
    /// The device nodes, container first, e.g. `/dev/vfio-compat/vfio`, `/dev/vfio-compat/7`.
    public let devicePaths: [String]
    private let state: FrontendSession
    private let devices: [CUSEDevice]
    /// One libfuse session per device; destroyed only in deinit, so a late `stop()` is safe.
    private let sessions: [OpaquePointer]
    private let operations: UnsafeMutablePointer<cuse_lowlevel_ops>
    private let options: CUSEServerOptions
    private let logger: Logger
    /// pthread_t of each device's loop thread while it runs, else 0 (read by `stop()`).
    private let loopThreads: [LoopThreadSlot]
    private let stopRequested = Atomic<Bool>(false)
    private let appearedCount = Mutex<Int>(0)
    private let failure = Mutex<FrontendError?>(nil)

    public init(handler: any DeviceHandler, options: CUSEServerOptions) throws(FrontendError) {
        let prefix = try Self.validatePrefix(options.prefix)
        // cuse_lowlevel_setup would only log "try 'modprobe cuse'": say it in the error itself.
        guard access("/dev/cuse", F_OK) == 0 else {
            throw .cuseUnavailable("/dev/cuse does not exist (load the cuse module: modprobe cuse)")
        }
        guard access("/dev/cuse", R_OK | W_OK) == 0 else {
            throw .cuseUnavailable("/dev/cuse: \(String(cString: strerror(errno))) (creating devices needs root)")
        }
        let entries = handler.nodes
        for entry in entries where access("/dev/\(prefix)/\(entry.name)", F_OK) == 0 {
            throw .deviceExists("/dev/\(prefix)/\(entry.name)")
        }
        self.options = options
        self.logger = options.logger
        self.state = FrontendSession(handler: handler, table: NodeTable(entries), served: .characterDevices,
                                     logger: options.logger, attributeTimeout: 0, maxThreads: options.maxThreads)
        self.loopThreads = entries.map { _ in LoopThreadSlot() }
        self.devicePaths = entries.map { "/dev/\(prefix)/\($0.name)" }
        let operations = UnsafeMutablePointer<cuse_lowlevel_ops>.allocate(capacity: 1)
        operations.initialize(to: makeCUSEOperations())
        self.operations = operations

        // The devices call back into self once they appear; self is complete only after the
        // loop: collect them first, hand them a box that learns self at the end.
        let owner = OwnerBox()
        let state = self.state
        var devices: [CUSEDevice] = []
        var sessions: [OpaquePointer] = []
        for entry in entries {
            let device = CUSEDevice(session: state, entry: entry, devname: "\(prefix)/\(entry.name)") { d in
                owner.server?.deviceAppeared(d)
            }
            guard let session = Self.setup(device, operations: operations, debug: options.debug) else {
                if let last = sessions.last { fuse_remove_signal_handlers(last) }
                sessions.forEach { fuse_session_destroy($0) }
                operations.deallocate()
                throw .sessionFailed("cuse_lowlevel_setup failed for \(device.devname) (see the log above)")
            }
            devices.append(device)
            sessions.append(session)
        }
        // cuse_lowlevel_setup installs libfuse's SIGHUP/SIGINT/SIGTERM handlers, which would exit
        // only the last session: restore the defaults, as the FUSE mount has (the caller installs
        // TerminationSignals, which stops every device).
        if let last = sessions.last { fuse_remove_signal_handlers(last) }
        self.devices = devices
        self.sessions = sessions
        owner.server = self
        logger.info("CUSE devices set up", metadata: ["devices": "\(devicePaths)"])
    }

    deinit {
        sessions.forEach { fuse_session_destroy($0) }
        operations.deallocate()
    }

    /// Serves every device until `stop()` (or until one loop fails). Calls `options.onReady`
    /// once every node exists with the topology's owner and mode.
    public func run() throws(FrontendError) {
        WakeSignal.installOnce()
        var threads: [pthread_t] = []
        for index in sessions.indices {
            guard let thread = spawnJoinableThread({ [self] in runLoop(index) }) else {
                stop(); break
            }
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
        logger.info("CUSE loops ended", metadata: ["openFiles": "\(state.openCount)"])
        if let failure = failure.withLock({ $0 }) { throw failure }
    }

    /// Asks `run()` to return: marks every session exited and wakes each loop's main thread.
    /// Only sets flags and sends signals, so it may be called from a signal handler.
    public func stop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        for session in sessions { fuse_session_exit(session) }
        for slot in loopThreads {
            let thread = slot.thread.load(ordering: .sequentiallyConsistent)
            if thread != 0 { pthread_kill(pthread_t(thread), WakeSignal.number) }
        }
    }

    /// One device's multithreaded loop, on its own thread; a loop that fails stops the others.
    private func runLoop(_ index: Int) {
        WakeSignal.unblockOnCurrentThread()
        let slot = loopThreads[index]
        slot.thread.store(UInt(pthread_self()), ordering: .sequentiallyConsistent)
        defer { slot.thread.store(0, ordering: .sequentiallyConsistent) }
        if stopRequested.load(ordering: .sequentiallyConsistent) { return }
        let config = fuse_loop_cfg_create()
        fuse_loop_cfg_set_max_threads(config, UInt32(options.maxThreads))
        fuse_loop_cfg_set_idle_threads(config, UInt32(min(options.maxThreads, 4)))
        let rc = fuse_session_loop_mt(sessions[index], config)
        fuse_loop_cfg_destroy(config)
        logger.info("CUSE loop ended", metadata: ["device": "\(devicePaths[index])", "rc": "\(rc)"])
        // Nothing but stop() ends a loop cleanly: libfuse reports a connection the kernel ended
        // (CUSE_INIT refused, or aborted) as a normal exit (ENODEV, rc 0), which must not pass for one.
        if !stopRequested.load(ordering: .sequentiallyConsistent) {
            record(rc < 0 ? .loopFailed(rc) : .connectionEnded(devicePaths[index]))
            stop()
        }
    }

    /// After CUSE_INIT the kernel has added the device; devtmpfs makes the node root:root 0600,
    /// so give it the topology's owner and mode, and learn its st_rdev for fd resolution.
    private func deviceAppeared(_ device: CUSEDevice) {
        let path = device.path
        var waited = 0.0
        var st = statPath(path)
        while st == nil || !isCharacterDevice(st!.st_mode), waited < options.appearTimeout {
            usleep(10_000); waited += 0.01
            st = statPath(path)
        }
        guard let st, isCharacterDevice(st.st_mode) else {
            record(.deviceSetupFailed("\(path) did not appear within \(options.appearTimeout) s (did the kernel refuse it, e.g. a name still taken? see dmesg; is devtmpfs mounted on /dev?)"))
            stop(); return
        }
        let entry = device.entry
        guard chown(path, entry.uid, entry.gid) == 0, chmod(path, mode_t(entry.mode & 0o7777)) == 0 else {
            record(.deviceSetupFailed("cannot set owner/mode of \(path): \(String(cString: strerror(errno)))"))
            stop(); return
        }
        state.addDeviceNumber(UInt64(st.st_rdev))
        logger.info("device ready", metadata: ["path": "\(path)", "rdev": "\(st.st_rdev)",
                                               "owner": "\(entry.uid):\(entry.gid)", "mode": "\(String(entry.mode, radix: 8))"])
        let all = appearedCount.withLock { count in count += 1; return count == devices.count }
        if all { options.onReady?(devicePaths) }
    }

    private func record(_ error: FrontendError) {
        logger.error("\(error.description)")
        failure.withLock { if $0 == nil { $0 = error } }
    }

    /// Sets up one CUSE connection (foreground, no daemonizing); nil on failure.
    private static func setup(_ device: CUSEDevice, operations: UnsafeMutablePointer<cuse_lowlevel_ops>,
                              debug: Bool) -> OpaquePointer? {
        var argvStrings = ["vfio-compat", "-f"]
        if debug { argvStrings.append("-d") }
        var argv: [UnsafeMutablePointer<CChar>?] = argvStrings.map { strdup($0) }
        let devinfo = strdup("DEVNAME=\(device.devname)")
        defer { argv.forEach { free($0) }; free(devinfo) }
        var devinfoArgv: [UnsafePointer<CChar>?] = [UnsafePointer(devinfo)]
        var multithreaded: Int32 = 0
        return devinfoArgv.withUnsafeMutableBufferPointer { info in
            // Major/minor 0: the kernel picks a free device number (cuse_process_init_reply).
            var ci = cuse_info(dev_major: 0, dev_minor: 0, dev_info_argc: 1, dev_info_argv: info.baseAddress, flags: 0)
            return argv.withUnsafeMutableBufferPointer { args in
                cuse_lowlevel_setup(Int32(argvStrings.count), args.baseAddress, &ci, operations, &multithreaded,
                                    Unmanaged.passUnretained(device).toOpaque())
            }
        }
    }

    /// `PREFIX` must be a relative path of plain names (it becomes `/dev/PREFIX/…`).
    static func validatePrefix(_ prefix: String) throws(FrontendError) -> String {
        let parts = prefix.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !prefix.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.allSatisfy(allowed.contains) })
        else {
            throw .invalidDeviceName("prefix '\(prefix)' must be names of [A-Za-z0-9._-] joined by '/', relative to /dev")
        }
        return prefix
    }
}

/// A loop thread's pthread_t, readable from a signal handler.
private final class LoopThreadSlot: Sendable {
    let thread = Atomic<UInt>(0)
}

/// Lets the devices' `appeared` callbacks reach the server that is still being initialised.
private final class OwnerBox: @unchecked Sendable {
    weak var server: CUSEServer?
}
