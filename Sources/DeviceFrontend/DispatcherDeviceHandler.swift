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

    public func open(_ node: DeviceNode, flags: Int32, caller: CallerIdentity) -> Result<UInt64, Errno> {
        dispatcher.open(node, caller: caller)
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
