/// The reserved IOVA set and the usable holes between its members. Mirrors iommufd's `reserved_itree`
/// (each range has an owner) and type1's valid `iova_list`. Small (tens of ranges), so sorted arrays.
struct ReservedRanges: Sendable {
    struct Entry: Hashable, Sendable {
        var range: IOVARange
        var owner: ReservedOwner
    }

    /// Sorted by start; members may overlap one another (two domains can reserve the same MSI window).
    private(set) var entries: [Entry] = []
    /// The complement of the union of `entries`: disjoint, sorted, inclusive ends.
    private(set) var usable: [IOVARange] = [IOVARange(start: 0, last: .max)]

    /// The set with `added` reserved too (nothing is stored until the caller assigns it).
    func adding(_ added: [Entry]) -> ReservedRanges {
        var copy = self
        copy.entries.append(contentsOf: added)
        copy.entries.sort { ($0.range.start, $0.range.last) < ($1.range.start, $1.range.last) }
        copy.usable = Self.holes(of: copy.entries)
        return copy
    }

    /// The set without any range owned by `domain`.
    func removing(ownedBy domain: DomainID) -> ReservedRanges {
        var copy = self
        copy.entries.removeAll { $0.owner.domain == domain }
        copy.usable = Self.holes(of: copy.entries)
        return copy
    }

    /// True when `range` lies wholly inside one usable hole. O(log r).
    func isUsable(_ range: IOVARange) -> Bool {
        var low = 0
        var high = usable.count
        while low < high {
            let mid = (low + high) / 2
            if usable[mid].start <= range.start { low = mid + 1 } else { high = mid }
        }
        return low > 0 && usable[low - 1].contains(range)
    }

    /// The gaps between sorted, possibly overlapping reserved ranges.
    private static func holes(of entries: [Entry]) -> [IOVARange] {
        var holes: [IOVARange] = []
        var next: UInt64? = 0  // first IOVA not yet known to be reserved; nil once past UInt64.max
        for entry in entries {
            guard let cursor = next else { break }
            if entry.range.start > cursor {
                holes.append(IOVARange(start: cursor, last: entry.range.start - 1))
            }
            if entry.range.last == .max {
                next = nil
            } else {
                next = max(cursor, entry.range.last + 1)
            }
        }
        if let cursor = next { holes.append(IOVARange(start: cursor, last: .max)) }
        return holes
    }
}
