/// Every way an engine operation can fail. Semantic, not errno: the compat layer maps each case to the errno
/// type1 or iommufd would return (e.g. `.overlapsExistingArea` is type1's EEXIST).
public enum IOPageTableError: Error, Hashable, Sendable {
    case zeroLength
    case overflow
    case misaligned
    case overlapsExistingArea
    case entryLimitReached
    case outsideUsableIOVA
    /// `wouldCharge` is the locked total (bytes charged elsewhere + in this IOAS + this request) that broke `limit`.
    case lockedMemoryLimitExceeded(limit: UInt64, wouldCharge: UInt64)
    /// The area that the requested range bisects (TYPE1v2 never splits a mapping).
    case wouldSplitArea(IOVARange)
    /// The first unmapped hole inside the requested range.
    case notMapped(IOVARange)
    case protectionViolation
    case pagesNotWritable
    case domainAlreadyAttached
    case domainNotAttached
    /// An existing area lies outside the new aperture, or the aperture is disjoint from the usable space.
    case apertureConflict
    case reservedRegionConflict(ReservedRegion)
    case noUsableIOVA
    case pageSizeTooLarge
}
