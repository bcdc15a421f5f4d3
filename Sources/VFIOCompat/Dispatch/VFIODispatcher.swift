import IOPageTable
import Synchronization

/// Where finished translation records go (the log writer, or a test's collector).
public protocol TranslationRecordSink: Sendable {
    func emit(_ record: TranslationRecord)
}

/// How a dispatcher serves: which kernel it answers like, the groups it
/// serves, and the limits the kernel would take from module parameters.
public struct DispatcherConfiguration: Sendable {
    public var profile: SemanticsProfile
    public var topology: Topology
    /// type1's `dma_entry_limit` module parameter (default 65535); iommufd has no count limit.
    public var dmaEntryLimit: Int
    /// The host's PAGE_SIZE: the granularity sub-page IOMMU sizes fold to.
    public var hostPageSize: UInt64

    public init(profile: SemanticsProfile = .type1, topology: Topology,
                dmaEntryLimit: Int = IOAS.defaultEntryLimit, hostPageSize: UInt64 = 4096) {
        self.profile = profile
        self.topology = topology
        self.dmaEntryLimit = dmaEntryLimit
        self.hostPageSize = hostPageSize
    }
}

/// The legacy container uAPI: turns `(open file, request, argument, caller)`
/// into `(return value or errno, translation record)`.
///
/// Mirrors `vfio_fops_unl_ioctl` (drivers/vfio/container.c) with
/// `vfio_iommu_type1_ioctl`, `vfio_group_fops_unl_ioctl` (drivers/vfio/group.c),
/// and, under the iommufd profile, `iommufd_vfio_ioctl` (vfio_compat.c). All
/// state sits behind one mutex: every call sees every container as the last
/// call left it, and a failed call leaves every container as it was.
public final class VFIODispatcher: Sendable {
    public let configuration: DispatcherConfiguration
    let state: Mutex<DispatcherState>
    let sink: (any TranslationRecordSink)?

    public init(configuration: DispatcherConfiguration, sink: (any TranslationRecordSink)? = nil) {
        self.configuration = configuration
        self.sink = sink
        self.state = Mutex(DispatcherState(configuration: configuration))
    }

    public var profile: SemanticsProfile { configuration.profile }

    /// The nodes this dispatcher serves: the container node (0666, like the
    /// kernel's misc device) and one node per topology group.
    public var nodes: [(name: String, node: VFIONode, uid: UInt32, gid: UInt32, mode: UInt32)] {
        [("vfio", .container, 0, 0, 0o666)]
            + configuration.topology.groups.map { ("\($0.id)", .group($0.id), $0.uid, $0.gid, $0.mode) }
    }

    // MARK: - open / release

    /// A new open of a node. The container node makes a new container; a group
    /// node may be open once at a time (`vfio_group_fops_open`: EBUSY).
    /// With `recordingBusy` false an EBUSY answer leaves no record (a frontend retrying
    /// while a RELEASE is still in flight records only its final attempt).
    public func open(_ node: VFIONode, caller: CallerIdentity, recordingBusy: Bool = true) -> Result<UInt64, Errno> {
        var record = CallRecord(node: node, ioctl: "open", request: nil)
        let result: Result<UInt64, Errno> = state.withLock { state in
            state.open(node, pid: caller.pid, record: &record)
        }
        if case .failure(.busy) = result, !recordingBusy { return result }
        emit(record, pid: caller.pid, tid: caller.tid, result: result.map { _ in 0 })
        return result
    }

    /// The last close of an open file description. Never fails: a group is
    /// detached as UNSET_CONTAINER would, a container is dropped once no group holds it.
    /// FUSE's RELEASE carries no pid, so the record names the process that opened the file.
    public func release(handle: UInt64, caller: CallerIdentity? = nil) {
        var record: CallRecord?
        var opener: Int32 = 0
        state.withLock { state in
            opener = state.openerPID[handle] ?? 0
            record = state.release(handle: handle)
        }
        if let record {
            emit(record, pid: caller?.pid ?? opener, tid: caller?.tid ?? opener, result: .success(0))
        }
    }

    // MARK: - ioctl

    /// One ioctl on an open handle. `resolveFD` maps an fd number of the
    /// caller to what it is (used by `VFIO_GROUP_SET_CONTAINER` only).
    public func ioctl(handle: UInt64, request: UInt32, argument: UInt64, caller: any CallerContext,
                      resolveFD: (Int32) throws(Errno) -> ResolvedFD) -> Result<Int32, Errno> {
        // SET_CONTAINER names the container by an fd of the caller: read and resolve it
        // before taking the lock (the frontend may need another worker to identify it).
        var preResolved: Result<ResolvedFD, Errno>?
        if request == VFIOIoctl.groupSetContainer.request {
            preResolved = Result { () throws(Errno) -> ResolvedFD in
                let bytes = try caller.memory.read(at: argument, count: 4)
                let fd = Int32(bitPattern: RawBytes(bytes).u32(at: 0))
                return try resolveFD(fd)
            }
        }
        var record = CallRecord(node: .container, ioctl: "ioctl", request: request)
        let result: Result<Int32, Errno> = state.withLock { state in
            state.ioctl(handle: handle, request: request, argument: argument, caller: caller,
                        preResolved: preResolved, record: &record)
        }
        emit(record, pid: caller.pid, tid: caller.tid, result: result)
        return result
    }

    /// A point-in-time view of every container, for summaries and tests.
    public func snapshot() -> DispatcherSnapshot {
        state.withLock { $0.snapshot() }
    }

    private func emit(_ call: CallRecord, pid: Int32, tid: Int32, result: Result<Int32, Errno>) {
        guard let sink else { return }
        let callResult: CallResult
        switch result {
        case .success(let v): callResult = CallResult(ret: Int64(v), errno: nil, errnoValue: nil)
        case .failure(let e): callResult = CallResult(ret: nil, errno: e.name, errnoValue: e.rawValue)
        }
        sink.emit(TranslationRecord(
            pid: pid, tid: tid, profile: profile.rawValue,
            node: call.node == .container ? "container" : "group",
            container: call.container, group: call.group, ioctl: call.ioctl, request: call.request,
            args: call.args, iommufd: call.iommufd, result: callResult,
            rows: call.rows.map(\.rawValue), unsupported: call.unsupported, divergence: call.divergence))
    }
}

/// What the dispatcher holds at one moment, as plain values.
public struct DispatcherSnapshot: Sendable {
    public struct ContainerView: Sendable {
        public var id: UInt32
        public var iommuType: String?
        public var groups: [UInt32]
        public var fileOpen: Bool
        public var areas: [Area]
        public var charged: UInt64
        public var iovaRanges: [IOVARange]
    }
    public var containers: [ContainerView]
    /// Group number → container id, for every attached group.
    public var attachedGroups: [UInt32: UInt32]
    public var openGroups: [UInt32]
    public var openHandles: Int
}
