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
            // A VADDR map naming exactly an existing mapping is the CPR post-load remap (QEMU cpr-legacy.c).
            let exact = (try? IOVARange.checked(start: map.iova, length: map.size)).map { range in
                containers[id]!.ioas.areas(overlapping: range).contains { $0.range == range }
            } ?? false
            if exact {
                record.touch(.M17)
                record.unsupported(.B10, "live update (CPR) through VFIO_DMA_MAP_FLAG_VADDR is not emulated; iommufd uses IOMMU_IOAS_MAP_FILE + IOMMU_IOAS_CHANGE_PROCESS")
            } else {
                record.unsupported(.M17, "VFIO_DMA_MAP_FLAG_VADDR (re-attach a vaddr after live update) is not emulated; iommufd uses IOMMU_IOAS_CHANGE_PROCESS")
            }
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
            guard containers[id]!.compatIOASAllocated else {
                record.diverge(.C11, type1: .error(.invalidArgument), iommufd: .error(.noSuchDevice))
                throw .noSuchDevice
            }
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
            // Every vfio_dma is charged in full, also for a vaddr another mapping already pins.
            record.touch(.M20)
            // type1 charges mm->locked_vm; iommufd serving /dev/vfio/vfio uses MM mode too, /dev/iommu per user.
            record.diverge(.B06, type1: .text("ENOMEM(12): mm->locked_vm over RLIMIT_MEMLOCK"),
                           iommufd: .text("ENOMEM(12) at device open (MM mode; per-user locked_vm through /dev/iommu)"))
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
        if area.range.last == .max { record.touch(.M09) }  // ends exactly at 2^64 (handled since v6.18, ef270ec44637)
        if charge.chargedElsewhere > 0 { record.touch(.B06) }
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
            noteMisaligned(&record); throw .invalidArgument
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

    /// type1 aligns to the smallest IOMMU page; compat to iova_alignment, which is 1 until a
    /// device is opened. The emulator attaches at SET_CONTAINER, so both answer EINVAL here.
    private func noteMisaligned(_ record: inout CallRecord) {
        record.diverge(.M07, type1: .error(.invalidArgument),
                       iommufd: .text("EINVAL(22) once a device is open; accepted before (iova_alignment 1)"))
    }

    private func mapErrno(_ error: IOPageTableError, record: inout CallRecord) -> Errno {
        switch error {
        case .zeroLength: record.touch(.M06); return .invalidArgument
        case .misaligned: noteMisaligned(&record); return .invalidArgument
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
                // A range wholly inside one device mapping is a BAR map (QEMU's ram_device sections): P2P, M-15.
                // One that runs into a device mapping from ordinary memory is found by the same scan: M-22.
                let wholeBAR = m.start <= map.vaddr && (end == 0 ? m.end == 0 : m.end >= end)
                let why = "vaddr lies in a device mapping of the caller (\(m.name ?? "VM_PFNMAP")): peer-to-peer DMA to a BAR is not emulated; iommufd needs a DMABUF (IOMMU_IOAS_MAP_FILE)"
                record.touch(wholeBAR ? .M22 : .M15)
                record.unsupported(wholeBAR ? .M15 : .M22, why)
                throw .badAddress
            }
            guard m.start <= cursor, m.end > cursor else { break }
            guard m.readable else { noteFault(.M14, &record); throw .badAddress }
            if writable && !m.writable { noteFault(.M16, &record); throw .badAddress }
            cursor = m.end
            if end != 0 && cursor >= end { return }
        }
        noteFault(.M14, &record)
        throw .badAddress
    }

    /// A vaddr fault at MAP: type1 pins now; compat pins only when a device's domain is filled.
    private func noteFault(_ row: MatrixRowID, _ record: inout CallRecord) {
        record.touch(row)
        record.diverge(.M23, type1: .error(.badAddress), iommufd: .text("EFAULT(14) at device open (MAP pins nothing before)"))
    }
}
