import Testing
@testable import IOPageTable

/// The B+-tree on its own, grown to three levels, against a plain sorted array.
@Suite struct AreaTreeTests {
    static let sharedPages = Pages(source: processSource, pid: pid, vaddr: 0, length: page, writable: false)

    func area(_ slot: UInt64) -> Area {
        Area(range: range(slot * 0x2000, slot * 0x2000 + 0xFFF), pages: Self.sharedPages, pagesOffset: 0, protection: .read)
    }

    /// First index whose slot is >= `slot`.
    static func lowerBound(_ sorted: [UInt64], _ slot: UInt64) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < slot { low = mid + 1 } else { high = mid }
        }
        return low
    }

    @Test(arguments: [UInt64(7), 8])
    func randomInsertRemoveMatchesSortedArray(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var tree = AreaTree()
        var reference: [UInt64] = []  // sorted slots
        for step in 0..<40_000 {
            let slot = UInt64.random(in: 0..<12_000, using: &rng)
            let insertBias = step < 20_000 ? 3 : 1  // grow first, then shrink
            let position = Self.lowerBound(reference, slot)
            let present = position < reference.count && reference[position] == slot
            if Int.random(in: 0...insertBias, using: &rng) > 0 {
                if !present {
                    tree.insert(area(slot))
                    reference.insert(slot, at: position)
                }
            } else {
                let removed = tree.remove(startingAt: slot * 0x2000)
                #expect((removed != nil) == present)
                if present { reference.remove(at: position) }
            }
            if step % 5000 == 0 || step == 39_999 {
                #expect(tree.structuralProblems().isEmpty, "step \(step): \(tree.structuralProblems())")
                #expect(tree.allAreas().map { $0.range.start / 0x2000 } == reference)
                #expect(Array(AreaSequence(tree: tree)).count == reference.count)
            }
            let probe = UInt64.random(in: 0..<12_000 * 0x2000, using: &rng)
            let above = Self.lowerBound(reference, probe / 0x2000 + 1)
            let floorSlot = above > 0 ? reference[above - 1] : nil
            #expect(tree.floor(probe)?.range.start == floorSlot.map { $0 * 0x2000 })
        }
        #expect(tree.count == reference.count)
        #expect(tree.first?.range.start == reference.first.map { $0 * 0x2000 })
        #expect(tree.last?.range.start == reference.last.map { $0 * 0x2000 })
    }

    @Test func ascendingFillPacksLeavesAndDrainsCleanly() {
        var tree = AreaTree()
        for slot in 0..<10_000 as Range<UInt64> { tree.insert(area(slot)) }
        #expect(tree.structuralProblems().isEmpty)
        #expect(tree.count == 10_000)
        var visited = 0
        tree.forEach(startingIn: 0x2000 * 100, through: 0x2000 * 199) { _ in visited += 1; return true }
        #expect(visited == 100)
        for slot in stride(from: 9_999, through: 0, by: -1) as StrideThrough<UInt64> {
            #expect(tree.remove(startingAt: slot * 0x2000) != nil)
        }
        #expect(tree.isEmpty && tree.structuralProblems().isEmpty)
        #expect(tree.floor(.max) == nil)
    }

    @Test func copiesShareUntilWritten() {
        var a = AreaTree()
        for slot in 0..<3_000 as Range<UInt64> { a.insert(area(slot)) }
        var b = a
        for slot in 0..<1_500 as Range<UInt64> { b.remove(startingAt: slot * 0x4000) }
        b.insert(area(5_000))
        #expect(a.count == 3_000)
        #expect(b.count == 3_000 - 1_500 + 1)
        #expect(a.structuralProblems().isEmpty && b.structuralProblems().isEmpty)
        #expect(a.floor(0)?.range.start == 0)
        #expect(b.floor(0x1FFF) == nil)
        #expect(a.floor(5_000 * 0x2000)?.range.start == 2_999 * 0x2000)
    }
}
