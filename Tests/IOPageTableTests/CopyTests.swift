import Testing
@testable import IOPageTable

@Suite struct CopyTests {
    @Test func copySlicesAreasWithoutSecondCharge() throws {
        var ioas = IOAS()
        let a = try ioas.map(iova: 0x10000, length: 0x4000, vaddr: 0x100_0000, pid: pid, protection: readWrite, charge: unlimited)
        let b = try ioas.map(iova: 0x14000, length: 0x2000, vaddr: 0x200_0000, pid: pid, protection: .read, charge: unlimited)
        let created = try ioas.copy(from: range(0x12000, 0x14FFF), to: 0x40000, protection: .read)
        #expect(created.count == 2)
        #expect(created[0].range == range(0x40000, 0x41FFF))
        #expect(created[0].pages === a.pages && created[0].pagesOffset == 0x2000 && created[0].vaddr == 0x100_2000)
        #expect(created[1].range == range(0x42000, 0x42FFF))
        #expect(created[1].pages === b.pages && created[1].pagesOffset == 0 && created[1].vaddr == 0x200_0000)
        #expect(created.allSatisfy { $0.protection == .read })
        #expect(ioas.areaCount == 4)
        #expect(ioas.charged(to: processSource) == 0x6000)
        // the charge of a stays until the copy of it goes too
        try ioas.unmap(range(0x10000, 0x13FFF))
        #expect(ioas.charged(to: processSource) == 0x6000)
        try ioas.unmap(range(0x40000, 0x41FFF))
        #expect(ioas.charged(to: processSource) == 0x2000)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func copyOfACopyKeepsCounts() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.copy(from: range(0, 0x1FFF), to: 0x10000, protection: .read)
        try ioas.copy(from: range(0x10000, 0x10FFF), to: 0x20000, protection: .read)
        #expect(ioas.checkInvariants().isEmpty)
        try ioas.unmap(range(0, 0x1FFF))
        try ioas.unmap(range(0x10000, 0x11FFF))
        #expect(ioas.charged(to: processSource) == 0x2000)
        try ioas.unmap(range(0x20000, 0x20FFF))
        #expect(ioas.charged(to: processSource) == 0)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func copyErrorsInOrderAndAtomic() throws {
        var ioas = IOAS(entryLimit: 4)
        try ioas.map(iova: 0x10000, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x13000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x14000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        let before = ioas.allAreas()
        #expect(error { try ioas.copy(from: range(0x10800, 0x117FF), to: 0x40000, protection: .read) } == .misaligned)
        #expect(error { try ioas.copy(from: range(0x10000, 0x10FFF), to: 0x40800, protection: .read) } == .misaligned)
        #expect(error { try ioas.copy(from: range(0x10000, 0x11FFF), to: .max - 0xFFF, protection: .read) } == .overflow)
        #expect(error { try ioas.copy(from: range(0x10000, 0x13FFF), to: 0x40000, protection: .read) } == .notMapped(range(0x12000, 0x12FFF)))
        #expect(error { try ioas.copy(from: range(0xF000, 0x10FFF), to: 0x40000, protection: .read) } == .notMapped(range(0xF000, 0xFFFF)))
        #expect(error { try ioas.copy(from: range(0x14000, 0x15FFF), to: 0x40000, protection: .read) } == .notMapped(range(0x15000, 0x15FFF)))
        #expect(error { try ioas.copy(from: range(0x10000, 0x10FFF), to: 0x11000, protection: .read) } == .overlapsExistingArea)
        // two pieces need two entries; one is free
        #expect(error { try ioas.copy(from: range(0x13000, 0x14FFF), to: 0x40000, protection: .read) } == .entryLimitReached)
        ioas.entryLimit = nil
        try ioas.attach(vtdDomain())
        #expect(error { try ioas.copy(from: range(0x10000, 0x10FFF), to: 0xFEEF_F000, protection: .read) } == .outsideUsableIOVA)
        #expect(error { try ioas.copy(from: range(0x10000, 0x10FFF), to: 0x40000, protection: .write) } == .pagesNotWritable)
        #expect(ioas.allAreas() == before)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func copyAcrossAdjacentAreasGivesOneAreaEach() throws {
        var ioas = IOAS()
        for i in 0..<4 as Range<UInt64> {
            try ioas.map(iova: i * page, length: page, vaddr: 0x10_0000 + i * page, pid: pid, protection: .read, charge: unlimited)
        }
        let created = try ioas.copy(from: range(0, 4 * page - 1), to: 0x100000, protection: .read)
        #expect(created.map(\.range.start) == [0x100000, 0x101000, 0x102000, 0x103000])
        #expect(ioas.areaCount == 8)
    }
}
