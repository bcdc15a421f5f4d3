import DeviceFrontend
import Synchronization
import VFIOCompat

/// A handler that answers every ioctl with 0 and touches nothing: the frontend's own cost.
final class TrivialHandler: DeviceHandler {
    let nodes = [
        NodeEntry(name: "vfio", node: .container, uid: 0, gid: 0, mode: 0o666),
        NodeEntry(name: "1", node: .group(1), uid: 0, gid: 0, mode: 0o666),
    ]
    private let next = Atomic<UInt64>(1)

    func open(_ node: DeviceNode, flags: Int32, caller: CallerIdentity) -> Result<UInt64, Errno> {
        .success(next.add(1, ordering: .relaxed).oldValue)
    }

    func ioctl(handle: UInt64, request: UInt32, argument: UInt64, caller: any CallerContext,
               resolveFD: (Int32) throws(Errno) -> FDResolution) -> Result<Int32, Errno> {
        .success(0)
    }

    func release(handle: UInt64) {}
}

/// Mounts the trivial handler on `mountpoint`, prints `ready MOUNTPOINT`, serves until SIGINT/SIGTERM.
func serve(mountpoint: String) -> Int32 {
    do throws(FrontendError) {
        let server = try FUSEServer(mountpoint: mountpoint, handler: TrivialHandler(), options: FUSEServerOptions(
            allowOther: true, onReady: { path in writeLine("ready \(path)") }))
        TerminationSignals.install(stopping: server)
        try server.run()
        writeLine("stopped")
        return 0
    } catch {
        writeLine("error: \(error)")
        return 1
    }
}
