import Testing
@testable import IOPageTable

/// Leaf layout: starts alone in the searched keys, the rest of each area in a fixed slot named by a slot
/// map, and an over-full leaf handing an entry to a sibling before it splits.
@Suite struct AreaTreeLeafTests {
    /// An area whose every field depends on `slot`, so a mixed-up slot or a stale last IOVA shows.
    static func area(_ slot: UInt64, pages: [Pages]) -> Area {
        let length = (slot % 3 + 1) * 0x1000
        return Area(range: range(slot * 0x4000, slot * 0x4000 + length - 1), pages: pages[Int(slot % 5)],
                    pagesOffset: (slot % 7) * 0x1000, protection: slot % 2 == 0 ? .read : [.read, .write])
    }

    @Test func keysHoldStartsAloneAndSlotsHoldTheRest() {
        let pages = (0..<5).map { Pages(source: processSource, pid: pid, vaddr: UInt64($0) << 30, length: 1 << 30, writable: true) }
        var tree = AreaTree()
        let slots: [UInt64] = [9, 3, 7, 1, 5]
        for slot in slots { tree.insert(Self.area(slot, pages: pages)) }
        let leaf = tree.root!
        let sorted = slots.sorted().map { Self.area($0, pages: pages) }
        // The search scans `keys` alone: no last IOVA may sit among them.
        #expect((0..<leaf.count).map { leaf.keys[$0] } == sorted.map(\.range.start))
        // Each slot keeps the last IOVA with the pages, in the slot the entry was stored in (insertion order).
        #expect((0..<leaf.count).map { Int(leaf.slotMap[$0]) } == [3, 1, 4, 2, 0])
        #expect((0..<leaf.count).map { leaf.payloads[Int(leaf.slotMap[$0])].last } == sorted.map(\.range.last))
        #expect((0..<leaf.count).map { leaf.range($0) } == sorted.map(\.range))
        #expect((0..<leaf.count).map { leaf.area($0) } == sorted)
        #expect(leaf.floorIndex(Self.area(5, pages: pages).range.last) == 2)
    }

    /// Leaf sizes left to right, for a tree whose root is the parent of every leaf.
    static func leafCounts(_ tree: AreaTree) -> [Int] {
        let root = tree.root!
        return (0..<root.count).map { root.children[$0].count }
    }

    /// Three full leaves from an ascending fill of slots 0, 2, 4, ... (each appended leaf stays full).
    static func threeFullLeaves(pages: [Pages]) -> AreaTree {
        var tree = AreaTree()
        for slot in stride(from: UInt64(0), to: UInt64(6 * AreaTree.leafCapacity), by: 2) {
            tree.insert(Self.area(slot, pages: pages))
        }
        return tree
    }

    @Test func overfullLeafHandsAnEntryToASiblingWithRoomBeforeSplitting() {
        let pages = (0..<5).map { Pages(source: processSource, pid: pid, vaddr: UInt64($0) << 30, length: 1 << 30, writable: true) }
        let capacity = AreaTree.leafCapacity
        var tree = Self.threeFullLeaves(pages: pages)
        #expect(Self.leafCounts(tree) == [capacity, capacity, capacity])
        var present = Set(stride(from: UInt64(0), to: UInt64(6 * capacity), by: 2))

        // Room on the left: the middle leaf's first entry moves to the end of the first leaf.
        #expect(tree.remove(startingAt: 0) != nil)
        present.remove(0)
        let snapshot = tree
        let middle = UInt64(2 * capacity + 61)  // an odd slot inside the middle leaf
        tree.insert(Self.area(middle, pages: pages))
        present.insert(middle)
        #expect(Self.leafCounts(tree) == [capacity, capacity, capacity])
        #expect(tree.structuralProblems().isEmpty, "\(tree.structuralProblems())")
        #expect(tree.allAreas() == present.sorted().map { Self.area($0, pages: pages) })
        // The sibling written to was shared with the snapshot: it was copied, not written through.
        #expect(Self.leafCounts(snapshot) == [capacity - 1, capacity, capacity])
        #expect(snapshot.allAreas().count == present.count - 1)

        // Room only on the right: the middle leaf's last entry moves to the front of the last leaf.
        let lastSlot = UInt64(6 * capacity - 2)
        #expect(tree.remove(startingAt: lastSlot * 0x4000) != nil)
        present.remove(lastSlot)
        let another = UInt64(2 * capacity + 63)
        tree.insert(Self.area(another, pages: pages))
        present.insert(another)
        #expect(Self.leafCounts(tree) == [capacity, capacity, capacity])
        #expect(tree.structuralProblems().isEmpty, "\(tree.structuralProblems())")
        #expect(tree.allAreas() == present.sorted().map { Self.area($0, pages: pages) })

        // Both neighbours full: the leaf splits.
        let third = UInt64(2 * capacity + 65)
        tree.insert(Self.area(third, pages: pages))
        present.insert(third)
        #expect(Self.leafCounts(tree).count == 4)
        #expect(tree.structuralProblems().isEmpty, "\(tree.structuralProblems())")
        #expect(tree.allAreas() == present.sorted().map { Self.area($0, pages: pages) })
    }

    @Test func removedSlotIsReusedAndOthersStayPut() {
        let pages = (0..<5).map { Pages(source: processSource, pid: pid, vaddr: UInt64($0) << 30, length: 1 << 30, writable: true) }
        var tree = AreaTree()
        for slot in [2, 4, 6] as [UInt64] { tree.insert(Self.area(slot, pages: pages)) }
        // Read through `tree.root` each time: holding the leaf would make the tree copy it on write.
        func slotMap() -> [UInt8] { (0..<tree.count).map { tree.root!.slotMap[$0] } }
        #expect(tree.root!.isLeaf && slotMap() == [0, 1, 2])
        _ = tree.remove(startingAt: 4 * 0x4000)
        #expect(slotMap() == [0, 2])
        #expect(tree.root!.freeSlots == AreaTree.Node.allSlotsFree & ~0b101)
        tree.insert(Self.area(1, pages: pages))
        // The new smallest entry takes the freed slot 1; the others keep theirs.
        #expect(slotMap() == [1, 0, 2])
        #expect(tree.allAreas() == [1, 2, 6].map { Self.area($0, pages: pages) })
        #expect(tree.root!.range(0) == Self.area(1, pages: pages).range)
        #expect(tree.structuralProblems().isEmpty)
    }

    @Test(arguments: [UInt64(11), 12])
    func areasSurviveSplitsMergesAndCopiesIntact(seed: UInt64) {
        let pages = (0..<5).map { Pages(source: processSource, pid: pid, vaddr: UInt64($0) << 30, length: 1 << 30, writable: true) }
        var rng = SplitMix64(seed: seed)
        var tree = AreaTree()
        var present = Set<UInt64>()
        var snapshots: [(AreaTree, [UInt64])] = []
        for step in 0..<20_000 {
            let slot = UInt64.random(in: 0..<3_000, using: &rng)
            let growing = step < 10_000
            if present.contains(slot) {
                if growing && Bool.random(using: &rng) { continue }
                #expect(tree.remove(startingAt: slot * 0x4000) == Self.area(slot, pages: pages))
                present.remove(slot)
            } else if growing || Bool.random(using: &rng) {
                tree.insert(Self.area(slot, pages: pages))
                present.insert(slot)
            }
            if step % 2_500 == 0 {
                snapshots.append((tree, present.sorted()))
                #expect(tree.structuralProblems().isEmpty, "step \(step): \(tree.structuralProblems())")
            }
        }
        #expect(tree.allAreas() == present.sorted().map { Self.area($0, pages: pages) })
        // Copies taken along the way were never written through.
        for (snapshot, slots) in snapshots {
            #expect(snapshot.structuralProblems().isEmpty)
            #expect(snapshot.allAreas() == slots.map { Self.area($0, pages: pages) })
        }
        for slot in present { _ = tree.remove(startingAt: slot * 0x4000) }
        #expect(tree.isEmpty && tree.structuralProblems().isEmpty)
    }
}
