import ArgumentParser
import DeviceFrontend
import Dispatch
import VFIOCompat

#if canImport(Glibc)
import Glibc
#endif

/// `vfio-compat exec`: run one command with the shim at /dev/vfio in a private mount namespace,
/// then summarise what it asked of the legacy container.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command (a VMM) with the emulated nodes at /dev/vfio, then summarise its VFIO use.",
        discussion: """
            Creates a private mount namespace, serves the nodes through FUSE inside it and makes them \
            appear at /dev/vfio for COMMAND only: bound over the host's /dev/vfio, or, when the host \
            has none, in a private /dev that re-binds every original entry. The host's mounts and /dev \
            are not changed. When COMMAND ends, the nodes are unmounted and a summary goes to stderr: \
            the calls made, the mappings, the unsupported features and divergences hit (with their \
            compat-matrix rows), and what the command would change to run on iommufd natively.

            Exit status: COMMAND's, or 128+N if signal N killed it; 127 if COMMAND cannot be started; \
            125 if vfio-compat itself fails (not root, no FUSE, a mount failing). SIGINT and SIGTERM \
            are forwarded to COMMAND. Needs root.

            Examples:
              vfio-compat exec -- qemu-system-x86_64 -machine q35 -device vfio-pci,host=0000:00:01.0 …
              vfio-compat exec --profile iommufd --log /tmp/qemu.jsonl -- qemu-system-x86_64 …
            """
    )

    @OptionGroup var serve: ServeOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after `--`.", valueName: "command"))
    var command: [String] = []

    /// vfio-compat's own failure, told apart from every status COMMAND can return (as env(1) does).
    static let ownFailureStatus: Int32 = 125
    /// COMMAND could not be started (as a shell reports it).
    static let cannotStartStatus: Int32 = 127
    /// How long released files may take to reach the daemon after COMMAND has exited.
    static let releaseGrace: Double = 2

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after `--`") }
    }

    func run() throws {
        let status: Int32
        do {
            status = try execute()
        } catch let failure as ExecFailure {
            writeError("vfio-compat exec: \(failure.message)")
            throw ExitCode(failure.status)
        } catch let error as CLIError {
            writeError("vfio-compat exec: \(error.description)")
            throw ExitCode(Self.ownFailureStatus)
        }
        throw ExitCode(status)
    }

    /// Serves, runs COMMAND and reports; returns COMMAND's status. Every exit path unmounts.
    private func execute() throws -> Int32 {
        guard geteuid() == 0 else {
            throw fail("needs root (to create a mount namespace and mount FUSE); run it with sudo")
        }
        let logger = serve.bootstrapLogging()
        let (dispatcher, writer, collectorOrNil) = try serve.makeDispatcher(collecting: true)
        guard let collector = collectorOrNil else { throw fail("internal: no record collector") }
        defer { writer?.close() }

        // Everything below runs in a private mount namespace: this thread's, which the FUSE
        // threads and COMMAND inherit. The host never sees the mounts.
        let namespace: ShimNamespace
        do { namespace = try ShimNamespace.enter() } catch { throw fail("cannot create a private mount namespace: \(error)") }
        defer { namespace.tearDown() }

        let ready = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
        let options = FUSEServerOptions(allowOther: true, logger: logger, onReady: { _ in ready.signal() })
        let server: FUSEServer
        do {
            server = try FUSEServer(mountpoint: namespace.shimDirectory,
                                    handler: DispatcherDeviceHandler(dispatcher: dispatcher), options: options)
        } catch {
            throw fail("cannot mount the shim: \(error)")
        }
        server.serveInBackground { error in
            if let error { logger.error("FUSE session ended: \(error)") }
            stopped.signal()
        }
        /// Stops serving and waits for the unmount; every path out of here goes through it.
        func stopServing() {
            namespace.hideDevVFIO()
            server.stop()
            if stopped.wait(timeout: .now() + 5) == .timedOut { logger.error("the FUSE session did not stop within 5 s") }
            namespace.tearDown()
        }
        guard ready.wait(timeout: .now() + 10) == .success else {
            stopServing()
            throw fail("the shim's mount did not answer within 10 s")
        }
        let exposure: ShimNamespace.Exposure
        do { exposure = try namespace.exposeAtDevVFIO() } catch {
            stopServing()
            throw fail("cannot put the shim at /dev/vfio: \(error)")
        }
        logger.info("shim at /dev/vfio", metadata: ["how": "\(exposure)", "workspace": "\(namespace.workspace)"])

        let started = monotonicSeconds()
        let child: CommandProcess
        do {
            child = try CommandProcess.spawn(command)
        } catch {
            stopServing()
            throw ExecFailure("cannot run \(command[0]): \(String(cString: strerror(error.rawValue)))",
                              status: Self.cannotStartStatus)
        }
        let outcome = child.wait()
        let elapsed = monotonicSeconds() - started

        // The kernel sends RELEASE for the command's files after it has exited; let them land.
        let deadline = monotonicSeconds() + Self.releaseGrace
        while dispatcher.snapshot().openHandles > 0, monotonicSeconds() < deadline { usleep(5_000) }
        let leftover = dispatcher.snapshot()
        stopServing()
        writer?.close()

        let summary = ExecSummary(records: collector.records, leftover: leftover, overflow: collector.overflow)
        let name = command[0].split(separator: "/").last.map(String.init) ?? command[0]
        var header = "vfio-compat exec: \(name) \(outcome) after \(formatSeconds(elapsed)) s"
        header += "; shim \(exposure), profile \(serve.profile), topology \(dispatcher.configuration.topology.name)"
        if let log = serve.log { header += ", log \(log)" }
        writeError(header + "\n" + summary.render())
        return outcome.shellStatus
    }

    private func fail(_ message: String) -> ExecFailure { ExecFailure(message, status: Self.ownFailureStatus) }
}

/// Why `exec` stopped before or instead of running COMMAND: one line, and the exit status.
struct ExecFailure: Error {
    let message: String
    let status: Int32
    init(_ message: String, status: Int32) { self.message = message; self.status = status }
}

/// Writes text and a newline to stderr with write(2).
func writeError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func formatSeconds(_ s: Double) -> String {
    let hundredths = Int((s * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
