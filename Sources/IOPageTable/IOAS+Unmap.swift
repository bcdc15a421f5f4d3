extension IOAS {
    /// Removes every area wholly inside `range` and returns the bytes removed (0 when none; saturating).
    /// TYPE1v2: when an area straddles `range.start` or `range.last`, throws `.wouldSplitArea(thatArea)` and
    /// removes nothing (type1 `vfio_dma_do_unmap`; iommufd `iopt_unmap_iova_range` gives ENOENT).
    @discardableResult
    public mutating func unmap(_ range: IOVARange) throws(IOPageTableError) -> UInt64 {
        // The last area starting at or below range.last; when none does, nothing can be inside.
        var cursor = tree.seek(range.last)
        guard let tail = cursor.floorRange else { return 0 }
        // The area holding range.start, if any: the same one when tail starts at or below range.start.
        let head = tail.start <= range.start ? tail : tree.floorRange(range.start)
        // type1 v2: a mapping containing iova must start at iova — checked before anything is touched
        if let head, head.start < range.start, head.last >= range.start { throw .wouldSplitArea(head) }
        // type1 v2: a mapping containing iova + size - 1 must end there
        if tail.last > range.last { throw .wouldSplitArea(tail) }
        // Every area starting inside the range now ends inside it: take them from the top down, the first
        // straight from the descent that found it.
        var removed: UInt128 = 0
        var found = tail
        while found.start >= range.start {
            let area = tree.remove(at: cursor)
            accounting.release(area.pages)
            removed += area.range.exactLength
            if found.start == range.start { break }
            cursor = tree.seek(found.start - 1)
            guard let next = cursor.floorRange else { break }
            found = next
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
