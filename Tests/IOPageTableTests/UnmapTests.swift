import Testing
@testable import IOPageTable

@Suite struct UnmapTests {
    func threeAreas() throws -> IOAS {
        var ioas = IOAS()
        try ioas.map(iova: 0x10000, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x12000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x20000, length: 0x4000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        return ioas
    }

    @Test func removesWhollyContainedAreasAndReturnsBytes() throws {
        var ioas = try threeAreas()
        #expect(try ioas.unmap(range(0x10000, 0x12FFF)) == 0x3000)
        #expect(ioas.areaCount == 1)
        #expect(ioas.charged(to: processSource) == 0x4000)
        #expect(try ioas.unmap(range(0, .max)) == 0x4000)
        #expect(ioas.areaCount == 0 && ioas.totalCharged == 0)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func emptyRangeReturnsZero() throws {
        var ioas = try threeAreas()
        #expect(try ioas.unmap(range(0x13000, 0x1FFFF)) == 0)
        #expect(try ioas.unmap(range(0, 0xFFFF)) == 0)
        #expect(ioas.areaCount == 3)
    }

    @Test func bisectingStartOrEndFailsWithoutSideEffects() throws {
        var ioas = try threeAreas()
        let before = ioas.allAreas()
        // starts inside the first area
        #expect(error { try ioas.unmap(range(0x11000, 0x12FFF)) } == .wouldSplitArea(range(0x10000, 0x11FFF)))
        // ends inside the last area, even though the earlier areas are wholly inside
        #expect(error { try ioas.unmap(range(0x10000, 0x21FFF)) } == .wouldSplitArea(range(0x20000, 0x23FFF)))
        // both ends inside one area
        #expect(error { try ioas.unmap(range(0x21000, 0x21FFF)) } == .wouldSplitArea(range(0x20000, 0x23FFF)))
        // start straddle is reported before end straddle
        #expect(error { try ioas.unmap(range(0x11000, 0x21FFF)) } == .wouldSplitArea(range(0x10000, 0x11FFF)))
        #expect(ioas.allAreas() == before)
        #expect(ioas.charged(to: processSource) == 0x7000)
    }

    @Test func unmapAtTopOfAddressSpace() throws {
        var ioas = IOAS()
        try ioas.map(iova: .max - 0x1FFF, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(error { try ioas.unmap(range(.max - 0xFFF, .max)) } == .wouldSplitArea(range(.max - 0x1FFF, .max)))
        #expect(try ioas.unmap(range(.max - 0x1FFF, .max)) == 0x2000)
    }

    @Test func unmapAllSaturatesOnTheWholeSpace() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0, length: 1 << 63, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 1 << 63, length: 1 << 63, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(ioas.totalCharged == .max)  // 2^64 saturates
        #expect(ioas.unmapAll() == .max)
        #expect(ioas.areaCount == 0 && ioas.totalCharged == 0)
        #expect(ioas.unmapAll() == 0)
        try ioas.map(iova: 0, length: 1 << 63, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 1 << 63, length: 1 << 63, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(try ioas.unmap(range(0, .max)) == .max)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func unmapAllReleasesSharedPages() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.copy(from: range(0, 0x1FFF), to: 0x10000, protection: .read)
        #expect(ioas.unmapAll() == 0x4000)
        #expect(ioas.totalCharged == 0)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func manyAreasSurviveInterleavedRemoval() throws {
        var ioas = IOAS(entryLimit: nil)
        for i in 0..<5000 as Range<UInt64> {
            try ioas.map(iova: i * 0x2000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        }
        for i in stride(from: 0, to: 5000, by: 3) as StrideTo<UInt64> {
            #expect(try ioas.unmap(range(i * 0x2000, i * 0x2000 + 0xFFF)) == page)
        }
        #expect(ioas.areaCount == 5000 - 1667)
        #expect(ioas.checkInvariants().isEmpty)
        #expect(try ioas.unmap(range(0x2000, 0x2000 * 2500 - 1)) == UInt64(2500 - 834) * page)
        #expect(ioas.checkInvariants().isEmpty)
    }
}
