import ArgumentParser
import DeviceFrontend
import VFIOCompat

/// `vfio-compat cuse`: serve the emulated container and group nodes as real character devices.
struct CUSECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cuse",
        abstract: "Serve the emulated nodes as character devices through CUSE (/dev/PREFIX/vfio, /dev/PREFIX/N).",
        discussion: """
            Needs root and the kernel's CUSE (/dev/cuse; modprobe cuse). One CUSE device per node, all \
            served by one dispatcher. The kernel creates each node root:root 0600 through devtmpfs; the \
            server then gives it the topology's owner and mode. Runs in the foreground until SIGINT or \
            SIGTERM; the devices disappear when it exits. Prints one line on stdout when every node is ready.

            With --prefix vfio the nodes are /dev/vfio/vfio and /dev/vfio/N, where legacy VMMs look \
            (only on a host whose kernel does not serve VFIO itself).

            Examples:
              vfio-compat cuse
              vfio-compat cuse --prefix vfio --topology amd-vi --log /var/log/vfio-compat.jsonl
            """
    )

    @Option(help: ArgumentHelp("Devices are created at /dev/PREFIX/vfio and /dev/PREFIX/N.", valueName: "prefix"))
    var prefix: String = "vfio-compat"

    @OptionGroup var serve: ServeOptions

    func run() throws {
        let logger = serve.bootstrapLogging()
        let (dispatcher, writer, _) = try serve.makeDispatcher()
        defer { writer?.close() }
        let profile = serve.profile
        let topology = dispatcher.configuration.topology.name
        let logNote = serve.log.map { ", log \($0)" } ?? ""
        let options = CUSEServerOptions(prefix: prefix, logger: logger, onReady: { paths in
            writeLine("vfio-compat: serving \(paths.joined(separator: ", ")) (profile \(profile), topology \(topology)\(logNote))")
        })
        let server: CUSEServer
        do {
            server = try CUSEServer(handler: DispatcherDeviceHandler(dispatcher: dispatcher), options: options)
        } catch {
            throw CLIError(error.description)
        }
        TerminationSignals.install(stopping: server)
        do { try server.run() } catch { throw CLIError(error.description) }
        writer?.close()
        logger.notice("stopped serving \(server.devicePaths.joined(separator: ", "))", metadata: [
            "containers_left": "\(dispatcher.snapshot().containers.count)", "dropped_records": "\(writer?.droppedCount ?? 0)"])
    }
}
