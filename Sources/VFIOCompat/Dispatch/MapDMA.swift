import IOPageTable

extension DispatcherState {
    /// `VFIO_IOMMU_MAP_DMA`: type1 `vfio_dma_do_map` checks in the kernel's
    /// order (argsz/flags, prot, size and alignment, wrap, overlap, entry
    /// limit, valid range, then pinning: EFAULT before the memlock ENOMEM), or
    /// compat `iommufd_vfio_map_dma` → `iopt_map_user_pages` (reserved range
    /// before overlap, no entry limit, flags 0 accepted).
    mutating func mapDMA(_ id: UInt32, _ argument: UInt64, caller: any CallerContext,
                         record: inout CallRecord) throws(Errno) -> Int32 {
        let map = VFIODMAMap(bytes: try caller.memory.read(at: argument, count: VFIODMAMap.minimumSize))
        record.args = ["argsz": .uint(UInt64(map.argsz)), "flags": .uint(UInt64(map.flags.rawValue)),
                       "vaddr": .uint(map.vaddr), "iova": .uint(map.iova), "size": .uint(map.size)]
        guard Int(map.argsz) >= VFIODMAMap.minimumSize, map.flags.isSubset(of: .known) else {
            record.touch(.M05)
            throw .invalidArgument
        }
        if map.flags.contains(.vaddr) {
            record.unsupported(.M17, "VFIO_DMA_MAP_FLAG_VADDR (re-attach a vaddr after live update) is not emulated; iommufd uses IOMMU_IOAS_CHANGE_PROCESS")
            throw .invalidArgument
        }
        let prot = map.flags.intersection([.read, .write])
        switch profile {
        case .type1:
            // Neither READ nor WRITE: EINVAL. Compat accepts it (only IOMMU_CACHE is set).
            if prot.isEmpty {
                record.diverge(.M04, type1: .error(.invalidArgument), iommufd: .success)
                throw .invalidArgument
            }
        case .iommufd:
            guard containers[id]!.compatIOASAllocated else { throw .noSuchDevice }
            if prot.isEmpty { record.diverge(.M04, type1: .error(.invalidArgument), iommufd: .success) }
        }
        var protection: IOMMUProtection = []
        if prot.contains(.read) { protection.insert(.read) }
        if prot.contains(.write) { protection.insert(.write) }
        record.touch(protection == [.read, .write] ? .M01 : protection == .read ? .M02 : protection == .write ? .M03 : .M04)

        if profile == .iommufd {
            try compatPrechecks(id, map, record: &record)
        }

        let identity = caller.identity
        let charge = AccountingCharge(
            source: .process(pid: identity.pid), limit: identity.memlockLimit, exempt: identity.hasIPCLock,
            chargedElsewhere: chargedElsewhere(pid: identity.pid, excluding: id))
        if identity.hasIPCLock {
            record.touch(.B07)
            record.diverge(.B13, type1: .text("charged to locked_vm, limit skipped"), iommufd: .text("not charged to locked_vm"))
        }
        let area: Area
        do {
            area = try containers[id]!.ioas.map(iova: map.iova, length: map.size, vaddr: map.vaddr, pid: identity.pid,
                                                 protection: protection, charge: charge)
        } catch .lockedMemoryLimitExceeded(let limit, let wouldCharge) {
            // Pinning faults on the vaddr before the rlimit check trips.
            try checkCallerMemory(map, writable: protection.contains(.write), caller: caller, record: &record)
            record.touch(.M13)
            record.args["rlimit_memlock"] = .uint(limit)
            record.args["would_lock"] = .uint(wouldCharge)
            throw .outOfMemory
        } catch {
            throw mapErrno(error, record: &record)
        }
        do {
            try checkCallerMemory(map, writable: protection.contains(.write), caller: caller, record: &record)
        } catch {
            // MAP is atomic: a failure while pinning removes the whole vfio_dma.
            _ = try? containers[id]!.ioas.unmap(area.range)
            record.touch(.M18)
            throw error
        }
        if profile == .iommufd && containers[id]!.ioas.areaCount > configuration.dmaEntryLimit {
            record.diverge(.M12, type1: .error(.noSpace), iommufd: .success)
        }
        record.touch(.B11)
        record.touch(.M23)
        var ioasFlags = ["FIXED_IOVA"]
        if protection.contains(.read) { ioasFlags.append("READABLE") }
        if protection.contains(.write) { ioasFlags.append("WRITEABLE") }
        record.op("IOMMU_IOAS_MAP", ["flags": .string(ioasFlags.joined(separator: "|")), "iova": .uint(map.iova),
                                     "length": .uint(map.size), "user_va": .uint(map.vaddr)])
        return 0
    }

    /// iopt_check_iova's order for the compat path: length and alignment, wrap,
    /// then the reserved ranges before the existing areas (EINVAL before EEXIST).
    private func compatPrechecks(_ id: UInt32, _ map: VFIODMAMap, record: inout CallRecord) throws(Errno) {
        let ioas = containers[id]!.ioas
        let align = ioas.iovaAlignment
        guard map.size != 0 else { record.touch(.M06); throw .invalidArgument }
        guard map.iova % align == 0, map.size % align == 0, map.vaddr % align == 0 else {
            record.touch(.M07); throw .invalidArgument
        }
        guard let range = try? IOVARange.checked(start: map.iova, length: map.size),
              (try? IOVARange.checked(start: map.vaddr, length: map.size)) != nil else {
            record.touch(.M08); throw .overflow
        }
        if !ioas.isUsable(range) {
            if !ioas.areas(overlapping: range).isEmpty {
                record.diverge(.M11, type1: .error(.exists), iommufd: .error(.invalidArgument))
            } else {
                record.touch(.M11)
            }
            throw .invalidArgument
        }
    }

    private func mapErrno(_ error: IOPageTableError, record: inout CallRecord) -> Errno {
        switch error {
        case .zeroLength: record.touch(.M06); return .invalidArgument
        case .misaligned: record.touch(.M07); return .invalidArgument
        case .overflow: record.touch(.M08); return .overflow  // EOVERFLOW since v6.18 (6012379ede6a)
        case .overlapsExistingArea: record.touch(.M10); return .exists
        case .entryLimitReached:
            // type1 dma_entry_limit (CVE-2019-3882); compat has no count limit.
            record.diverge(.M12, type1: .error(.noSpace), iommufd: .success)
            return .noSpace
        case .outsideUsableIOVA: record.touch(.M11); return .invalidArgument
        case .lockedMemoryLimitExceeded: record.touch(.M13); return .outOfMemory
        default: return .invalidArgument
        }
    }

    /// What pinning would find in the caller's mm (`vaddr_get_pfns` / GUP):
    /// every byte mapped, readable, writable when WRITE is asked; a device
    /// (VM_PFNMAP) mapping is P2P, which the emulator refuses like compat does.
    private func checkCallerMemory(_ map: VFIODMAMap, writable: Bool, caller: any CallerContext,
                                   record: inout CallRecord) throws(Errno) {
        let mappings = try caller.mappings(overlapping: map.vaddr, length: map.size)
        var cursor = map.vaddr
        let end = map.vaddr &+ map.size  // 0 when the range ends exactly at 2^64
        for m in mappings {
            if m.isDevice {
                record.touch(.M15)
                record.unsupported(.M22, "vaddr lies in a device mapping of the caller (\(m.name ?? "VM_PFNMAP")): peer-to-peer DMA to a BAR is not emulated; iommufd needs a DMABUF (IOMMU_IOAS_MAP_FILE)")
                throw .badAddress
            }
            guard m.start <= cursor, m.end > cursor else { break }
            guard m.readable else { record.touch(.M14); throw .badAddress }
            if writable && !m.writable { record.touch(.M16); throw .badAddress }
            cursor = m.end
            if end != 0 && cursor >= end { return }
        }
        record.touch(.M14)
        throw .badAddress
    }
}
