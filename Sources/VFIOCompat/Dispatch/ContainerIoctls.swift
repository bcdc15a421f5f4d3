import IOPageTable

extension DispatcherState {
    /// Routes a request on a container fd. Mirrors `vfio_fops_unl_ioctl`
    /// (container.c): API version, CHECK_EXTENSION and SET_IOMMU are the
    /// container's own; everything else goes to the selected driver, and with
    /// no driver the container's default answer is EINVAL.
    mutating func containerIoctl(_ id: UInt32, request: UInt32, argument: UInt64, caller: any CallerContext,
                                 record: inout CallRecord) throws(Errno) -> Int32 {
        let selected = containers[id]!.iommuType
        // 112 and 117 mean different things for SPAPR and type1 containers: decode by the selected type.
        let decoded = VFIOIoctl(request: request, containerType: selected)
        record.ioctl = decoded?.name ?? Self.unknownName(request)
        if request == VFIOIoctl.iommuGetInfo.request || request == VFIOIoctl.dirtyPages.request {
            record.touch(.C16)
        }
        switch decoded {
        case .getAPIVersion:
            record.touch(.C02)
            return VFIOIoctl.apiVersion
        case .checkExtension:
            return try checkExtension(id, argument, record: &record)
        case .setIOMMU:
            return try setIOMMU(id, argument, record: &record)
        default:
            break
        }

        // iommufd serves its own ioctls (nr >= 0x80) on the same fd before the compat table.
        if Self.isIommufdNative(request) {
            record.unsupported(.C15, "iommufd-native ioctl on the emulated container; only the legacy VFIO uAPI is served")
            if profile == .type1 && selected == nil { throw .invalidArgument }
            throw .notTTY
        }

        switch profile {
        case .type1:
            guard selected != nil else {
                // container.c: no driver bound, so the container's default return is EINVAL.
                if decoded == .iommuGetInfo || decoded == .mapDMA || decoded == .unmapDMA {
                    let compat: Outcome = containers[id]!.compatIOASAllocated ? .text("served") : .error(.noSuchDevice)
                    record.diverge(.C11, type1: .error(.invalidArgument), iommufd: compat)
                } else {
                    record.touch(.C11)
                }
                throw .invalidArgument
            }
        case .iommufd:
            break
        }

        switch decoded {
        case .iommuGetInfo:
            return try getInfo(id, argument, caller: caller, record: &record)
        case .mapDMA:
            return try mapDMA(id, argument, caller: caller, record: &record)
        case .unmapDMA:
            return try unmapDMA(id, argument, caller: caller, record: &record)
        case .dirtyPages:
            // vfio_compat.c: DIRTY_PAGES falls to ENOIOCTLCMD (ENOTTY); dirty tracking is not emulated here.
            let row: MatrixRowID = selected == .type1 ? .D04 : .D01
            record.unsupported(row, "dirty-page tracking is not emulated (iommufd: IOMMU_HWPT_SET_DIRTY_TRACKING / GET_DIRTY_BITMAP)")
            record.op("IOMMU_HWPT_SET_DIRTY_TRACKING (not emulated)")
            throw .notTTY
        case .spaprTCEGetInfo:
            record.unsupported(.S01, "SPAPR TCE IOMMU (POWER) is not emulated")
            throw .notTTY
        case .spaprRegisterMemory, .spaprUnregisterMemory:
            record.unsupported(.S02, "SPAPR memory preregistration (POWER) is not emulated")
            throw .notTTY
        case .spaprTCECreate, .spaprTCERemove:
            record.unsupported(.S03, "SPAPR DMA windows (POWER) are not emulated")
            throw .notTTY
        case .iommuEnable, .iommuDisable:
            record.unsupported(.S04, "SPAPR container enable/disable (POWER) is not emulated")
            throw .notTTY
        case .eehPEOp:
            record.unsupported(.S05, "EEH (POWER) is not emulated")
            throw .notTTY
        case .getAPIVersion, .checkExtension, .setIOMMU:
            preconditionFailure("handled above")
        case .groupGetStatus, .groupSetContainer, .groupUnsetContainer, .groupGetDeviceFD, nil:
            // vfio_iommu_type1_ioctl / iommufd_vfio_ioctl: unknown requests are ENOTTY.
            record.touch(.C12)
            throw .notTTY
        }
    }

    // MARK: CHECK_EXTENSION

    /// type1 `vfio_iommu_type1_check_extension` (polled with no driver data
    /// before SET_IOMMU) or `iommufd_vfio_check_extension`.
    mutating func checkExtension(_ id: UInt32, _ argument: UInt64, record: inout CallRecord) throws(Errno) -> Int32 {
        let container = containers[id]!
        let ext = argument <= UInt64(UInt32.max) ? VFIOExtension(rawValue: UInt32(argument)) : nil
        record.args["extension"] = .uint(argument)
        if let ext { record.args["name"] = .string(ext.name) }
        switch ext {
        case .type1:
            record.touch(.E01); return 1
        case .type1v2:
            record.touch(.E02); return 1
        case .unmapAll:
            record.touch(.E07); return 1
        case .dmaCC:
            let coherent: Int32 = container.ioas.attachedDomains.allSatisfy(\.enforceCacheCoherency) ? 1 : 0
            // type1: 0 with no driver (iommu_data NULL), else every domain enforces coherency.
            let type1: Outcome = .value(container.iommuType == nil ? 0 : coherent)
            // compat: ENODEV until the compat IOAS exists, else every HWPT enforces coherency.
            let compat: Outcome = container.compatIOASAllocated ? .value(coherent) : .error(.noSuchDevice)
            if type1.description != compat.description {
                record.diverge(.E03, type1: type1, iommufd: compat)
            } else {
                record.touch(.E03)
            }
            switch profile {
            case .type1: return container.iommuType == nil ? 0 : coherent
            case .iommufd:
                guard container.compatIOASAllocated else { throw .noSuchDevice }
                return coherent
            }
        case .type1Nesting:
            // Removed from type1 in v6.13 (35890f85573c); compat always 0.
            record.touch(.E05); return 0
        case .noIOMMU:
            // Only with enable_unsafe_noiommu_mode; the emulator serves IOMMU-backed groups only.
            record.touch(.E06); return 0
        case .updateVaddr:
            // type1 >= v6.2 answers 1 once a driver is set; VADDR is not emulated (compat: "hard to see how this could be implemented safely").
            record.unsupported(.E08, "VFIO_UPDATE_VADDR (vaddr invalidate/remap for live update) is not emulated; iommufd uses IOMMU_IOAS_MAP_FILE + IOMMU_IOAS_CHANGE_PROCESS")
            return 0
        case .spaprTCE, .spaprTCEv2, .eeh:
            record.touch(.E04); return 0
        case .type1ChromeOS, .pkvmPVIOMMU:
            record.unsupported(.E10, "vendor IOMMU type \(ext!.name) is not part of upstream VFIO")
            return 0
        case nil:
            record.touch(.E09); return 0
        }
    }

    // MARK: SET_IOMMU

    /// container.c `vfio_ioctl_set_iommu` + type1 `vfio_iommu_type1_open`, or
    /// `iommufd_vfio_set_iommu`.
    mutating func setIOMMU(_ id: UInt32, _ argument: UInt64, record: inout CallRecord) throws(Errno) -> Int32 {
        var container = containers[id]!
        let ext = argument <= UInt64(UInt32.max) ? VFIOExtension(rawValue: UInt32(argument)) : nil
        record.args["type"] = .uint(argument)
        if let ext { record.args["name"] = .string(ext.name) }
        let isType1Family = ext == .type1 || ext == .type1v2

        // The outcome the other kernel gives, for the divergence note.
        let compatOutcome: Outcome = !isType1Family ? .error(.invalidArgument)
            : (container.compatIOASAllocated ? .success : .error(.noSuchDevice))

        switch profile {
        case .type1:
            // container.c: a group must be attached and no driver set yet, else EINVAL.
            guard !container.groups.isEmpty else {
                record.diverge(.C05, type1: .error(.invalidArgument), iommufd: compatOutcome)
                throw .invalidArgument
            }
            guard container.iommuType == nil else {
                record.diverge(.C06, type1: .error(.invalidArgument), iommufd: compatOutcome)
                throw .invalidArgument
            }
            guard isType1Family, let ext else {
                try rejectType(ext, argument, record: &record, compat: compatOutcome)
            }
            try attachAllGroups(&container, record: &record)
            container.iommuType = ext
            containers[id] = container
            noteTypeSelected(ext, record: &record, compat: compatOutcome)
            return 0
        case .iommufd:
            // vfio_compat.c: the type is checked first (only TYPE1/TYPE1v2), then the compat IOAS must exist.
            guard isType1Family, let ext else {
                try rejectType(ext, argument, record: &record, compat: compatOutcome)
            }
            guard container.compatIOASAllocated else {
                record.diverge(.C05, type1: .error(.invalidArgument), iommufd: .error(.noSuchDevice))
                throw .noSuchDevice
            }
            if container.iommuType != nil {
                // No "already set" check in compat: a second SET_IOMMU succeeds and changes nothing.
                record.diverge(.C06, type1: .error(.invalidArgument), iommufd: .success)
                return 0
            }
            container.iommuType = ext
            containers[id] = container
            noteTypeSelected(ext, record: &record, compat: compatOutcome)
            return 0
        }
    }

    private func noteTypeSelected(_ ext: VFIOExtension, record: inout CallRecord, compat: Outcome) {
        record.touch(.C04)
        if ext == .type1 {
            // DPDK asks for v1 first; v1's coalesced-unmap quirks are not reproduced: unmaps follow v2.
            record.unsupported(.C08, "VFIO_TYPE1_IOMMU accepted but served with TYPE1v2 unmap semantics (no v1 partial-unmap quirks)")
            record.op("IOMMU_OPTION(IOMMU_OPTION_HUGE_PAGES=0) (iommufd emulates v1 by hole punching; not emulated)")
        }
    }

    /// SET_IOMMU of a type no driver here accepts.
    private func rejectType(_ ext: VFIOExtension?, _ argument: UInt64, record: inout CallRecord, compat: Outcome) throws(Errno) -> Never {
        // type1 answers ENODEV when no driver's CHECK_EXTENSION claims the id, EINVAL when
        // type1 claims it but vfio_iommu_type1_open refuses it (UNMAP_ALL); compat: EINVAL for all.
        let type1Errno: Errno = ext == .unmapAll ? .invalidArgument : .noSuchDevice
        let row: MatrixRowID
        let reason: String
        switch ext {
        case .type1Nesting:
            row = .C09; reason = "VFIO_TYPE1_NESTING_IOMMU was removed from type1 (v6.13); nesting needs iommufd HWPT/vIOMMU objects"
        case .noIOMMU:
            row = .C10; reason = "no-IOMMU containers are not emulated (they give no DMA isolation)"
        case .type1ChromeOS, .pkvmPVIOMMU:
            row = .E10; reason = "vendor IOMMU type \(ext!.name) is not part of upstream VFIO"
        default:
            row = .C07; reason = "IOMMU type \(ext?.name ?? String(argument)) is not served (type1 family only)"
        }
        record.unsupported(row, reason)
        let mine: Errno = profile == .type1 ? type1Errno : .invalidArgument
        if type1Errno != .invalidArgument {
            record.divergence = Divergence(row: row.rawValue, type1: Outcome.error(type1Errno).description,
                                           iommufd: compat.description)
        }
        throw mine
    }

    static func isIommufdNative(_ request: UInt32) -> Bool {
        // iommufd's ioctls share VFIO's type byte ';' with nr >= IOMMUFD_CMD_BASE (0x80).
        (request >> 8) & 0xff == UInt32(UInt8(ascii: ";")) && request & 0xff >= 0x80
    }

    static func unknownName(_ request: UInt32) -> String {
        "ioctl(0x" + String(request, radix: 16) + ")"
    }
}
