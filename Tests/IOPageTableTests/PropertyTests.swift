import Testing
@testable import IOPageTable

/// Random operation sequences run against the engine and the reference model side by side.
@Suite struct PropertyTests {
    /// How often each interesting outcome happened, so the test can insist the generator reached it.
    struct Tally {
        var counts: [String: Int] = [:]
        mutating func note(_ error: IOPageTableError?) {
            guard let error else { counts["ok", default: 0] += 1; return }
            let name: String
            switch error {
            case .wouldSplitArea: name = "wouldSplitArea"
            case .notMapped: name = "notMapped"
            case .lockedMemoryLimitExceeded: name = "lockedMemoryLimitExceeded"
            case .reservedRegionConflict: name = "reservedRegionConflict"
            default: name = "\(error)"
            }
            counts[name, default: 0] += 1
        }
        subscript(_ name: String) -> Int { counts[name] ?? 0 }
    }

    static let bases: [UInt64] = [
        0,                           // low memory
        0x800_0000 - 0x20000,        // around the ARM SW_MSI window
        0xFEE0_0000 - 0x20000,       // around the x86 MSI window
        0x7F_FFFF_F000 - 0x20000,    // the top of a 39-bit aperture
        0xFD_0000_0000 - 0x20000,    // the AMD HyperTransport hole
        UInt64.max - 0x3F_FFFF,      // the top of the 64-bit space
    ]

    static let domainPool: [Domain] = [
        vtdDomain(1),
        amdDomain(2),
        Domain(id: DomainID(3), aperture: range(0, 0xFFFF_FFFF_FFFF), pageSizes: 0x1000 | 0x20_0000,
               reservedRegions: [ReservedRegion(range: range(0x800_0000, 0x80F_FFFF), kind: .swMSI)]),
        Domain(id: DomainID(4), aperture: range(0, .max), pageSizes: 0x200 | 0x1000 | 0x20_0000,
               reservedRegions: [ReservedRegion(range: range(0x4000, 0xFFFF), kind: .directRelaxable),
                                 ReservedRegion(range: range(0x10000, 0x13FFF), kind: .direct)]),
        Domain(id: DomainID(5), aperture: range(0, 0xFFFF), pageSizes: 0x1000,
               reservedRegions: [ReservedRegion(range: range(0, 0xFFFF), kind: .reserved)]),
        Domain(id: DomainID(6), aperture: range(0, .max), pageSizes: 0x20_0000),
        Domain(id: DomainID(7), aperture: range(0x100_0000_0000, .max), pageSizes: 0x1000),
        Domain(id: DomainID(8), aperture: range(0, .max), pageSizes: 0x200 | 0x20_0000),
    ]

    static let sources: [AccountingSource] = [.process(pid: 100), .process(pid: 200), .user(uid: 1000)]

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func engineMatchesReferenceModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &* 0x1234_5678_9ABC_DEF1)
        let entryLimit: Int? = seed % 2 == 0 ? nil : Int(12 + seed * 4)
        var ioas = IOAS(entryLimit: entryLimit)
        var model = ReferenceModel(entryLimit: entryLimit)
        var pagesIDs: [ObjectIdentifier: Int] = [:]
        var tally = Tally()

        func randomIOVA() -> UInt64 {
            let base = Self.bases[Int.random(in: 0..<Self.bases.count, using: &rng)]
            var iova = base &+ UInt64.random(in: 0..<64, using: &rng) * page
            if Int.random(in: 0..<40, using: &rng) == 0 { iova &+= 0x800 }
            return iova
        }
        func randomLength() -> UInt64 {
            switch Int.random(in: 0..<60, using: &rng) {
            case 0: return 0
            case 1: return 0x800
            case 2: return UInt64.max - 0xFFF
            case 3: return 0x20_0000
            default: return UInt64.random(in: 1...8, using: &rng) * page
            }
        }
        func sameArea(_ engine: Area, _ reference: ReferenceModel.ModelArea) -> Bool {
            engine.range == range(reference.start, reference.last) && engine.pagesOffset == reference.offset
                && engine.protection == reference.protection && pagesIDs[ObjectIdentifier(engine.pages)] == reference.pagesID
        }

        for step in 0..<20_000 {
            let roll = Int.random(in: 0..<100, using: &rng)
            switch roll {
            case 0..<40:
                let iova = randomIOVA()
                let length = randomLength()
                let vaddr = UInt64.random(in: 0..<0x1000, using: &rng) * page
                let protection = IOMMUProtection(rawValue: UInt8.random(in: 0...3, using: &rng))
                let source = Self.sources[Int.random(in: 0..<Self.sources.count, using: &rng)]
                let limit: UInt64? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : UInt64.random(in: 8...40, using: &rng) * page
                let charge = AccountingCharge(source: source, limit: limit, exempt: Int.random(in: 0..<8, using: &rng) == 0,
                                              chargedElsewhere: UInt64.random(in: 0...4, using: &rng) * page)
                let pid = Int32(truncatingIfNeeded: Int.random(in: 1...3, using: &rng))
                let expected = model.map(iova: iova, length: length, vaddr: vaddr, pid: pid, protection: protection, charge: charge)
                do {
                    let area = try ioas.map(iova: iova, length: length, vaddr: vaddr, pid: pid, protection: protection, charge: charge)
                    guard case .success(let modelArea) = expected else {
                        Issue.record("step \(step): map succeeded, model says \(expected)"); return
                    }
                    pagesIDs[ObjectIdentifier(area.pages)] = modelArea.pagesID
                    #expect(area.pages.pid == pid && area.pages.source == source && area.pages.vaddr == vaddr)
                    #expect(sameArea(area, modelArea))
                    tally.note(nil)
                } catch {
                    #expect(expected == .failure(error), "step \(step): map")
                    tally.note(error)
                }
            case 40..<65:
                let start: UInt64
                let last: UInt64
                let sorted = model.sortedAreas
                if !sorted.isEmpty, Bool.random(using: &rng) {
                    // aim at an existing area, often off by a page at either end
                    let target = sorted[Int.random(in: 0..<sorted.count, using: &rng)]
                    start = target.start &+ [0, 0, page, 0 &- page].randomElement(using: &rng)!
                    last = max(start, target.last &+ [0, 0, page, 0 &- page].randomElement(using: &rng)!)
                } else {
                    start = randomIOVA()
                    last = start &+ (UInt64.random(in: 1...12, using: &rng) * page - 1) < start ? .max
                        : start &+ (UInt64.random(in: 1...12, using: &rng) * page - 1)
                }
                let expected = model.unmap(start, last)
                do {
                    let removed = try ioas.unmap(range(start, last))
                    #expect(expected == .success(removed), "step \(step): unmap")
                    tally.note(nil)
                } catch {
                    #expect(expected == .failure(error), "step \(step): unmap")
                    tally.note(error)
                }
            case 65..<80:
                let sorted = model.sortedAreas
                var start = randomIOVA()
                var last = start &+ (UInt64.random(in: 1...4, using: &rng) * page - 1)
                if !sorted.isEmpty, Int.random(in: 0..<3, using: &rng) > 0 {
                    let target = sorted[Int.random(in: 0..<sorted.count, using: &rng)]
                    start = target.start
                    last = target.last &+ [0, 0, page, 2 * page].randomElement(using: &rng)!
                }
                if last < start { last = .max }
                let destination = randomIOVA()
                let protection = IOMMUProtection(rawValue: UInt8.random(in: 0...3, using: &rng))
                let expected = model.copy(start, last, to: destination, protection: protection)
                do {
                    let created = try ioas.copy(from: range(start, last), to: destination, protection: protection)
                    guard case .success(let modelCreated) = expected, modelCreated.count == created.count else {
                        Issue.record("step \(step): copy succeeded, model says \(expected)"); return
                    }
                    #expect(zip(created, modelCreated).allSatisfy { sameArea($0, $1) }, "step \(step): copy")
                    tally.note(nil)
                } catch {
                    #expect(expected == .failure(error), "step \(step): copy")
                    tally.note(error)
                }
            case 80..<87:
                let domain = Self.domainPool[Int.random(in: 0..<Self.domainPool.count, using: &rng)]
                let expected = model.attach(domain)
                let got = error { try ioas.attach(domain) }
                #expect(got == expected, "step \(step): attach \(domain.id)")
                tally.note(got)
            case 87..<93:
                let id = DomainID(UInt32.random(in: 1...UInt32(Self.domainPool.count), using: &rng))
                let expected = model.detach(id)
                let got = error { try ioas.detach(id) }
                #expect(got == expected, "step \(step): detach")
                tally.note(got)
            case 93..<98:
                let start = randomIOVA()
                let last = start &+ UInt64.random(in: 0...0x3000, using: &rng)
                let access = IOMMUProtection(rawValue: UInt8.random(in: 0...3, using: &rng))
                guard last >= start else { continue }
                let expected = model.translate(start, last, access: access)
                do {
                    let segments = try ioas.translate(range(start, last), access: access)
                    #expect(expected == .success(segments), "step \(step): translate")
                } catch {
                    #expect(expected == .failure(error), "step \(step): translate")
                }
            case 98:
                #expect(ioas.unmapAll() == model.unmapAll(), "step \(step): unmapAll")
                tally.counts["unmapAll", default: 0] += 1
            default:
                let newLimit: Int? = Bool.random(using: &rng) ? nil : Int.random(in: 4...40, using: &rng)
                ioas.entryLimit = newLimit
                model.entryLimit = newLimit
            }

            // After every step: same areas, same charges, same page sizes, and the engine's own invariants.
            let engineAreas = ioas.allAreas()
            let modelAreas = model.sortedAreas
            guard engineAreas.count == modelAreas.count, zip(engineAreas, modelAreas).allSatisfy({ sameArea($0, $1) }) else {
                Issue.record("step \(step): areas differ\nengine \(engineAreas.map(\.range))\nmodel \(modelAreas.map { range($0.start, $0.last) })")
                return
            }
            #expect(engineAreas.allSatisfy { model.isUsable($0.range.start, $0.range.last) })
            for source in Self.sources {
                #expect(ioas.charged(to: source) == UInt64(min(model.charged(source), UInt128(UInt64.max))))
            }
            #expect(UInt128(ioas.totalCharged) == min(model.total, UInt128(UInt64.max)))
            #expect(ioas.pageSizeBitmap == model.pageSizeBitmap)
            #expect(ioas.iovaAlignment == model.alignment)
            let problems = ioas.checkInvariants()
            if !problems.isEmpty {
                Issue.record("step \(step): \(problems)")
                return
            }
            if step % 64 == 0 {
                // every usable range is usable per the model, and the bytes just outside it are not
                for hole in ioas.iovaRanges() {
                    #expect(model.isUsable(hole.start, hole.last))
                    if hole.start > 0 { #expect(!model.isUsable(hole.start - 1, hole.start - 1)) }
                    if hole.last < .max { #expect(!model.isUsable(hole.last + 1, hole.last + 1)) }
                }
            }
        }

        // The generator must actually reach the interesting cases.
        for name in ["ok", "overlapsExistingArea", "wouldSplitArea", "notMapped", "outsideUsableIOVA", "misaligned",
                     "zeroLength", "overflow", "lockedMemoryLimitExceeded", "apertureConflict",
                     "reservedRegionConflict", "domainAlreadyAttached", "domainNotAttached", "pageSizeTooLarge",
                     "noUsableIOVA", "pagesNotWritable", "entryLimitReached", "unmapAll"] {
            #expect(tally[name] >= 3, "seed \(seed): \(name) happened \(tally[name]) times")
        }
    }
}
