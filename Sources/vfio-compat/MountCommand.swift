import ArgumentParser
import DeviceFrontend
import VFIOCompat

#if canImport(Glibc)
import Glibc
#endif

/// `vfio-compat mount`: serve the emulated container and group nodes in a directory.
struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Serve the emulated /dev/vfio nodes (vfio + one per group) through FUSE in a directory.",
        discussion: """
            Runs in the foreground until SIGINT or SIGTERM, then unmounts and exits 0. Prints one \
            line on stdout when the nodes are ready. Needs root (or a user allowed to mount FUSE).

            To put the nodes where a legacy VMM looks for them, bind the directory over /dev/vfio \
            in a private mount namespace (see the README, or use `vfio-compat exec`).

            Examples:
              vfio-compat mount /run/vfio-compat
              vfio-compat mount /run/vfio-compat --profile iommufd --log /var/log/vfio-compat.jsonl
              vfio-compat mount /run/vfio-compat --topology amd-vi --allow-other
            """
    )

    @Argument(help: ArgumentHelp("An existing, empty directory to mount on.", valueName: "mountpoint"))
    var mountpoint: String

    @OptionGroup var serve: ServeOptions

    @Flag(help: "Let users other than the one who mounted open the nodes (FUSE allow_other); modes still apply.")
    var allowOther = false

    func run() throws {
        let logger = serve.bootstrapLogging()
        let (dispatcher, writer, _) = try serve.makeDispatcher()
        defer { writer?.close() }
        let names = dispatcher.nodes.map(\.name).joined(separator: ", ")
        let profile = serve.profile
        let topology = dispatcher.configuration.topology.name
        let logNote = serve.log.map { ", log \($0)" } ?? ""
        let options = FUSEServerOptions(allowOther: allowOther, logger: logger, onReady: { path in
            writeLine("vfio-compat: serving \(names) at \(path) (profile \(profile), topology \(topology)\(logNote))")
        })
        let server: FUSEServer
        do {
            server = try FUSEServer(mountpoint: mountpoint, handler: DispatcherDeviceHandler(dispatcher: dispatcher),
                                    options: options)
        } catch {
            throw CLIError(error.description)
        }
        TerminationSignals.install(stopping: server)
        do { try server.run() } catch { throw CLIError(error.description) }
        writer?.close()
        let snapshot = dispatcher.snapshot()
        logger.notice("unmounted \(mountpoint)", metadata: [
            "containers_left": "\(snapshot.containers.count)", "dropped_records": "\(writer?.droppedCount ?? 0)"])
    }
}

/// Writes one line to stdout with write(2) (Swift 6 rejects the stdout global).
func writeLine(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
