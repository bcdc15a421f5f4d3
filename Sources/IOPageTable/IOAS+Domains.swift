extension IOAS {
    /// Attaches a simulated IOMMU domain and narrows the usable IOVA space to its aperture minus its
    /// reserved regions. Mirrors type1 `vfio_iommu_type1_attach_group` and iommufd `iopt_table_add_domain` +
    /// `iopt_table_enforce_dev_resv_regions`. On any failure nothing changes.
    public mutating func attach(_ domain: Domain) throws(IOPageTableError) {
        guard !domains.contains(where: { $0.id == domain.id }) else { throw .domainAlreadyAttached }
        // iommufd iopt_table_add_domain: a domain whose smallest page exceeds PAGE_SIZE is refused
        guard let smallest = PageSizes.smallest(domain.pageSizes), smallest <= hostPageSize else {
            throw .pageSizeTooLarge
        }
        // type1: an existing mapping outside the new aperture, or an aperture disjoint from the valid list
        if let first = tree.first, let last = tree.last,
           first.range.start < domain.aperture.start || last.range.last > domain.aperture.last {
            throw .apertureConflict
        }
        guard reserved.usable.contains(where: { $0.overlaps(domain.aperture) }) else { throw .apertureConflict }
        // type1: a reserved region other than DIRECT_RELAXABLE overlapping an existing mapping is EINVAL
        let enforced = domain.reservedRegions.filter(\.kind.isExcludedFromIOVA)
        for region in enforced where tree.overlapsArea(region.range) {
            throw .reservedRegionConflict(region)
        }
        var added: [ReservedRanges.Entry] = []
        if domain.aperture.start > 0 {
            added.append(.init(range: IOVARange(start: 0, last: domain.aperture.start - 1), owner: .aperture(domain.id)))
        }
        if domain.aperture.last < .max {
            added.append(.init(range: IOVARange(start: domain.aperture.last + 1, last: .max), owner: .aperture(domain.id)))
        }
        for region in enforced {
            added.append(.init(range: region.range, owner: .region(domain.id, region.kind)))
        }
        let narrowed = reserved.adding(added)
        // type1: nothing left of the valid list after narrowing is EINVAL
        guard !narrowed.usable.isEmpty else { throw .noUsableIOVA }
        reserved = narrowed
        domains.append(domain)
        pageSizeBitmap = PageSizes.combined(domains, hostPageSize: hostPageSize)
    }

    /// Detaches a domain: drops its reservations and widens the usable space back. Areas stay mapped
    /// (type1 unmaps everything only when the last IOMMU-backed domain goes; the compat layer decides).
    public mutating func detach(_ id: DomainID) throws(IOPageTableError) {
        guard let index = domains.firstIndex(where: { $0.id == id }) else { throw .domainNotAttached }
        domains.remove(at: index)
        reserved = reserved.removing(ownedBy: id)
        pageSizeBitmap = PageSizes.combined(domains, hostPageSize: hostPageSize)
    }
}
