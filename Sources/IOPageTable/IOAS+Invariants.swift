extension IOAS {
    /// Every broken invariant, described; empty when the IOAS is consistent. O(n): for tests and debugging.
    /// Checks the tree's shape, that areas are ordered and disjoint, that each lies in the usable space and
    /// inside its pages, and that charges and shared-area counts equal what the areas imply.
    public func checkInvariants() -> [String] {
        var problems = tree.structuralProblems()
        var previous: Area? = nil
        var areasPerPages: [ObjectIdentifier: (pages: Pages, count: Int)] = [:]
        var mapped: UInt128 = 0
        var visited = 0
        for area in areas {
            visited += 1
            if let previous, previous.range.last >= area.range.start {
                problems.append("areas \(previous.range) and \(area.range) overlap or are out of order")
            }
            if !reserved.isUsable(area.range) { problems.append("area \(area.range) outside the usable IOVA space") }
            let pages = area.pages
            if area.pagesOffset > pages.length || area.range.lengthMinusOne >= pages.length - area.pagesOffset {
                problems.append("area \(area.range) runs past its pages")
            }
            if area.protection.contains(.write), !pages.writable {
                problems.append("writable area \(area.range) over read-only pages")
            }
            areasPerPages[ObjectIdentifier(pages), default: (pages, 0)].count += 1
            mapped += area.range.exactLength
            previous = area
        }
        if visited != tree.count { problems.append("iterated \(visited) areas, count says \(tree.count)") }
        if mapped != mappedBytes { problems.append("mapped bytes \(mappedBytes), areas sum to \(mapped)") }
        var expected: [AccountingSource: UInt128] = [:]
        for (id, entry) in areasPerPages {
            expected[entry.pages.source, default: 0] += UInt128(entry.pages.length)
            let stored = accounting.sharedAreaCounts[id]
            if entry.count > 1 ? stored != entry.count : stored != nil {
                problems.append("pages at 0x\(String(entry.pages.vaddr, radix: 16)) back \(entry.count) areas, count says \(stored ?? 1)")
            }
        }
        for id in accounting.sharedAreaCounts.keys where areasPerPages[id] == nil {
            problems.append("shared count kept for pages no area uses")
        }
        if expected != accounting.charges {
            problems.append("charges \(accounting.charges) differ from the sum over distinct pages \(expected)")
        }
        if accounting.total != expected.values.reduce(0, +) { problems.append("total charge \(accounting.total) is wrong") }
        if pageSizeBitmap != PageSizes.combined(domains, hostPageSize: hostPageSize) {
            problems.append("cached page-size bitmap is stale")
        }
        return problems
    }
}
