import Testing
@testable import IOPageTable

@Suite struct DomainTests {
    @Test func noDomainMeansWholeSpaceAndHostPages() {
        let ioas = IOAS()
        #expect(ioas.iovaRanges() == [range(0, .max)])
        #expect(ioas.pageSizeBitmap == ~UInt64(0xFFF))
        #expect(ioas.iovaAlignment == 0x1000)
        #expect(ioas.reservedRanges.isEmpty)
        #expect(IOAS(hostPageSize: 0x10000).iovaAlignment == 0x10000)
    }

    @Test func vtdNarrowsTo39BitsMinusMSI() throws {
        var ioas = IOAS()
        try ioas.attach(vtdDomain())
        // what the real type1 reports under QEMU intel-iommu
        #expect(ioas.iovaRanges() == [range(0, 0xFEDF_FFFF), range(0xFEF0_0000, 0x7F_FFFF_FFFF)])
        #expect(ioas.pageSizeBitmap == 0x4020_1000)
        #expect(ioas.isUsable(range(0xFEF0_0000, 0x7F_FFFF_FFFF)))
        #expect(!ioas.isUsable(range(0xFED0_0000, 0xFEF0_0FFF)))
        #expect(!ioas.isUsable(range(0x80_0000_0000, 0x80_0000_0FFF)))
        let reserved = ioas.reservedRanges
        #expect(reserved.map(\.range) == [range(0xFEE0_0000, 0xFEEF_FFFF), range(0x80_0000_0000, .max)])
        #expect(reserved.map(\.owner) == [.region(DomainID(1), .msi), .aperture(DomainID(1))])
        #expect(ioas.attachedDomains == [vtdDomain()])
    }

    @Test func amdCarvesHyperTransportHole() throws {
        var ioas = IOAS()
        try ioas.attach(amdDomain())
        #expect(ioas.iovaRanges() == [range(0, 0xFEDF_FFFF), range(0xFEF0_0000, 0xFC_FFFF_FFFF), range(0x100_0000_0000, .max)])
        // a map ending exactly at 2^64 is legal with a 64-bit aperture
        try ioas.map(iova: .max - 0xFFF, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(error { try ioas.map(iova: 0xFC_FFFF_F000, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .outsideUsableIOVA)
    }

    @Test func detachWidensBackWithoutUnmapping() throws {
        var ioas = IOAS()
        try ioas.attach(vtdDomain(1))
        try ioas.attach(amdDomain(2))
        #expect(ioas.iovaRanges() == [range(0, 0xFEDF_FFFF), range(0xFEF0_0000, 0x7F_FFFF_FFFF)])
        try ioas.map(iova: 0x1000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.detach(DomainID(1))
        #expect(ioas.iovaRanges() == [range(0, 0xFEDF_FFFF), range(0xFEF0_0000, 0xFC_FFFF_FFFF), range(0x100_0000_0000, .max)])
        #expect(ioas.reservedRanges.allSatisfy { $0.owner.domain == DomainID(2) })
        try ioas.detach(DomainID(2))
        #expect(ioas.iovaRanges() == [range(0, .max)])
        #expect(ioas.areaCount == 1)
        #expect(error { try ioas.detach(DomainID(2)) } == .domainNotAttached)
        #expect(ioas.checkInvariants().isEmpty)
    }

    @Test func attachErrors() throws {
        var ioas = IOAS()
        try ioas.attach(vtdDomain(1))
        #expect(error { try ioas.attach(vtdDomain(1)) } == .domainAlreadyAttached)
        var coarse = vtdDomain(3)
        coarse.pageSizes = 0x20_0000
        #expect(error { try ioas.attach(coarse) } == .pageSizeTooLarge)
        coarse.pageSizes = 0
        #expect(error { try ioas.attach(coarse) } == .pageSizeTooLarge)
        // an aperture disjoint from the usable space
        let high = Domain(id: DomainID(4), aperture: range(0x100_0000_0000, .max), pageSizes: 0x1000)
        #expect(error { try ioas.attach(high) } == .apertureConflict)
        try ioas.detach(DomainID(1))
        // an existing area outside the new aperture
        try ioas.map(iova: 0x80_0000_0000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(error { try ioas.attach(vtdDomain(5)) } == .apertureConflict)
        ioas.unmapAll()
        // a reserved region over an existing area
        try ioas.map(iova: 0xFEE0_1000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        #expect(error { try ioas.attach(vtdDomain(6)) } == .reservedRegionConflict(ReservedRegion(range: range(0xFEE0_0000, 0xFEEF_FFFF), kind: .msi)))
        // nothing left after narrowing
        ioas.unmapAll()
        let swallowed = Domain(id: DomainID(7), aperture: range(0, 0xFFFF), pageSizes: 0x1000,
                               reservedRegions: [ReservedRegion(range: range(0, 0xFFFF), kind: .direct)])
        #expect(error { try ioas.attach(swallowed) } == .noUsableIOVA)
        #expect(ioas.attachedDomains.isEmpty)
        #expect(ioas.iovaRanges() == [range(0, .max)])
        #expect(ioas.pageSizeBitmap == ~UInt64(0xFFF))
    }

    @Test func directRelaxableRegionsAreIgnored() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0x10_0000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        let rmrr = Domain(id: DomainID(9), aperture: range(0, 0x7F_FFFF_FFFF), pageSizes: 0x1000,
                          reservedRegions: [ReservedRegion(range: range(0x10_0000, 0x1F_FFFF), kind: .directRelaxable),
                                            ReservedRegion(range: range(0x800_0000, 0x80F_FFFF), kind: .swMSI)])
        try ioas.attach(rmrr)
        #expect(ioas.iovaRanges() == [range(0, 0x7FF_FFFF), range(0x810_0000, 0x7F_FFFF_FFFF)])
        #expect(ioas.reservedRanges.map(\.owner) == [.region(DomainID(9), .swMSI), .aperture(DomainID(9))])
        try ioas.map(iova: 0x11_0000, length: page, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        // a plain direct region over the same area is refused
        var strict = rmrr
        strict.id = DomainID(10)
        strict.reservedRegions = [ReservedRegion(range: range(0x10_0000, 0x1F_FFFF), kind: .direct)]
        #expect(error { try ioas.attach(strict) } == .reservedRegionConflict(strict.reservedRegions[0]))
    }

    @Test func pageSizesAreANDedAndFolded() throws {
        var ioas = IOAS()
        try ioas.attach(Domain(id: DomainID(1), aperture: range(0, .max), pageSizes: 0x1000 | 0x20_0000 | 0x4000_0000))
        #expect(ioas.pageSizeBitmap == 0x4020_1000)
        try ioas.attach(Domain(id: DomainID(2), aperture: range(0, .max), pageSizes: 0x1000 | 0x20_0000))
        #expect(ioas.pageSizeBitmap == 0x20_1000)
        #expect(ioas.iovaAlignment == 0x1000)
        try ioas.detach(DomainID(2))
        #expect(ioas.pageSizeBitmap == 0x4020_1000)
        try ioas.detach(DomainID(1))
        // a domain advertising 512-byte pages folds to the 4K host page (vfio_update_pgsize_bitmap)
        try ioas.attach(Domain(id: DomainID(3), aperture: range(0, .max), pageSizes: 0x200 | 0x1000 | 0x10000))
        #expect(ioas.pageSizeBitmap == 0x11000)
        try ioas.detach(DomainID(3))
        try ioas.attach(Domain(id: DomainID(4), aperture: range(0, .max), pageSizes: 0x200 | 0x20_0000))
        #expect(ioas.pageSizeBitmap == 0x20_1000)
        #expect(ioas.iovaAlignment == 0x1000)
        // a 64K-only domain on a 64K host
        var big = IOAS(hostPageSize: 0x10000)
        try big.attach(Domain(id: DomainID(1), aperture: range(0, .max), pageSizes: 0x1000 | 0x10000))
        #expect(big.pageSizeBitmap == 0x10000)
        #expect(error { try big.map(iova: 0x1000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited) } == .misaligned)
    }

    @Test func sharedRegionsStayReservedUntilTheLastOwnerGoes() throws {
        var ioas = IOAS()
        try ioas.attach(vtdDomain(1))
        try ioas.attach(amdDomain(2))
        try ioas.detach(DomainID(2))
        #expect(!ioas.isUsable(range(0xFEE0_0000, 0xFEE0_0FFF)))
        #expect(ioas.iovaRanges() == [range(0, 0xFEDF_FFFF), range(0xFEF0_0000, 0x7F_FFFF_FFFF)])
    }
}
