extension IOAS {
    /// Maps the memory behind `source` again at `destinationIOVA`, like IOMMU_IOAS_COPY within one IOAS.
    /// Every area (or part of one) under `source` gives one new area over the same `Pages`; nothing is
    /// charged twice. Checks: misaligned, overflow, notMapped(first hole in source), overlapsExistingArea,
    /// entryLimitReached (one entry per new area), outsideUsableIOVA, pagesNotWritable. All or nothing.
    @discardableResult
    public mutating func copy(from source: IOVARange, to destinationIOVA: UInt64,
                              protection: IOMMUProtection) throws(IOPageTableError) -> [Area] {
        let mask = iovaAlignment - 1
        guard (source.start | (source.last &+ 1) | destinationIOVA) & mask == 0 else { throw .misaligned }
        let (destinationLast, wrapped) = destinationIOVA.addingReportingOverflow(source.lengthMinusOne)
        guard !wrapped else { throw .overflow }
        let destination = IOVARange(start: destinationIOVA, last: destinationLast)
        // iommufd iopt_get_pages: the source must be wholly covered by areas (ENOENT)
        let pieces = try coveringPieces(of: source)
        guard !tree.overlapsArea(destination) else { throw .overlapsExistingArea }
        if let entryLimit, tree.count + pieces.count > entryLimit { throw .entryLimitReached }
        guard reserved.isUsable(destination) else { throw .outsideUsableIOVA }
        if protection.contains(.write), pieces.contains(where: { !$0.area.pages.writable }) {
            throw .pagesNotWritable
        }
        var created: [Area] = []
        created.reserveCapacity(pieces.count)
        for (area, piece) in pieces {
            let shift = piece.start - source.start
            let newArea = Area(range: IOVARange(start: destinationIOVA + shift, last: destinationIOVA + shift + piece.lengthMinusOne),
                               pages: area.pages,
                               pagesOffset: area.pagesOffset + (piece.start - area.range.start),
                               protection: protection)
            tree.insert(newArea)
            accounting.share(area.pages)
            created.append(newArea)
        }
        mappedBytes += source.exactLength
        return created
    }

    /// The areas under `range`, each with the part of it inside `range`, in order.
    /// - Throws: `.notMapped(hole)` naming the first unmapped stretch.
    func coveringPieces(of range: IOVARange) throws(IOPageTableError) -> [(area: Area, piece: IOVARange)] {
        var pieces: [(area: Area, piece: IOVARange)] = []
        var cursor: UInt64? = range.start  // first byte not yet covered; nil once past UInt64.max
        var hole: IOVARange? = nil
        let low = tree.floorRange(range.start)?.start ?? range.start
        tree.forEach(startingIn: low, through: range.last) { area in
            guard let next = cursor, area.range.last >= next else { return true }
            if area.range.start > next {
                hole = IOVARange(start: next, last: area.range.start - 1)
                return false
            }
            let piece = IOVARange(start: next, last: min(area.range.last, range.last))
            pieces.append((area, piece))
            cursor = piece.last == .max ? nil : piece.last + 1
            return true
        }
        if let hole { throw .notMapped(hole) }
        if let next = cursor, next <= range.last { throw .notMapped(IOVARange(start: next, last: range.last)) }
        return pieces
    }
}
