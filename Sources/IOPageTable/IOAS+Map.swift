extension IOAS {
    /// Maps `length` bytes of the caller's memory at `vaddr` to the fixed IOVA `iova`, charging them to
    /// `charge.source`. Mirrors type1 `vfio_dma_do_map` (TYPE1v2) and iommufd `iopt_map_user_pages`.
    /// Checks run in type1's order; the first failure wins and nothing changes. An empty `protection` is
    /// accepted (the compat layer decides whether flags == 0 is legal).
    @discardableResult
    public mutating func map(iova: UInt64, length: UInt64, vaddr: UInt64, pid: Int32,
                             protection: IOMMUProtection, charge: AccountingCharge) throws(IOPageTableError) -> Area {
        // type1: size == 0 and misalignment are both checked before the overflow check (vfio_dma_do_map)
        guard length > 0 else { throw .zeroLength }
        // type1: iova, vaddr and size must be multiples of the smallest page in pgsize_bitmap
        guard (iova | vaddr | length) & (iovaAlignment - 1) == 0 else { throw .misaligned }
        // type1 ≥ v6.18: check_add_overflow on iova and vaddr (EOVERFLOW); a map ending exactly at 2^64 is legal
        let (last, iovaWrapped) = iova.addingReportingOverflow(length - 1)
        let (_, vaddrWrapped) = vaddr.addingReportingOverflow(length - 1)
        guard !iovaWrapped, !vaddrWrapped else { throw .overflow }
        let range = IOVARange(start: iova, last: last)
        let cursor = try placement(of: range)
        // type1: vfio_lock_acct checks locked_vm + npage against RLIMIT_MEMLOCK unless CAP_IPC_LOCK
        if !charge.exempt, let limit = charge.limit {
            let wouldCharge = UInt128(charge.chargedElsewhere) + accounting.charged(to: charge.source) + UInt128(length)
            if wouldCharge > UInt128(limit) {
                throw .lockedMemoryLimitExceeded(limit: limit, wouldCharge: wouldCharge.saturatingUInt64)
            }
        }
        let pages = Pages(source: charge.source, pid: pid, vaddr: vaddr, length: length,
                          writable: protection.contains(.write))
        let area = Area(range: range, pages: pages, pagesOffset: 0, protection: protection)
        tree.insert(area, at: cursor)
        accounting.charge(pages)
        mappedBytes += UInt128(length)
        return area
    }

    /// Maps a new area over a slice of `pages`, which must already back an area of this IOAS (take it from
    /// `area(containing:)`); no new charge is made. Mirrors iommufd `iopt_map_pages` as used by IOAS_COPY.
    /// Checks: zeroLength, misaligned, overflow, overlapsExistingArea, entryLimitReached, outsideUsableIOVA,
    /// pagesNotWritable.
    /// - Precondition: `pagesOffset + length <= pages.length`, and `pages` backs an area here.
    @discardableResult
    public mutating func map(iova: UInt64, pages: Pages, pagesOffset: UInt64, length: UInt64,
                             protection: IOMMUProtection) throws(IOPageTableError) -> Area {
        guard length > 0 else { throw .zeroLength }
        precondition(pagesOffset <= pages.length && length <= pages.length - pagesOffset, "slice outside pages")
        // iommufd iopt_check_iova: iova and length aligned; iopt_alloc_area: the page offset too
        guard (iova | length | (pages.vaddr &+ pagesOffset)) & (iovaAlignment - 1) == 0 else { throw .misaligned }
        let (last, wrapped) = iova.addingReportingOverflow(length - 1)
        guard !wrapped else { throw .overflow }
        let range = IOVARange(start: iova, last: last)
        let cursor = try placement(of: range)
        // iommufd iopt_alloc_area_pages: IOMMU_WRITE on read-only pages is EPERM
        if protection.contains(.write), !pages.writable { throw .pagesNotWritable }
        assert(containsPagesSlowly(pages), "map(pages:) needs pages that already back an area of this IOAS")
        let area = Area(range: range, pages: pages, pagesOffset: pagesOffset, protection: protection)
        tree.insert(area, at: cursor)
        accounting.share(pages)
        mappedBytes += UInt128(length)
        return area
    }

    /// Where a new area over `range` goes, after the checks both maps make in type1's order: overlap,
    /// entry limit, usable IOVA. One descent serves the overlap check and the insertion: the last area
    /// starting at or below `range.last` is the only one that can overlap, and the new area goes right
    /// after it.
    @inline(__always)
    private func placement(of range: IOVARange) throws(IOPageTableError) -> AreaTree.Cursor {
        let cursor = tree.seekInsertionPoint(range.last)
        // type1: EEXIST is checked before ENOSPC (vfio_dma_do_map)
        if cursor.floorReaches(range.start) { throw .overlapsExistingArea }
        if let entryLimit, tree.count >= entryLimit { throw .entryLimitReached }
        // type1: vfio_iommu_iova_dma_valid — the whole range inside one valid IOVA range
        guard reserved.isUsable(range) else { throw .outsideUsableIOVA }
        return cursor
    }
}
