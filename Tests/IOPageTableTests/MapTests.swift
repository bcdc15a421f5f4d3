import Testing
@testable import IOPageTable

@Suite struct MapTests {
    @Test func mapRecordsAreaPagesAndCharge() throws {
        var ioas = IOAS()
        let area = try ioas.map(iova: 0x10000, length: 0x4000, vaddr: 0x7F00_0000_0000, pid: pid,
                                protection: readWrite, charge: unlimited)
        #expect(area.range == range(0x10000, 0x13FFF))
        #expect(area.pagesOffset == 0)
        #expect(area.vaddr == 0x7F00_0000_0000)
        #expect(area.protection == readWrite)
        #expect(area.pages.length == 0x4000)
        #expect(area.pages.pid == pid)
        #expect(area.pages.source == processSource)
        #expect(area.pages.writable)
        #expect(ioas.areaCount == 1)
        #expect(ioas.charged(to: processSource) == 0x4000)
        #expect(ioas.totalCharged == 0x4000)
        #expect(ioas.area(containing: 0x13FFF) == area)
        #expect(ioas.area(containing: 0x14000) == nil)
        #expect(ioas.area(containing: 0xFFFF) == nil)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func readOnlyMapHasReadOnlyPages() throws {
        var ioas = IOAS()
        let area = try ioas.map(iova: 0, length: page, vaddr: page, pid: pid, protection: .read, charge: unlimited)
        #expect(!area.pages.writable)
        let none = try ioas.map(iova: page, length: page, vaddr: page, pid: pid, protection: [], charge: unlimited)
        #expect(none.protection.isEmpty)
    }

    @Test func checkOrderFollowsType1() throws {
        var ioas = IOAS(entryLimit: 1)
        // zero length wins over misalignment
        #expect(error { try ioas.map(iova: 1, length: 0, vaddr: 1, pid: pid, protection: .read, charge: unlimited) } == .zeroLength)
        // misalignment wins over overflow
        #expect(error { try ioas.map(iova: .max, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .misaligned)
        #expect(error { try ioas.map(iova: 0, length: 0x1000, vaddr: 0x800, pid: pid, protection: .read, charge: unlimited) } == .misaligned)
        #expect(error { try ioas.map(iova: 0, length: 0x1800, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .misaligned)
        // overflow of iova and of vaddr
        #expect(error { try ioas.map(iova: .max - 0xFFF, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .overflow)
        #expect(error { try ioas.map(iova: 0, length: 0x2000, vaddr: .max - 0xFFF, pid: pid, protection: .read, charge: unlimited) } == .overflow)
        try ioas.map(iova: 0x10000, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        // type1: EEXIST before ENOSPC — the container is full but the overlap is reported
        #expect(error { try ioas.map(iova: 0x11000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .overlapsExistingArea)
        #expect(error { try ioas.map(iova: 0xF000, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .overlapsExistingArea)
        #expect(error { try ioas.map(iova: 0, length: 0x100000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .overlapsExistingArea)
        #expect(error { try ioas.map(iova: 0x20000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .entryLimitReached)
        ioas.entryLimit = nil
        try ioas.attach(vtdDomain())
        // entry limit before the usable-space check
        ioas.entryLimit = 1
        #expect(error { try ioas.map(iova: 0xFEE0_0000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .entryLimitReached)
        ioas.entryLimit = 10
        #expect(error { try ioas.map(iova: 0xFEE0_0000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .outsideUsableIOVA)
        // the usable check comes before the memlock check
        let tight = AccountingCharge(source: processSource, limit: 0)
        #expect(error { try ioas.map(iova: 0x80_0000_0000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: tight) } == .outsideUsableIOVA)
        #expect(error { try ioas.map(iova: 0x30000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: tight) }
                == .lockedMemoryLimitExceeded(limit: 0, wouldCharge: 0x3000))
        #expect(ioas.areaCount == 1)
        #expect(ioas.charged(to: processSource) == 0x2000)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func adjacentMapsAreNotOverlaps() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0x2000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x1000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x3000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(ioas.allAreas().map(\.range.start) == [0x1000, 0x2000, 0x3000])
        #expect(Array(ioas.areas).map(\.range.start) == [0x1000, 0x2000, 0x3000])
    }

    @Test func boundaryIOVAs() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        // a map ending exactly at 2^64 (type1 ≥ v6.18 accepts it)
        let top = try ioas.map(iova: .max - 0xFFF, length: page, vaddr: 0x1000, pid: pid, protection: .read, charge: unlimited)
        #expect(top.range.last == .max)
        #expect(ioas.area(containing: .max) == top)
        #expect(ioas.area(containing: 0)?.range == range(0, 0xFFF))
        #expect(error { try ioas.map(iova: .max - 0xFFF, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .overlapsExistingArea)
        #expect(try ioas.unmap(range(.max - 0xFFF, .max)) == page)
        // a second map of the same page succeeds after the unmap (6.1 got this wrong)
        try ioas.map(iova: .max - 0xFFF, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        // the largest possible map: everything above the first page
        var big = IOAS()
        let huge = try big.map(iova: 0x1000, length: .max - 0xFFF, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(huge.range == range(0x1000, .max))
        #expect(big.charged(to: processSource) == UInt64.max - 0xFFF)
        #expect(big.checkInvariants().isEmpty)
    }

    @Test func lockedMemoryLimitCountsElsewhereAndThisIOAS() throws {
        var ioas = IOAS()
        let charge = AccountingCharge(source: processSource, limit: 0x4000, chargedElsewhere: 0x1000)
        try ioas.map(iova: 0, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: charge)
        try ioas.map(iova: 0x2000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: charge)  // exactly at limit
        #expect(error { try ioas.map(iova: 0x3000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: charge) }
                == .lockedMemoryLimitExceeded(limit: 0x4000, wouldCharge: 0x5000))
        // another source has its own budget
        let other = AccountingCharge(source: .user(uid: 1000), limit: 0x1000)
        try ioas.map(iova: 0x3000, length: 0x1000, vaddr: 0, pid: 7, protection: .read, charge: other)
        #expect(ioas.charged(to: .user(uid: 1000)) == 0x1000)
        #expect(ioas.charged(to: processSource) == 0x3000)
        #expect(ioas.totalCharged == 0x4000)
    }

    @Test func exemptCallerIsChargedButNotLimited() throws {
        var ioas = IOAS()
        let exempt = AccountingCharge(source: processSource, limit: 0, exempt: true)
        try ioas.map(iova: 0, length: 0x10_0000, vaddr: 0, pid: pid, protection: .read, charge: exempt)
        #expect(ioas.charged(to: processSource) == 0x10_0000)
        // a later non-exempt caller of the same source sees that charge
        let limited = AccountingCharge(source: processSource, limit: 0x10_0000)
        #expect(error { try ioas.map(iova: 0x10_0000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: limited) }
                == .lockedMemoryLimitExceeded(limit: 0x10_0000, wouldCharge: 0x10_1000))
    }

    @Test func entryLimitNilMeansUnlimitedAndDefaultIs65535() throws {
        #expect(IOAS().entryLimit == 65535)
        #expect(IOAS.defaultEntryLimit == 65535)
        var ioas = IOAS(entryLimit: nil)
        for i in 0..<100 as Range<UInt64> {
            try ioas.map(iova: i * 0x2000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        }
        #expect(ioas.areaCount == 100)
    }

    @Test func mapOverExistingPagesSharesCharge() throws {
        var ioas = IOAS()
        let area = try ioas.map(iova: 0, length: 0x4000, vaddr: 0x10_0000, pid: pid, protection: .read, charge: unlimited)
        let slice = try ioas.map(iova: 0x10000, pages: area.pages, pagesOffset: 0x1000, length: 0x2000, protection: .read)
        #expect(slice.vaddr == 0x10_1000)
        #expect(slice.pages === area.pages)
        #expect(ioas.charged(to: processSource) == 0x4000)
        #expect(error { try ioas.map(iova: 0x20000, pages: area.pages, pagesOffset: 0, length: 0x1000, protection: .write) } == .pagesNotWritable)
        #expect(error { try ioas.map(iova: 0x20000, pages: area.pages, pagesOffset: 0x800, length: 0x1000, protection: .read) } == .misaligned)
        #expect(error { try ioas.map(iova: 0x1000, pages: area.pages, pagesOffset: 0, length: 0x1000, protection: .read) } == .overlapsExistingArea)
        #expect(error { try ioas.map(iova: 0x1000, pages: area.pages, pagesOffset: 0, length: 0, protection: .read) } == .zeroLength)
        try ioas.unmap(range(0, 0x3FFF))
        #expect(ioas.charged(to: processSource) == 0x4000)  // still held by the slice
        try ioas.unmap(range(0x10000, 0x11FFF))
        #expect(ioas.charged(to: processSource) == 0)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func copiesOfTheValueAreIndependent() throws {
        var a = IOAS()
        for i in 0..<500 as Range<UInt64> {
            try a.map(iova: i * 0x2000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        }
        var b = a
        try b.unmap(range(0, 0x1FFF))
        try b.map(iova: 0x1000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(a.areaCount == 500 && b.areaCount == 500)
        #expect(a.area(containing: 0) != nil && b.area(containing: 0) == nil)
        #expect(a.area(containing: 0x1000) == nil && b.area(containing: 0x1000) != nil)
        #expect(a.checkInvariants().isEmpty && b.checkInvariants().isEmpty)
    }
}
