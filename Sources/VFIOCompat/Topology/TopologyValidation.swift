/// Checks a decoded topology before anything is served; every error names the group and field.
extension Topology {
    public func validate() throws(TopologyError) {
        if groups.isEmpty { throw TopologyError(location: "groups", message: "at least one group is needed") }
        var seenIDs = Set<UInt32>()
        var seenDevices: [String: UInt32] = [:]
        for group in groups {
            let where_ = "group \(group.id)"
            guard seenIDs.insert(group.id).inserted else {
                throw TopologyError(location: "\(where_): id", message: "group \(group.id) is listed more than once")
            }
            if group.devices.isEmpty {
                throw TopologyError(location: "\(where_): devices", message: "a group holds at least one device")
            }
            for device in group.devices {
                if device.isEmpty { throw TopologyError(location: "\(where_): devices", message: "empty device name") }
                if let other = seenDevices[device] {
                    throw TopologyError(location: "\(where_): devices", message: "\(device) is already in group \(other)")
                }
                seenDevices[device] = group.id
            }
            if group.mode > 0o7777 {
                throw TopologyError(location: "\(where_): mode", message: "0o\(String(group.mode, radix: 8)) is not a permission mode")
            }
            try group.domain.validate(location: "\(where_): domain")
        }
    }
}

extension DomainSpec {
    func validate(location: String) throws(TopologyError) {
        if apertureStart > apertureLast {
            throw TopologyError(location: "\(location).aperture",
                                message: "start \(TopologyNumber.hex(apertureStart)) is above last \(TopologyNumber.hex(apertureLast))")
        }
        if pgsizes == 0 {
            throw TopologyError(location: "\(location).pgsizes", message: "must have at least one page size bit set")
        }
        for (index, region) in reserved.enumerated() where region.start > region.last {
            throw TopologyError(location: "\(location).reserved[\(index)]",
                                message: "start \(TopologyNumber.hex(region.start)) is above last \(TopologyNumber.hex(region.last))")
        }
    }
}
