import IOPageTable

extension DispatcherState {
    /// Routes a request on a group fd (`vfio_group_fops_unl_ioctl`, group.c).
    mutating func groupIoctl(_ number: UInt32, request: UInt32, argument: UInt64, caller: any CallerContext,
                             preResolved: Result<ResolvedFD, Errno>?, record: inout CallRecord) throws(Errno) -> Int32 {
        let decoded = VFIOIoctl(request: request, containerType: nil)
        record.ioctl = decoded?.name ?? Self.unknownName(request)
        switch decoded {
        case .groupGetStatus:
            return try getStatus(number, argument, caller: caller, record: &record)
        case .groupSetContainer:
            return try setContainer(number, preResolved ?? .failure(.badAddress), record: &record)
        case .groupUnsetContainer:
            return try unsetContainer(number, record: &record)
        case .groupGetDeviceFD:
            return try getDeviceFD(number, argument, caller: caller, record: &record)
        default:
            // group.c: any other request on a group fd is ENOTTY.
            record.touch(.G09)
            throw .notTTY
        }
    }

    /// `vfio_group_ioctl_get_status`: VIABLE|CONTAINER_SET once attached,
    /// otherwise VIABLE only while no kernel driver claims DMA ownership.
    func getStatus(_ number: UInt32, _ argument: UInt64, caller: any CallerContext,
                   record: inout CallRecord) throws(Errno) -> Int32 {
        record.touch(.G02)
        var status = VFIOGroupStatus(bytes: try caller.memory.read(at: argument, count: VFIOGroupStatus.minimumSize))
        record.args["argsz"] = .uint(UInt64(status.argsz))
        guard status.argsz >= UInt32(VFIOGroupStatus.minimumSize) else { throw .invalidArgument }
        let group = groups[number]!
        if group.container != nil {
            status.flags = [.viable, .containerSet]
        } else {
            status.flags = group.spec.viable ? .viable : []
        }
        record.args["flags"] = .uint(UInt64(status.flags.rawValue))
        try caller.memory.write(status.bytes, at: argument)
        return 0
    }

    /// `vfio_group_ioctl_set_container` + `vfio_container_attach_group`.
    mutating func setContainer(_ number: UInt32, _ resolved: Result<ResolvedFD, Errno>,
                               record: inout CallRecord) throws(Errno) -> Int32 {
        record.touch(.G03)
        // get_user(fd) fails: EFAULT; the fd is not open: EBADF.
        let target = try resolved.get()
        // A group already in a container (or iommufd): EINVAL, not EBUSY.
        guard groups[number]!.container == nil else { throw .invalidArgument }
        guard case .node(let handle) = target, case .container(let id)? = openFiles[handle] else {
            // Neither a VFIO container nor an iommufd: EBADFD (>= v6.2; 6.1 answered EINVAL).
            record.touch(.G11)
            record.args["fd"] = .string("not a container")
            throw .badFDState
        }
        record.container = id
        record.args["container"] = .uint(UInt64(id))
        let group = groups[number]!
        let viable = group.spec.viable
        if !viable {
            // type1 (>= v5.19): iommu_group_claim_dma_owner fails while a kernel driver is bound: EPERM.
            // compat: accepted here; viability is only checked when a device is opened.
            record.diverge(.G10, type1: .error(.operationNotPermitted), iommufd: .success)
            if profile == .type1 { throw .operationNotPermitted }
        }

        var container = containers[id]!
        var ops: [(String, [String: LogValue])] = []
        if !container.compatIOASAllocated {
            ops.append(("IOMMU_IOAS_ALLOC", [:]))
            ops.append(("IOMMU_VFIO_IOAS", ["op": .string("SET")]))
        }
        for device in group.spec.devices {
            ops.append(("VFIO_DEVICE_BIND_IOMMUFD", ["device": .string(device)]))
        }
        for (name, args) in ops { record.op(name, args) }

        // With a driver already set, type1 attaches the group now; compat defers it to device
        // open, which the emulator cannot serve, so it attaches here in both profiles.
        let attachNow = profile == .type1 ? container.iommuType != nil : viable
        if attachNow {
            if profile == .iommufd || container.iommuType != nil {
                record.diverge(.G04, type1: .text("attached at SET_CONTAINER"), iommufd: .text("attached at device open (GET_DEVICE_FD)"))
            }
            try attachDomain(of: number, to: &container.ioas, record: &record)
        }
        container.compatIOASAllocated = true
        container.groups.append(number)
        containers[id] = container
        groups[number]!.container = id
        return 0
    }

    /// `vfio_group_ioctl_unset_container`: EINVAL when not attached.
    mutating func unsetContainer(_ number: UInt32, record: inout CallRecord) throws(Errno) -> Int32 {
        record.touch(.G05)
        guard let id = groups[number]!.container else { throw .invalidArgument }
        record.container = id
        detachGroup(number, from: id, record: &record)
        return 0
    }

    /// `vfio_group_ioctl_get_device_fd`: the kernel's checks are emulated; a
    /// request that passes them cannot be served, because a FUSE or CUSE reply
    /// carries an int and data but cannot install a file descriptor in the caller.
    func getDeviceFD(_ number: UInt32, _ argument: UInt64, caller: any CallerContext,
                     record: inout CallRecord) throws(Errno) -> Int32 {
        record.touch(.G06)
        // strndup_user(arg, PAGE_SIZE): EFAULT if unreadable, EINVAL if no NUL within a page.
        let name = try readString(at: argument, limit: 4096, memory: caller.memory)
        record.args["device"] = .string(name)
        let group = groups[number]!
        guard group.spec.devices.contains(name) else { throw .noSuchDevice }
        guard let id = group.container else { throw .invalidArgument }
        if profile == .type1 && containers[id]?.iommuType == nil { throw .invalidArgument }
        record.op("open /dev/vfio/devices/vfioN + VFIO_DEVICE_BIND_IOMMUFD", ["device": .string(name)])
        record.unsupported(.G08, "a FUSE/CUSE reply cannot carry a file descriptor, so no device fd can be returned; answered EOPNOTSUPP")
        throw .notSupported
    }

    /// Reads a NUL-terminated string of at most `limit` bytes, page by page so
    /// that a short string just before an unmapped page still reads.
    private func readString(at address: UInt64, limit: Int, memory: any CallerMemory) throws(Errno) -> String {
        var bytes: [UInt8] = []
        var cursor = address
        while bytes.count < limit {
            let pageRemainder = Int(4096 - (cursor & 4095))
            let chunk = try memory.read(at: cursor, count: min(pageRemainder, limit - bytes.count))
            if let nul = chunk.firstIndex(of: 0) {
                bytes += chunk[..<nul]
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes += chunk
            let (next, overflow) = cursor.addingReportingOverflow(UInt64(chunk.count))
            if overflow { throw .badAddress }
            cursor = next
        }
        throw .invalidArgument
    }
}
