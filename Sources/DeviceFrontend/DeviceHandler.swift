import VFIOCompat

/// One node the frontend serves: `vfio` (the container) or a group named by its number.
/// The same type the translation layer uses, so nothing converts between them.
public typealias DeviceNode = VFIONode

/// A node's directory entry and attributes as the mount shows them.
public struct NodeEntry: Sendable, Hashable {
    public var name: String
    public var node: DeviceNode
    public var uid: UInt32
    public var gid: UInt32
    /// Permission bits only (e.g. 0o666); the kernel enforces them (`default_permissions`).
    public var mode: UInt32

    public init(name: String, node: DeviceNode, uid: UInt32, gid: UInt32, mode: UInt32) {
        self.name = name; self.node = node; self.uid = uid; self.gid = gid; self.mode = mode
    }
}

/// What a file-descriptor number of the calling process refers to.
public enum FDResolution: Sendable, Hashable {
    /// An open of one of this mount's nodes: the handle its `open` returned.
    case node(handle: UInt64, node: DeviceNode)
    /// An open fd that is not a node of this mount (a regular file, /dev/null, a directory, ...).
    case foreign
}

/// The VFIO dispatcher as the frontend sees it: opens, ioctls and last closes.
public protocol DeviceHandler: AnyObject, Sendable {
    var nodes: [NodeEntry] { get }
    /// A new open of `node` by `caller`; returns the handle stored in fi->fh, or an errno (EBUSY for a second group open).
    func open(_ node: DeviceNode, flags: Int32, caller: CallerIdentity) -> Result<UInt64, Errno>
    /// One ioctl on an open handle. `resolveFD` maps a file-descriptor number of the calling process to what it is.
    func ioctl(handle: UInt64, request: UInt32, argument: UInt64, caller: any CallerContext,
               resolveFD: (Int32) throws(Errno) -> FDResolution) -> Result<Int32, Errno>
    /// The last close of that open file description (FUSE release). Must never fail.
    func release(handle: UInt64)
}
