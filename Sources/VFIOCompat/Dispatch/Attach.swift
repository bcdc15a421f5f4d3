import IOPageTable

extension DispatcherState {
    /// type1 `__vfio_container_attach_groups`: at SET_IOMMU every group's
    /// domain is attached in turn; if one fails, none stays attached.
    mutating func attachAllGroups(_ container: inout Container, record: inout CallRecord) throws(Errno) {
        var ioas = container.ioas  // value copy: discarded on failure, so nothing changes
        for number in container.groups {
            try attachDomain(of: number, to: &ioas, record: &record)
        }
        container.ioas = ioas
    }

    /// Attaches one group's simulated domain: type1 `vfio_iommu_type1_attach_group`
    /// narrows the valid IOVA list to the aperture minus reserved regions, or
    /// iommufd `iopt_table_add_domain` + `iopt_table_enforce_dev_resv_regions`.
    func attachDomain(of number: UInt32, to ioas: inout IOAS, record: inout CallRecord) throws(Errno) {
        let group = groups[number]!
        do {
            try ioas.attach(group.domain)
        } catch {
            throw attachErrno(error, record: &record)
        }
        record.touch(.B01)
        if ioas.attachedDomains.count > 1 { record.touch(.B04) }
        for device in group.spec.devices {
            record.op("VFIO_DEVICE_ATTACH_IOMMUFD_PT", ["device": .string(device), "pt": .string("compat IOAS")])
        }
    }

    /// Maps an engine attach failure to the errno the selected kernel returns.
    private func attachErrno(_ error: IOPageTableError, record: inout CallRecord) -> Errno {
        switch error {
        case .apertureConflict, .reservedRegionConflict:
            // type1 attach: EINVAL (aperture / reserved-region check); iommufd: EADDRINUSE from the reservation.
            record.diverge(.B02, type1: .error(.invalidArgument), iommufd: .error(.addressInUse))
            return profile == .type1 ? .invalidArgument : .addressInUse
        default:
            // domain already present, nothing usable left, or a page size larger than PAGE_SIZE.
            record.touch(.B01)
            return .invalidArgument
        }
    }

    /// Detaches a group from its container, as UNSET_CONTAINER or the group's
    /// release does (`vfio_group_detach_container`). The last group out
    /// releases the type1 driver: every mapping goes and the type must be set
    /// again. Under iommufd the IOAS belongs to the iommufd and keeps its mappings.
    mutating func detachGroup(_ number: UInt32, from id: UInt32, record: inout CallRecord) {
        groups[number]?.container = nil
        guard containers[id] != nil else { return }
        containers[id]!.groups.removeAll { $0 == number }
        // A group not yet behind a domain (type1 before SET_IOMMU, a non-viable group under iommufd) has none to drop.
        if (try? containers[id]!.ioas.detach(DomainID(rawValue: number))) != nil {
            for device in groups[number]?.spec.devices ?? [] {
                record.op("VFIO_DEVICE_DETACH_IOMMUFD_PT", ["device": .string(device)])
            }
        }
        if containers[id]!.groups.isEmpty {
            let mappings = containers[id]!.ioas.areaCount
            let kept = "IOAS and \(mappings) mapping(s) kept"
            let destroyed = "\(mappings) mapping(s) destroyed, type reset"
            switch profile {
            case .type1:
                let bytes = containers[id]!.ioas.unmapAll()
                containers[id]!.iommuType = nil
                record.op("IOMMU_IOAS_UNMAP", ["iova": .uint(0), "length": .uint(UInt64.max), "unmapped": .uint(bytes)])
                record.op("IOMMU_DESTROY", ["object": .string("compat IOAS")])
            case .iommufd:
                break
            }
            record.diverge(.C14, type1: .text(destroyed), iommufd: .text(kept))
        }
        if containers[id]!.isUnreferenced {
            if profile == .iommufd {
                record.op("IOMMU_DESTROY", ["object": .string("compat IOAS (iommufd closed)")])
            }
            containers[id] = nil
        }
    }
}
