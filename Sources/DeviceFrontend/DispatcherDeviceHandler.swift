#if canImport(Glibc)
import Glibc
#endif
import VFIOCompat

/// Serves the FUSE nodes from a `VFIODispatcher`: the glue between the
/// frontend's request callbacks and the legacy uAPI layer.
public final class DispatcherDeviceHandler: DeviceHandler {
    public let dispatcher: VFIODispatcher

    public init(dispatcher: VFIODispatcher) {
        self.dispatcher = dispatcher
    }

    public var nodes: [NodeEntry] {
        dispatcher.nodes.map { NodeEntry(name: $0.name, node: $0.node, uid: $0.uid, gid: $0.gid, mode: $0.mode) }
    }

    /// How long a group open waits for a RELEASE still on its way before answering EBUSY.
    static let releaseGrace: Duration = .milliseconds(250)

    /// A group node is exclusive (EBUSY while open). The kernel releases a file
    /// before close(2) returns; FUSE and CUSE send RELEASE afterwards, in the
    /// background. A client that closes a group and reopens it at once (DPDK's
    /// second device in a group, QEMU re-plugging) would otherwise race that
    /// RELEASE, so a busy group is retried for a short grace period first.
    public func open(_ node: DeviceNode, flags: Int32, caller: CallerIdentity) -> Result<UInt64, Errno> {
        guard case .group = node else { return dispatcher.open(node, caller: caller) }
        let clock = ContinuousClock()
        let deadline = clock.now + Self.releaseGrace
        while clock.now < deadline {
            let result = dispatcher.open(node, caller: caller, recordingBusy: false)
            guard case .failure(.busy) = result else { return result }
            usleep(2_000)
        }
        return dispatcher.open(node, caller: caller)  // still open elsewhere: EBUSY, recorded
    }

    public func ioctl(handle: UInt64, request: UInt32, argument: UInt64, caller: any CallerContext,
                      resolveFD: (Int32) throws(Errno) -> FDResolution) -> Result<Int32, Errno> {
        dispatcher.ioctl(handle: handle, request: request, argument: argument, caller: caller) { fd throws(Errno) -> VFIOCompat.ResolvedFD in
            switch try resolveFD(fd) {
            case .node(let handle, _): .node(handle: handle)
            case .foreign: .foreign
            }
        }
    }

    public func release(handle: UInt64) {
        dispatcher.release(handle: handle)
    }
}
