import Testing
@testable import IOPageTable

/// The B+-tree's one-descent paths: `seek`, `seekInsertionPoint`, `insert(_:at:)`, `remove(at:)`, and the
/// in-node key count.
@Suite struct AreaTreeCursorTests {
    static let sharedPages = Pages(source: processSource, pid: pid, vaddr: 0, length: page, writable: false)

    func area(_ slot: UInt64) -> Area {
        Area(range: range(slot * 0x2000, slot * 0x2000 + 0xFFF), pages: Self.sharedPages, pagesOffset: 0, protection: .read)
    }

    /// The two-step search (group leaders, then one group of eight) against a direct scan, at every count,
    /// for the given probes and for probes at, just below and just above every key, so each group boundary
    /// is crossed. Both key sets straddle the sign bit, so a signed comparison would misorder them: evenly
    /// spaced keys, and keys with random gaps.
    @Test func floorIndexCountsKeysAtOrBelow() {
        var rng = SplitMix64(seed: 9)
        var next: UInt64 = 1
        let gapped = (0..<64).map { _ -> UInt64 in
            defer { next += UInt64.random(in: 2...(1 << 58), using: &rng) }
            return next
        }
        let even = (0..<64).map { UInt64($0) * 0x0400_0000_0000_0000 + 7 }
        let fixedProbes: [UInt64] = [0, 6, 7, 8, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0007, .max]
        for sorted in [even, gapped] {
            let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
            defer { keys.deallocate() }
            keys.initialize(from: sorted, count: 64)
            for count in 0...64 {
                var probes = fixedProbes
                for index in 0..<count { probes += [keys[index] - 1, keys[index], keys[index] + 1] }
                for probe in probes {
                    let expected = (0..<count).last { keys[$0] <= probe } ?? -1
                    #expect(AreaTree.Node.floorIndex(keys, count, probe) == expected, "count \(count) probe \(probe)")
                }
            }
        }
    }

    /// `floorReaches` (the map's overlap check) answers from the leaf's widest-span bound when the floor
    /// starts further below than that, and reads the floor's last IOVA otherwise; both ways it must equal
    /// the exact check. The bound grows with each insertion and stays after the wide area goes.
    @Test func floorReachesMatchesTheExactCheckOnBothSidesOfTheWidestSpan() {
        var tree = AreaTree()
        func add(_ start: UInt64, _ length: UInt64) {
            tree.insert(Area(range: range(start, start + length - 1), pages: Self.sharedPages, pagesOffset: 0, protection: .read))
        }
        func check(_ label: String) {
            // New 1 KiB areas on a grid, and starting exactly one bound, and one byte more, past each area.
            var starts = Array(stride(from: UInt64(0), through: 0x4_0000, by: 0x400))
            for area in tree.allAreas() {
                for span in [page - 1, 0xFFFF] as [UInt64] { starts += [area.range.start + span, area.range.start + span + 1] }
            }
            for start in starts {
                let last = start + 0x3FF
                let exact = tree.floorRange(last).map { $0.last >= start } ?? false
                #expect(tree.seek(last).floorReaches(start) == exact, "\(label): new area at \(start)")
            }
        }
        add(0x1000, page)
        add(0x3000, page)
        add(0x8000, page)
        #expect(tree.root!.widestSpan == page - 1)
        check("4 KiB areas")
        add(0x1_0000, 0x1_0000)
        #expect(tree.root!.widestSpan == 0xFFFF)
        check("with a 64 KiB area")
        #expect(tree.remove(startingAt: 0x1_0000) != nil)
        #expect(tree.root!.widestSpan == 0xFFFF, "a removal does not lower the bound")
        check("after the 64 KiB area went")
        #expect(tree.structuralProblems().isEmpty)
        // A bound below an area's span would let the check miss an overlap: the invariants report it.
        tree.root!.widestSpan = page - 2
        #expect(tree.structuralProblems() == ["leaf area at 4096 wider than the leaf's bound 4094",
                                              "leaf area at 12288 wider than the leaf's bound 4094",
                                              "leaf area at 32768 wider than the leaf's bound 4094"])
    }

    @Test(arguments: [UInt64(3), 4])
    func cursorInsertAndRemoveMatchSortedArray(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var tree = AreaTree()
        var reference: [UInt64] = []  // sorted slots
        for step in 0..<30_000 {
            let slot = UInt64.random(in: 0..<8_000, using: &rng)
            // Seek the area's last IOVA, as map does, or its start, as unmap's floor of range.last does.
            let cursor = tree.seek(slot * 0x2000 + 0xFFF)
            // The insertion's descent, which also issues cache hints, takes the very same path.
            let insertion = tree.seekInsertionPoint(slot * 0x2000 + 0xFFF)
            #expect(insertion.depth == cursor.depth && (0..<cursor.depth).allSatisfy { insertion.index($0) == cursor.index($0) })
            let position = AreaTreeTests.lowerBound(reference, slot)
            let present = position < reference.count && reference[position] == slot
            let floorSlot = present ? slot : position > 0 ? reference[position - 1] : nil
            #expect(cursor.floorRange?.start == floorSlot.map { $0 * 0x2000 })
            if present {
                if step < 15_000 && Bool.random(using: &rng) { continue }
                #expect(tree.remove(at: cursor).range.start == slot * 0x2000)
                reference.remove(at: position)
            } else if step < 15_000 || Bool.random(using: &rng) {
                tree.insert(area(slot), at: insertion)
                reference.insert(slot, at: position)
            }
            if step % 3_000 == 0 {
                #expect(tree.structuralProblems().isEmpty, "step \(step): \(tree.structuralProblems())")
                #expect(tree.allAreas().map { $0.range.start / 0x2000 } == reference)
            }
        }
        #expect(tree.count == reference.count)
        #expect(tree.structuralProblems().isEmpty)
    }

    @Test func cursorMutationsCopyOnlyTheWrittenTree() {
        var original = AreaTree()
        for slot in 0..<5_000 as Range<UInt64> { original.insert(area(slot * 2)) }
        var copy = original
        copy.insert(area(1), at: copy.seek(0x2FFF))
        _ = copy.remove(at: copy.seek(9_998 * 0x2000))
        var third = original
        third.insert(area(UInt64(20_000)), at: third.seek(20_000 * 0x2000 + 0xFFF))
        #expect(original.count == 5_000 && copy.count == 5_000 && third.count == 5_001)
        #expect(original.floor(0x2FFF)?.range.start == 0)
        #expect(copy.floor(0x2FFF)?.range.start == 0x2000)
        #expect(original.floor(.max)?.range.start == 9_998 * 0x2000)
        #expect(copy.floor(.max)?.range.start == 9_996 * 0x2000)
        #expect(third.floor(.max)?.range.start == 20_000 * 0x2000)
        for tree in [original, copy, third] { #expect(tree.structuralProblems().isEmpty) }
    }

    @Test func emptyTreeCursorInsertsTheRoot() {
        var tree = AreaTree()
        let cursor = tree.seek(.max)
        #expect(cursor.depth == 0 && cursor.floorRange == nil && cursor.leafIndex == -1)
        tree.insert(area(5), at: cursor)
        #expect(tree.count == 1 && tree.floor(.max)?.range.start == 5 * 0x2000)
        #expect(tree.remove(at: tree.seek(5 * 0x2000)).range.start == 5 * 0x2000)
        #expect(tree.isEmpty && tree.structuralProblems().isEmpty)
    }
}
