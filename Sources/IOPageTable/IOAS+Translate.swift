extension IOAS {
    /// The user memory behind `range`, one segment per area touched, for emulated DMA
    /// (iommufd `iopt_access_rw` / type1 `vfio_dma_rw`).
    /// - Throws: `.notMapped(firstHole)` if any byte is unmapped (checked first), then `.protectionViolation`
    ///   if an area lacks a permission in `access`.
    public func translate(_ range: IOVARange, access: IOMMUProtection) throws(IOPageTableError) -> [TranslationSegment] {
        let pieces = try coveringPieces(of: range)
        var segments: [TranslationSegment] = []
        segments.reserveCapacity(pieces.count)
        for (area, piece) in pieces {
            guard area.protection.isSuperset(of: access) else { throw .protectionViolation }
            // An area is at most 2^64-1 bytes long (map takes a 64-bit length), so a piece length fits.
            segments.append(TranslationSegment(iova: piece.start,
                                               vaddr: area.vaddr &+ (piece.start - area.range.start),
                                               length: piece.lengthMinusOne + 1,
                                               pid: area.pages.pid))
        }
        return segments
    }
}
