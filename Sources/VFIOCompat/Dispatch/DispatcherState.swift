import IOPageTable

/// Everything the dispatcher knows, mutated only under its mutex.
///
/// Invariants: `openFiles` holds exactly the handles the frontend has open;
/// every container id in `openFiles` or in a group's `container` is a key of
/// `containers`; a container is removed as soon as nothing refers to it.
struct DispatcherState: Sendable {
    let configuration: DispatcherConfiguration
    var nextHandle: UInt64 = 1
    var nextContainerID: UInt32 = 1
    var openFiles: [UInt64: OpenFile] = [:]
    var containers: [UInt32: Container] = [:]
    var groups: [UInt32: Group] = [:]
    /// The pid that opened each handle: an fd used by another process (passed or
    /// inherited) is served the same, as the kernel serves any holder of the file.
    var openerPID: [UInt64: Int32] = [:]

    init(configuration: DispatcherConfiguration) {
        self.configuration = configuration
        for spec in configuration.topology.groups {
            groups[spec.id] = Group(spec: spec)
        }
    }

    var profile: SemanticsProfile { configuration.profile }

    // MARK: open / release

    mutating func open(_ node: VFIONode, pid: Int32, record: inout CallRecord) -> Result<UInt64, Errno> {
        let handle = nextHandle
        defer { if openFiles[handle] != nil { openerPID[handle] = pid } }
        switch node {
        case .container:
            // container.c vfio_fops_open: every open is a new container with no driver.
            let id = nextContainerID
            nextContainerID += 1
            let limit: Int? = profile == .type1 ? configuration.dmaEntryLimit : nil
            containers[id] = Container(id: id, hostPageSize: configuration.hostPageSize, entryLimit: limit)
            openFiles[handle] = .container(id)
            record.container = id
            record.touch(.C01)
            if profile == .iommufd { record.op("open /dev/iommu") }
        case .group(let number):
            guard var group = groups[number] else { return .failure(.noSuchDevice) }
            record.touch(.G01)
            // group.c vfio_group_fops_open: a group fd is exclusive.
            guard group.openHandle == nil else { return .failure(.busy) }
            group.openHandle = handle
            groups[number] = group
            openFiles[handle] = .group(number)
        }
        nextHandle += 1
        return .success(handle)
    }

    /// Returns the record of the release, or nil for an unknown handle.
    mutating func release(handle: UInt64) -> CallRecord? {
        guard let file = openFiles.removeValue(forKey: handle) else { return nil }
        openerPID[handle] = nil
        switch file {
        case .container(let id):
            var record = CallRecord(node: .container, ioctl: "release", request: nil)
            record.container = id
            guard var container = containers[id] else { return record }
            container.fileOpen = false
            if container.isUnreferenced {
                record.op(profile == .iommufd ? "close iommufd (IOMMU_DESTROY of the compat IOAS)" : "IOMMU_DESTROY")
                containers[id] = nil
            } else {
                // container.c: close drops a reference; attached groups keep the mappings alive.
                record.touch(.C13)
                containers[id] = container
            }
            return record
        case .group(let number):
            var record = CallRecord(node: .group(number), ioctl: "release", request: nil)
            guard var group = groups[number] else { return record }
            group.openHandle = nil
            groups[number] = group
            // group.c vfio_group_fops_release: an attached group is detached as by UNSET_CONTAINER.
            if let containerID = group.container {
                record.container = containerID
                detachGroup(number, from: containerID, record: &record)
            }
            return record
        }
    }

    // MARK: ioctl routing

    mutating func ioctl(handle: UInt64, request: UInt32, argument: UInt64, caller: any CallerContext,
                        preResolved: Result<ResolvedFD, Errno>?, record: inout CallRecord) -> Result<Int32, Errno> {
        guard let file = openFiles[handle] else { return .failure(.badFileDescriptor) }
        if let opener = openerPID[handle], opener != caller.pid { record.touch(.B12) }
        switch file {
        case .container(let id):
            record.container = id
            guard containers[id] != nil else { return .failure(.badFileDescriptor) }
            return Result { () throws(Errno) -> Int32 in
                try containerIoctl(id, request: request, argument: argument, caller: caller, record: &record)
            }
        case .group(let number):
            record.node = .group(number)
            record.group = number
            record.container = groups[number]?.container
            return Result { () throws(Errno) -> Int32 in
                try groupIoctl(number, request: request, argument: argument, caller: caller,
                               preResolved: preResolved, record: &record)
            }
        }
    }

    // MARK: views

    /// Bytes locked by `pid` in every container but `excluded`: type1 charges
    /// `mm->locked_vm`, one counter per process across all its containers.
    func chargedElsewhere(pid: Int32, excluding excluded: UInt32) -> UInt64 {
        var total: UInt64 = 0
        for (id, container) in containers where id != excluded {
            let (sum, overflow) = total.addingReportingOverflow(container.ioas.charged(to: .process(pid: pid)))
            total = overflow ? .max : sum
        }
        return total
    }

    func snapshot() -> DispatcherSnapshot {
        let views = containers.values.sorted { $0.id < $1.id }.map { c in
            DispatcherSnapshot.ContainerView(
                id: c.id, iommuType: c.iommuType?.name, groups: c.groups, fileOpen: c.fileOpen,
                areas: c.ioas.allAreas(), charged: c.ioas.totalCharged, iovaRanges: c.ioas.iovaRanges())
        }
        var attached: [UInt32: UInt32] = [:]
        for g in groups.values { if let c = g.container { attached[g.number] = c } }
        return DispatcherSnapshot(
            containers: views, attachedGroups: attached,
            openGroups: groups.values.filter { $0.openHandle != nil }.map(\.number).sorted(),
            openHandles: openFiles.count)
    }
}
