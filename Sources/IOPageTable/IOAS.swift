/// An I/O address space: the areas mapped into it, the reserved and usable IOVA ranges left by the domains
/// attached to it, and the locked-memory charges of its pages. Mirrors iommufd's `struct io_pagetable`,
/// restricted to TYPE1v2 (an unmap never splits an area). A value type; every part is copy-on-write, and a
/// failed operation leaves the value exactly as it was.
public struct IOAS: Sendable {
    /// type1's `dma_entry_limit` module parameter default (CVE-2019-3882).
    public static let defaultEntryLimit = 65535

    /// The CPU page size: pinning granularity, and the page advertised in place of smaller IOMMU pages.
    public let hostPageSize: UInt64
    /// Maximum number of areas (type1 `dma_avail`); nil for no limit, as iommufd has none.
    public var entryLimit: Int?

    var tree = AreaTree()
    var reserved = ReservedRanges()
    var domains: [Domain] = []
    var accounting = Accounting()
    /// Sum of all area lengths (128-bit: disjoint areas can cover exactly 2^64 bytes).
    var mappedBytes: UInt128 = 0
    /// Cached `PageSizes.combined(domains)`.
    public internal(set) var pageSizeBitmap: UInt64

    /// - Precondition: `hostPageSize` is a power of two.
    public init(hostPageSize: UInt64 = 4096, entryLimit: Int? = IOAS.defaultEntryLimit) {
        precondition(hostPageSize != 0 && hostPageSize & (hostPageSize - 1) == 0, "host page size must be a power of two")
        self.hostPageSize = hostPageSize
        self.entryLimit = entryLimit
        self.pageSizeBitmap = PageSizes.combined([], hostPageSize: hostPageSize)
    }

    // MARK: Areas

    public var areaCount: Int { tree.count }

    /// Every area in IOVA order, without copying them out.
    public var areas: AreaSequence { AreaSequence(tree: tree) }

    /// Every area in IOVA order.
    public func allAreas() -> [Area] { tree.allAreas() }

    /// The areas that share at least one byte with `range`, in order. O(log n + k).
    public func areas(overlapping range: IOVARange) -> [Area] {
        var result: [Area] = []
        let low = tree.floorRange(range.start)?.start ?? range.start
        tree.forEach(startingIn: low, through: range.last) { area in
            if area.range.overlaps(range) { result.append(area) }
            return true
        }
        return result
    }

    /// The area holding `iova`, if any. O(log n).
    public func area(containing iova: UInt64) -> Area? {
        guard let area = tree.floor(iova), area.range.contains(iova) else { return nil }
        return area
    }

    // MARK: IOVA space

    public var attachedDomains: [Domain] { domains }

    /// Granularity of map and unmap: the smallest page in `pageSizeBitmap` (the host page if it is empty).
    public var iovaAlignment: UInt64 { PageSizes.smallest(pageSizeBitmap) ?? hostPageSize }

    /// The usable IOVA ranges (holes of the reserved set), sorted with inclusive ends; `[0, UInt64.max]` while
    /// no domain is attached. What type1 reports in VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE.
    public func iovaRanges() -> [IOVARange] { reserved.usable }

    /// True when `range` lies wholly inside one usable range.
    public func isUsable(_ range: IOVARange) -> Bool { reserved.isUsable(range) }

    /// Every reserved range with its owner, sorted by start (they may overlap one another).
    public var reservedRanges: [(range: IOVARange, owner: ReservedOwner)] {
        reserved.entries.map { (range: $0.range, owner: $0.owner) }
    }

    // MARK: Accounting

    /// Bytes of locked memory this IOAS charges to `source` (saturating at UInt64.max).
    public func charged(to source: AccountingSource) -> UInt64 {
        accounting.charged(to: source).saturatingUInt64
    }

    /// Bytes of locked memory this IOAS charges in all (saturating at UInt64.max).
    public var totalCharged: UInt64 { accounting.total.saturatingUInt64 }

    /// Linear scan, for debug assertions only.
    func containsPagesSlowly(_ pages: Pages) -> Bool {
        var found = false
        tree.forEach(startingIn: 0, through: .max) { area in
            found = area.pages === pages
            return !found
        }
        return found
    }
}

/// The areas of an IOAS in IOVA order, walked in place.
public struct AreaSequence: Sequence, Sendable {
    let tree: AreaTree

    public func makeIterator() -> AreaIterator { AreaIterator(tree) }

    public var underestimatedCount: Int { tree.count }
}
