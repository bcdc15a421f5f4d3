extension IOAS {
    /// Removes every area wholly inside `range` and returns the bytes removed (0 when none; saturating).
    /// TYPE1v2: when an area straddles `range.start` or `range.last`, throws `.wouldSplitArea(thatArea)` and
    /// removes nothing (type1 `vfio_dma_do_unmap`; iommufd `iopt_unmap_iova_range` gives ENOENT).
    @discardableResult
    public mutating func unmap(_ range: IOVARange) throws(IOPageTableError) -> UInt64 {
        // type1 v2: a mapping containing iova must start at iova — checked before anything is touched
        if let head = tree.floor(range.start), head.range.start < range.start, head.range.last >= range.start {
            throw .wouldSplitArea(head.range)
        }
        // type1 v2: a mapping containing iova + size - 1 must end there
        if let tail = tree.floor(range.last), tail.range.last > range.last {
            throw .wouldSplitArea(tail.range)
        }
        var doomed: [UInt64] = []
        tree.forEach(startingIn: range.start, through: range.last) { area in
            doomed.append(area.range.start)
            return true
        }
        var removed: UInt128 = 0
        for start in doomed {
            guard let area = tree.remove(startingAt: start) else { preconditionFailure("area vanished") }
            accounting.release(area.pages)
            removed += area.range.exactLength
        }
        mappedBytes -= removed
        return removed.saturatingUInt64
    }

    /// Removes every area and releases every charge; returns the bytes removed (saturating at UInt64.max).
    /// Mirrors type1 VFIO_DMA_UNMAP_FLAG_ALL and iommufd `iopt_unmap_all`.
    @discardableResult
    public mutating func unmapAll() -> UInt64 {
        let removed = mappedBytes
        tree.removeAll()
        accounting.removeAll()
        mappedBytes = 0
        return removed.saturatingUInt64
    }
}
