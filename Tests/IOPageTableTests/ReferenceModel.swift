@testable import IOPageTable

/// A deliberately simple IOAS: a flat, unsorted array of areas scanned linearly, usable space decided per
/// domain, charges recomputed from scratch. Written from the API contract, not from the engine's code.
struct ReferenceModel {
    struct ModelPages {
        var source: AccountingSource
        var pid: Int32
        var vaddr: UInt64
        var length: UInt64
        var writable: Bool
    }

    struct ModelArea: Equatable {
        var start: UInt64
        var last: UInt64
        var pagesID: Int
        var offset: UInt64
        var protection: IOMMUProtection
    }

    let hostPageSize: UInt64
    var entryLimit: Int?
    var areas: [ModelArea] = []
    var pages: [Int: ModelPages] = [:]
    var nextPagesID = 0
    var domains: [Domain] = []

    init(hostPageSize: UInt64 = 4096, entryLimit: Int?) {
        self.hostPageSize = hostPageSize
        self.entryLimit = entryLimit
    }

    var sortedAreas: [ModelArea] { areas.sorted { $0.start < $1.start } }

    // MARK: Derived state, recomputed every time

    var pageSizeBitmap: UInt64 {
        var bitmap = UInt64.max
        for domain in domains { bitmap &= domain.pageSizes }
        var folded: UInt64 = 0
        var subPage = false
        for bit in 0..<64 {
            let size = UInt64(1) << UInt64(bit)
            guard bitmap & size != 0 else { continue }
            if size < hostPageSize { subPage = true } else { folded |= size }
        }
        return subPage ? folded | hostPageSize : folded
    }

    var alignment: UInt64 {
        let bitmap = pageSizeBitmap
        for bit in 0..<64 where bitmap & (UInt64(1) << UInt64(bit)) != 0 { return UInt64(1) << UInt64(bit) }
        return hostPageSize
    }

    /// Usable when every domain's aperture holds it and no enforced region touches it.
    func isUsable(_ start: UInt64, _ last: UInt64) -> Bool {
        for domain in domains {
            if start < domain.aperture.start || last > domain.aperture.last { return false }
            for region in domain.reservedRegions where region.kind != .directRelaxable {
                if start <= region.range.last && region.range.start <= last { return false }
            }
        }
        return true
    }

    func charged(_ source: AccountingSource) -> UInt128 {
        var seen = Set<Int>()
        var sum: UInt128 = 0
        for area in areas where seen.insert(area.pagesID).inserted {
            let p = pages[area.pagesID]!
            if p.source == source { sum += UInt128(p.length) }
        }
        return sum
    }

    var total: UInt128 {
        var seen = Set<Int>()
        var sum: UInt128 = 0
        for area in areas where seen.insert(area.pagesID).inserted { sum += UInt128(pages[area.pagesID]!.length) }
        return sum
    }

    func overlapsAny(_ start: UInt64, _ last: UInt64) -> Bool {
        areas.contains { $0.start <= last && start <= $0.last }
    }

    // MARK: Operations

    mutating func map(iova: UInt64, length: UInt64, vaddr: UInt64, pid: Int32, protection: IOMMUProtection,
                      charge: AccountingCharge) -> Result<ModelArea, IOPageTableError> {
        if length == 0 { return .failure(.zeroLength) }
        if iova % alignment != 0 || vaddr % alignment != 0 || length % alignment != 0 { return .failure(.misaligned) }
        if UInt128(iova) + UInt128(length) - 1 > UInt128(UInt64.max) { return .failure(.overflow) }
        if UInt128(vaddr) + UInt128(length) - 1 > UInt128(UInt64.max) { return .failure(.overflow) }
        let last = iova + (length - 1)
        if overlapsAny(iova, last) { return .failure(.overlapsExistingArea) }
        if let entryLimit, areas.count >= entryLimit { return .failure(.entryLimitReached) }
        if !isUsable(iova, last) { return .failure(.outsideUsableIOVA) }
        if !charge.exempt, let limit = charge.limit {
            let would = UInt128(charge.chargedElsewhere) + charged(charge.source) + UInt128(length)
            if would > UInt128(limit) {
                return .failure(.lockedMemoryLimitExceeded(limit: limit, wouldCharge: UInt64(min(would, UInt128(UInt64.max)))))
            }
        }
        let id = nextPagesID
        nextPagesID += 1
        pages[id] = ModelPages(source: charge.source, pid: pid, vaddr: vaddr, length: length, writable: protection.contains(.write))
        let area = ModelArea(start: iova, last: last, pagesID: id, offset: 0, protection: protection)
        areas.append(area)
        return .success(area)
    }

    mutating func unmap(_ start: UInt64, _ last: UInt64) -> Result<UInt64, IOPageTableError> {
        let sorted = sortedAreas
        if let head = sorted.first(where: { $0.start < start && $0.last >= start }) {
            return .failure(.wouldSplitArea(IOVARange(start: head.start, last: head.last)))
        }
        if let tail = sorted.first(where: { $0.start <= last && $0.last > last }) {
            return .failure(.wouldSplitArea(IOVARange(start: tail.start, last: tail.last)))
        }
        var removed: UInt128 = 0
        for area in areas where area.start >= start && area.last <= last {
            removed += UInt128(area.last - area.start) + 1
        }
        areas.removeAll { $0.start >= start && $0.last <= last }
        return .success(UInt64(min(removed, UInt128(UInt64.max))))
    }

    mutating func unmapAll() -> UInt64 {
        var removed: UInt128 = 0
        for area in areas { removed += UInt128(area.last - area.start) + 1 }
        areas = []
        return UInt64(min(removed, UInt128(UInt64.max)))
    }

    /// The pieces of areas covering [start, last], or the first hole.
    func cover(_ start: UInt64, _ last: UInt64) -> Result<[(ModelArea, UInt64, UInt64)], IOPageTableError> {
        var pieces: [(ModelArea, UInt64, UInt64)] = []
        var cursor = UInt128(start)
        for area in sortedAreas where area.last >= start && area.start <= last {
            if UInt128(area.start) > cursor {
                return .failure(.notMapped(IOVARange(start: UInt64(cursor), last: area.start - 1)))
            }
            let pieceStart = max(area.start, start)
            let pieceLast = min(area.last, last)
            pieces.append((area, pieceStart, pieceLast))
            cursor = UInt128(pieceLast) + 1
        }
        if cursor <= UInt128(last) { return .failure(.notMapped(IOVARange(start: UInt64(cursor), last: last))) }
        return .success(pieces)
    }

    mutating func copy(_ start: UInt64, _ last: UInt64, to destination: UInt64,
                       protection: IOMMUProtection) -> Result<[ModelArea], IOPageTableError> {
        let a = alignment
        if start % a != 0 || (UInt128(last) + 1) % UInt128(a) != 0 || destination % a != 0 { return .failure(.misaligned) }
        if UInt128(destination) + UInt128(last - start) > UInt128(UInt64.max) { return .failure(.overflow) }
        let destinationLast = destination + (last - start)
        let pieces: [(ModelArea, UInt64, UInt64)]
        switch cover(start, last) {
        case .failure(let e): return .failure(e)
        case .success(let p): pieces = p
        }
        if overlapsAny(destination, destinationLast) { return .failure(.overlapsExistingArea) }
        if let entryLimit, areas.count + pieces.count > entryLimit { return .failure(.entryLimitReached) }
        if !isUsable(destination, destinationLast) { return .failure(.outsideUsableIOVA) }
        if protection.contains(.write), pieces.contains(where: { !pages[$0.0.pagesID]!.writable }) {
            return .failure(.pagesNotWritable)
        }
        var created: [ModelArea] = []
        for (area, pieceStart, pieceLast) in pieces {
            let newStart = destination + (pieceStart - start)
            created.append(ModelArea(start: newStart, last: newStart + (pieceLast - pieceStart), pagesID: area.pagesID,
                                     offset: area.offset + (pieceStart - area.start), protection: protection))
        }
        areas.append(contentsOf: created)
        return .success(created)
    }

    mutating func attach(_ domain: Domain) -> IOPageTableError? {
        if domains.contains(where: { $0.id == domain.id }) { return .domainAlreadyAttached }
        var smallest: UInt64? = nil
        for bit in 0..<64 where domain.pageSizes & (UInt64(1) << UInt64(bit)) != 0 {
            smallest = UInt64(1) << UInt64(bit)
            break
        }
        guard let smallest, smallest <= hostPageSize else { return .pageSizeTooLarge }
        if areas.contains(where: { $0.start < domain.aperture.start || $0.last > domain.aperture.last }) {
            return .apertureConflict
        }
        // is any byte of the aperture currently usable? probe the aperture's own edges and every boundary
        // of the current reserved set that falls inside it
        var probes: [UInt64] = [0, domain.aperture.start, domain.aperture.last]
        for existing in domains {
            for r in [existing.aperture] + existing.reservedRegions.filter({ $0.kind != .directRelaxable }).map(\.range) {
                if r.start > 0 { probes.append(r.start - 1) }
                if r.last < .max { probes.append(r.last + 1) }
                probes.append(r.start)
                probes.append(r.last)
            }
        }
        if !probes.contains(where: { domain.aperture.contains($0) && isUsable($0, $0) }) { return .apertureConflict }
        let enforced = domain.reservedRegions.filter { $0.kind != .directRelaxable }
        for region in enforced where overlapsAny(region.range.start, region.range.last) {
            return .reservedRegionConflict(region)
        }
        var narrowed = self
        narrowed.domains.append(domain)
        var anyUsable = false
        for p in probes + enforced.flatMap({ [$0.range.start &- 1, $0.range.last &+ 1] }) where narrowed.isUsable(p, p) {
            anyUsable = true
            break
        }
        if !anyUsable { return .noUsableIOVA }
        domains.append(domain)
        return nil
    }

    mutating func detach(_ id: DomainID) -> IOPageTableError? {
        guard let index = domains.firstIndex(where: { $0.id == id }) else { return .domainNotAttached }
        domains.remove(at: index)
        return nil
    }

    func translate(_ start: UInt64, _ last: UInt64, access: IOMMUProtection) -> Result<[TranslationSegment], IOPageTableError> {
        switch cover(start, last) {
        case .failure(let e): return .failure(e)
        case .success(let pieces):
            if pieces.contains(where: { !$0.0.protection.isSuperset(of: access) }) { return .failure(.protectionViolation) }
            return .success(pieces.map { area, s, l in
                let p = pages[area.pagesID]!
                return TranslationSegment(iova: s, vaddr: p.vaddr + area.offset + (s - area.start), length: l - s + 1, pid: p.pid)
            })
        }
    }
}
