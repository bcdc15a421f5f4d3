import Testing
@testable import IOPageTable

/// Leaf layout: each key followed by its area's last IOVA, and areas kept in fixed slots named by a slot map.
@Suite struct AreaTreeLeafTests {
    /// An area whose every field depends on `slot`, so a mixed-up slot or a stale last IOVA shows.
    static func area(_ slot: UInt64, pages: [Pages]) -> Area {
        let length = (slot % 3 + 1) * 0x1000
        return Area(range: range(slot * 0x4000, slot * 0x4000 + length - 1), pages: pages[Int(slot % 5)],
                    pagesOffset: (slot % 7) * 0x1000, protection: slot % 2 == 0 ? .read : [.read, .write])
    }

    @Test func floorIndexWithStrideTwoSkipsTheLastWords() {
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 128)
        defer { words.deallocate() }
        for index in 0..<64 {
            words[2 * index] = UInt64(index) * 0x0400_0000_0000_0000 + 7
            words[2 * index + 1] = .max - UInt64(index)  // lasts that would count as keys if read
        }
        for count in 0...64 {
            for probe in [0, 6, 7, 8, 0x8000_0000_0000_0007, .max - 64, .max] as [UInt64] {
                let expected = (0..<count).last { words[2 * $0] <= probe } ?? -1
                #expect(AreaTree.Node.floorIndex(words, count, probe, stride: 2) == expected, "count \(count) probe \(probe)")
            }
        }
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
