import CNodeArena
import Testing
@testable import IOPageTable

/// The B+-tree on its own, against a plain sorted array (two levels) and a set (three levels, where
/// internal nodes split, merge and are copied on write).
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

    /// Leaves and internal nodes split under an ascending fill, then random churn and a random drain
    /// refill, merge and collapse them, while two snapshots taken midway must keep their contents. Every
    /// node block the test allocated on its thread is given back once its trees are gone.
    @Test(arguments: [UInt64(21), 22])
    func deepTreeChurnMatchesASetAndFreesEveryNode(seed: UInt64) {
        let blocksBefore = iopt_node_thread_balance()
        do {
            var rng = SplitMix64(seed: seed)
            var tree = AreaTree()
            var reference = Set<UInt64>()
            // 40k full leaves' worth: 635 leaves, more than one internal node holds (255), so three levels.
            for slot in 0..<40_000 as Range<UInt64> { tree.insert(area(slot)); reference.insert(slot) }
            #expect(tree.height == 3)
            var snapshots: [(tree: AreaTree, slots: [UInt64])] = []
            var justSnapshotted = false
            for step in 0..<60_000 {
                let slot = UInt64.random(in: 0..<60_000, using: &rng)
                let countBefore = tree.count
                if Bool.random(using: &rng) {
                    if !reference.contains(slot) { tree.insert(area(slot)); reference.insert(slot) }
                } else {
                    let removed = tree.remove(startingAt: slot * 0x2000)
                    #expect((removed != nil) == reference.contains(slot), "step \(step) slot \(slot)")
                    reference.remove(slot)
                }
                // The first write after a snapshot copies the root and one path; the rest stays shared.
                if justSnapshotted && tree.count != countBefore {
                    #expect(tree.sharedNodeCount() > 0)
                    justSnapshotted = false
                }
                if step == 15_000 || step == 35_000 {
                    snapshots.append((tree, reference.sorted()))
                    #expect(tree.sharedNodeCount() == 0)  // all shared through the root box
                    justSnapshotted = true
                }
                if step % 10_000 == 9_999 {
                    #expect(tree.structuralProblems().isEmpty, "step \(step): \(tree.structuralProblems())")
                    #expect(tree.allAreas().map { $0.range.start / 0x2000 } == reference.sorted())
                }
            }
            #expect(tree.height == 3)
            var order = Array(reference)
            order.shuffle(using: &rng)
            var heights = Set<Int>()
            for (index, slot) in order.enumerated() {
                #expect(tree.remove(startingAt: slot * 0x2000) != nil)
                heights.insert(tree.height)
                if index == order.count / 2 || index == order.count - 100 {
                    #expect(tree.structuralProblems().isEmpty, "\(tree.structuralProblems())")
                    #expect(tree.allAreas().count == order.count - index - 1)
                }
            }
            // The root collapsed twice on the way down: once its internal children merged, once its leaves did.
            #expect(heights == [3, 2, 1, 0])
            #expect(tree.isEmpty)
            for snapshot in snapshots {
                #expect(snapshot.tree.structuralProblems().isEmpty)
                #expect(snapshot.tree.allAreas().map { $0.range.start / 0x2000 } == snapshot.slots)
            }
            snapshots.removeFirst()
            #expect(snapshots[0].tree.sharedNodeCount() == 0)  // its only sharer, the tree, is now empty
        }
        #expect(iopt_node_thread_balance() == blocksBefore)
    }

    @Test func copiesShareUntilWritten() {
        var a = AreaTree()
        for slot in 0..<3_000 as Range<UInt64> { a.insert(area(slot)) }
        var b = a
        b.insert(area(5_000))
        // `b` copied the root and the last leaf; every other leaf is held by both roots.
        #expect(a.sharedNodeCount() == a.root!.count - 1)
        for slot in 0..<1_500 as Range<UInt64> { b.remove(startingAt: slot * 0x4000) }
        #expect(a.count == 3_000)
        #expect(b.count == 3_000 - 1_500 + 1)
        #expect(a.structuralProblems().isEmpty && b.structuralProblems().isEmpty)
        #expect(a.floor(0)?.range.start == 0)
        #expect(b.floor(0x1FFF) == nil)
        #expect(a.floor(5_000 * 0x2000)?.range.start == 2_999 * 0x2000)
        #expect(a.sharedNodeCount() == 0)  // every leaf of `a` was written in `b`, so copied there
        let blocksWithBoth = iopt_node_thread_balance()
        b = AreaTree()
        // Dropping `b` frees the nodes it had copied (a root and 48 leaves, less any it merged away).
        #expect(iopt_node_thread_balance() < blocksWithBoth)
        #expect(a.structuralProblems().isEmpty && a.count == 3_000)
    }
}
