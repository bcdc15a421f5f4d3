import IOPageTable

extension DispatcherState {
    /// `VFIO_IOMMU_UNMAP_DMA`: type1 `vfio_iommu_type1_unmap_dma` with v2
    /// semantics (the no-bisect rule is checked before anything changes, and
    /// `.size` is written back only on success), or compat
    /// `iommufd_vfio_unmap_dma` → `iopt_unmap_iova_range` (ENOENT on a
    /// bisected area after earlier whole areas went, `.size` written back on error).
    mutating func unmapDMA(_ id: UInt32, _ argument: UInt64, caller: any CallerContext,
                           record: inout CallRecord) throws(Errno) -> Int32 {
        var unmap = VFIODMAUnmap(bytes: try caller.memory.read(at: argument, count: VFIODMAUnmap.minimumSize))
        record.args = ["argsz": .uint(UInt64(unmap.argsz)), "flags": .uint(UInt64(unmap.flags.rawValue)),
                       "iova": .uint(unmap.iova), "size": .uint(unmap.size)]
        guard Int(unmap.argsz) >= VFIODMAUnmap.minimumSize, unmap.flags.isSubset(of: .known) else {
            record.touch(.U08); throw .invalidArgument
        }
        if unmap.flags.contains(.getDirtyBitmap) {
            if !unmap.flags.isDisjoint(with: [.all, .vaddr]) && profile == .type1 {
                record.touch(.U14); throw .invalidArgument
            }
            record.unsupported(.U13, "VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP: dirty tracking is not emulated (type1 also answers EINVAL while tracking is off)")
            throw .invalidArgument
        }
        if unmap.flags.contains(.vaddr) {
            let row: MatrixRowID = unmap.flags.contains(.all) ? .U12 : .U11
            record.unsupported(row, "VFIO_DMA_UNMAP_FLAG_VADDR (invalidate vaddrs for live update) is not emulated; QEMU then blocks CPR instead of failing")
            throw .invalidArgument
        }
        let unmapped: UInt64
        switch profile {
        case .type1: unmapped = try unmapType1(id, unmap, record: &record)
        case .iommufd: unmapped = try unmapCompat(id, &unmap, argument, caller: caller, record: &record)
        }
        unmap.size = unmapped
        try caller.memory.write(unmap.bytes, at: argument)
        return 0
    }

    private mutating func unmapType1(_ id: UInt32, _ unmap: VFIODMAUnmap, record: inout CallRecord) throws(Errno) -> UInt64 {
        // No local copy of the IOAS: holding one would make the unmap below copy the whole area tree.
        let pgsize = containers[id]!.ioas.iovaAlignment
        guard unmap.iova % pgsize == 0 else {
            record.diverge(.U07, type1: .error(.invalidArgument), iommufd: .text("not checked (ENOENT or success)"))
            throw .invalidArgument
        }
        if unmap.flags.contains(.all) {
            // UNMAP_ALL takes iova = size = 0 and means the whole space.
            guard unmap.iova == 0, unmap.size == 0 else { record.touch(.U10); throw .invalidArgument }
            record.touch(.U09)
            let bytes = containers[id]!.ioas.unmapAll()
            record.op("IOMMU_IOAS_UNMAP", ["iova": .uint(0), "length": .uint(UInt64.max), "unmapped": .uint(bytes)])
            return bytes
        }
        guard unmap.size != 0 else {
            record.diverge(.U15, type1: .text("EINVAL(22), size not written"), iommufd: .text("EINVAL(22), size 0 written"))
            throw .invalidArgument
        }
        guard unmap.size % pgsize == 0 else {
            record.diverge(.U07, type1: .error(.invalidArgument), iommufd: .text("not checked (ENOENT or success)"))
            throw .invalidArgument
        }
        let range: IOVARange
        do { range = try IOVARange.checked(start: unmap.iova, length: unmap.size) } catch {
            record.touch(.U16); throw .overflow  // EOVERFLOW since v6.18
        }
        let areas = containers[id]!.ioas.areas(overlapping: range)
        do {
            let bytes = try containers[id]!.ioas.unmap(range)
            record.touch(areas.isEmpty ? .U03 : areas.count == 1 ? .U01 : .U02)
            record.op("IOMMU_IOAS_UNMAP", ["iova": .uint(unmap.iova), "length": .uint(unmap.size), "unmapped": .uint(bytes)])
            return bytes
        } catch .wouldSplitArea(let bisected) {
            noteBisection(range, bisected, areas: areas, v1: containers[id]!.iommuType == .type1, record: &record)
            throw .invalidArgument
        } catch {
            throw .invalidArgument
        }
    }

    /// Records a v2 bisection: what compat would have done, and for a v1
    /// container what v1 would have done instead (not emulated).
    private func noteBisection(_ range: IOVARange, _ bisected: IOVARange, areas: [Area], v1: Bool, record: inout CallRecord) {
        let first = bisected.start < range.start
        // compat walks in IOVA order: whole areas before the bisected one are already gone.
        let removedFirst = areas.prefix { $0.range.start >= range.start && $0.range.last <= range.last && $0.range.start < bisected.start }
        let partial = removedFirst.reduce(UInt64(0)) { $0 &+ $1.range.lengthMinusOne &+ 1 }
        record.diverge(first ? .U04 : .U05, type1: .error(.invalidArgument),
                       iommufd: .text(first ? "ENOENT(2), nothing unmapped" : "ENOENT(2) after unmapping \(partial) bytes"))
        if v1 {
            let keepDivergence = record.divergence
            if first {
                record.unsupported(.U06, "TYPE1 (v1) would succeed with size 0 when starting inside a mapping; served with v2's EINVAL")
            } else {
                record.unsupported(.U18, "TYPE1 (v1) would remove the whole mapping running past the end; served with v2's EINVAL")
            }
            record.divergence = keepDivergence
        }
    }

    /// Compat unmap. `.size` is written back on the errors compat writes it on.
    private mutating func unmapCompat(_ id: UInt32, _ unmap: inout VFIODMAUnmap, _ argument: UInt64,
                                      caller: any CallerContext, record: inout CallRecord) throws(Errno) -> UInt64 {
        guard containers[id]!.compatIOASAllocated else { throw .noSuchDevice }
        if unmap.flags.contains(.all) {
            guard unmap.iova == 0, unmap.size == 0 else { record.touch(.U10); throw .invalidArgument }
            record.touch(.U09)
            let bytes = containers[id]!.ioas.unmapAll()
            record.op("IOMMU_IOAS_UNMAP", ["iova": .uint(0), "length": .uint(UInt64.max), "unmapped": .uint(bytes)])
            return bytes
        }
        // From here on compat writes `.size` back even when it fails.
        func fail(_ errno: Errno, unmapped: UInt64) throws(Errno) -> Never {
            unmap.size = unmapped
            try caller.memory.write(unmap.bytes, at: argument)
            throw errno
        }
        let pgsize = containers[id]!.ioas.iovaAlignment
        if unmap.iova % pgsize != 0 || unmap.size % pgsize != 0 {
            record.diverge(.U07, type1: .error(.invalidArgument), iommufd: .text("not checked"))
        }
        guard unmap.size != 0 else { record.diverge(.U15, type1: .text("size not written"), iommufd: .text("size 0 written")); try fail(.invalidArgument, unmapped: 0) }
        guard let range = try? IOVARange.checked(start: unmap.iova, length: unmap.size) else {
            record.touch(.U16)
            record.diverge(.U15, type1: .text("size not written"), iommufd: .text("size 0 written"))
            try fail(.overflow, unmapped: 0)
        }
        var removed: UInt64 = 0
        let areas = containers[id]!.ioas.areas(overlapping: range)
        for area in areas {
            guard range.contains(area.range) else {
                let first = removed == 0 && area.range.start < range.start
                record.diverge(first ? .U04 : .U05, type1: .error(.invalidArgument),
                               iommufd: .text("ENOENT(2) after unmapping \(removed) bytes"))
                record.touch(.U15)
                if removed > 0 {
                    record.op("IOMMU_IOAS_UNMAP", ["iova": .uint(unmap.iova), "length": .uint(unmap.size), "unmapped": .uint(removed)])
                }
                try fail(.noSuchEntry, unmapped: removed)
            }
            let bytes = (try? containers[id]!.ioas.unmap(area.range)) ?? 0
            removed &+= bytes
        }
        record.touch(areas.isEmpty ? .U03 : areas.count == 1 ? .U01 : .U02)
        record.op("IOMMU_IOAS_UNMAP", ["iova": .uint(unmap.iova), "length": .uint(unmap.size), "unmapped": .uint(removed)])
        return removed
    }
}
