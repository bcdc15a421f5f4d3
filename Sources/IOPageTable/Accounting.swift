/// Locked-memory charges of one IOAS and the area counts of shared `Pages`.
/// Mirrors type1's per-`vfio_dma` `locked_vm` charge and iommufd's `iopt_pages` refcount: a Pages object is
/// charged once when created and released when its last area goes. Counts are stored only for Pages backing
/// two or more areas, so a plain mapping costs no dictionary entry. Totals are 128-bit so they never wrap.
struct Accounting: Sendable {
    /// Per-source totals; a short array (one entry per mm or user that mapped here) beats hashing.
    private(set) var chargeList: [(source: AccountingSource, bytes: UInt128)] = []
    private(set) var total: UInt128 = 0
    /// Area count for Pages with more than one area; absent means exactly one.
    private(set) var sharedAreaCounts: [ObjectIdentifier: Int] = [:]

    var charges: [AccountingSource: UInt128] {
        Dictionary(uniqueKeysWithValues: chargeList.map { ($0.source, $0.bytes) })
    }

    func charged(to source: AccountingSource) -> UInt128 {
        for entry in chargeList where entry.source == source { return entry.bytes }
        return 0
    }

    /// Records a new Pages object backing one area.
    mutating func charge(_ pages: Pages) {
        let length = UInt128(pages.length)
        total += length
        for index in chargeList.indices where chargeList[index].source == pages.source {
            chargeList[index].bytes += length
            return
        }
        chargeList.append((pages.source, length))
    }

    /// Records one more area over `pages`, which already backs at least one.
    mutating func share(_ pages: Pages, extraAreas: Int = 1) {
        sharedAreaCounts[ObjectIdentifier(pages), default: 1] += extraAreas
    }

    /// Records that one area over `pages` went away; releases the charge when it was the last.
    mutating func release(_ pages: Pages) {
        if !sharedAreaCounts.isEmpty {
            let id = ObjectIdentifier(pages)
            if let areas = sharedAreaCounts[id] {
                sharedAreaCounts[id] = areas > 2 ? areas - 1 : nil
                return
            }
        }
        let length = UInt128(pages.length)
        total -= length
        for index in chargeList.indices where chargeList[index].source == pages.source {
            chargeList[index].bytes -= length
            if chargeList[index].bytes == 0 { chargeList.remove(at: index) }
            return
        }
        preconditionFailure("released pages that were never charged")
    }

    /// Number of areas over `pages`, assuming it backs at least one.
    func areaCount(of pages: Pages) -> Int { sharedAreaCounts[ObjectIdentifier(pages)] ?? 1 }

    mutating func removeAll() {
        chargeList = []
        total = 0
        sharedAreaCounts = [:]
    }
}

extension UInt128 {
    /// The value clamped into 64 bits.
    var saturatingUInt64: UInt64 { self > UInt128(UInt64.max) ? .max : UInt64(self) }
}
