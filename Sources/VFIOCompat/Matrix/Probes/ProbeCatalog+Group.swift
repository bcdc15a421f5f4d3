/// Probes of the group nodes (rows G-01 … G-11).
extension ProbeCatalog {
    static var group: [Probe] {
        let bindAttach = ["VFIO_DEVICE_BIND_IOMMUFD", "VFIO_DEVICE_ATTACH_IOMMUFD_PT"]
        return [
            Probe("group-open-exclusive", rows: [.G01], steps: [
                A.open("g", "$MNT/7").okAny(rows: [.G01]),
                A.open("g2", "$MNT/7").err(.busy, rows: [.G01]),
                A.open("h", "$MNT/8").okAny(rows: [.G01]),
                A.close("g").ok(),
                A.open("g3", "$MNT/7").okAny(rows: [.G01]),
            ]),
            Probe("group-get-status", rows: [.G02], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("n", "$MNT/9").okAny(), A.open("c", "$MNT/vfio").okAny(),
                A.getStatus("g").ok(bytes: [.status(flags: 1)], rows: [.G02]),
                // Group 9 has a host driver bound: not viable.
                A.getStatus("n").ok(bytes: [.status(flags: 0)], rows: [.G02]),
                A.getStatus("g", argsz: 7).err(.invalidArgument, bytes: [.status(flags: 0, argsz: 7)], rows: [.G02]),
                A.setContainer("g", "c").ok(),
                A.getStatus("g").ok(bytes: [.status(flags: 3)], rows: [.G02]),
            ]),
            Probe("group-set-container-errors", rows: [.G03], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(), A.open("c2", "$MNT/vfio").okAny(),
                A.badptr("g", "VFIO_GROUP_SET_CONTAINER").err(.badAddress, rows: [.G03]),
                A.close("c2").ok(),
                A.setContainer("g", "c2").err(.badFileDescriptor, rows: [.G03]),
                A.setContainer("g", "c").expect(type1: .ok(rows: [.G03], ops: setContainerOps),
                                                iommufd: .ok(rows: [.G03], divergence: .G04, ops: setContainerOps + ["VFIO_DEVICE_ATTACH_IOMMUFD_PT"])),
                // Already in a container: EINVAL, not EBUSY.
                A.setContainer("g", "c").err(.invalidArgument, rows: [.G03]),
            ]),
            Probe("group-join-set-container", rows: [.G04], steps: attached() + [
                A.open("h", "$MNT/8").okAny(),
                A.setContainer("h", "c").ok(rows: [.G04, .B04], divergence: .G04, ops: bindAttach),
                A.getStatus("h").ok(bytes: [.status(flags: 3)]),
            ]),
            Probe("group-unset-container", rows: [.G05], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(),
                A.unsetContainer("g").err(.invalidArgument, rows: [.G05]),
                A.setContainer("g", "c").ok(),
                A.unsetContainer("g").ok(rows: [.G05], divergence: .C14),
                A.getStatus("g").ok(bytes: [.status(flags: 1)]),
                A.unsetContainer("g").err(.invalidArgument, rows: [.G05]),
            ]),
            Probe("group-get-device-fd-errors", rows: [.G06], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("c", "$MNT/vfio").okAny(),
                A.getDeviceFD("g", "0000:00:01.0").err(.invalidArgument, rows: [.G06]),
                A.getDeviceFD("g", "0000:00:09.0").err(.noSuchDevice, rows: [.G06]),
                A.badptr("g", "VFIO_GROUP_GET_DEVICE_FD").err(.badAddress, rows: [.G06]),
                A.setContainer("g", "c").ok(),
                // A container without a driver: type1 EINVAL; compat opens the device here (G-08).
                A.getDeviceFD("g", "0000:00:01.0").expect(type1: .err(.invalidArgument, rows: [.G06]),
                                                          iommufd: .err(.notSupported, rows: [.G06], unsupported: .G08)),
            ]),
            Probe("group-get-device-fd", rows: [.G08], steps: attached() + [
                A.getDeviceFD("g", "0000:00:01.0").err(.notSupported, rows: [.G06, .G08], unsupported: .G08,
                                                       ops: ["open /dev/vfio/devices/vfioN + VFIO_DEVICE_BIND_IOMMUFD"]),
            ]),
            Probe("group-unknown-ioctl", rows: [.G09], steps: [
                A.open("g", "$MNT/7").okAny(),
                A.ioctl("g", "VFIO_GET_API_VERSION").err(.notTTY, rows: [.G09]),
                A.ioctl("g", "VFIO_IOMMU_MAP_DMA").err(.notTTY, rows: [.G09]),
                A.ioctl("g", "0x3b7f").err(.notTTY, rows: [.G09]),
            ]),
            Probe("group-set-container-not-viable", rows: [.G10], steps: [
                A.open("n", "$MNT/9").okAny(), A.open("c", "$MNT/vfio").okAny(),
                // type1 (>= v5.19): DMA ownership cannot be claimed, EPERM; compat checks at device open.
                A.setContainer("n", "c").expect(type1: .err(.operationNotPermitted, rows: [.G10], divergence: .G10),
                                                iommufd: .ok(rows: [.G10], divergence: .G10, ops: setContainerOps)),
                A.getStatus("n").expect(type1: .ok(bytes: [.status(flags: 0)]), iommufd: .ok(bytes: [.status(flags: 3)])),
            ]),
            Probe("group-set-container-foreign-fd", rows: [.G11], steps: [
                A.open("g", "$MNT/7").okAny(), A.open("h", "$MNT/8").okAny(), A.open("null", "/dev/null").okAny(),
                A.setContainer("g", "null").err(.badFDState, rows: [.G11]),
                // A group fd is not a container either.
                A.setContainer("g", "h").err(.badFDState, rows: [.G11]),
                A.getStatus("g").ok(bytes: [.status(flags: 1)]),
            ]),
        ]
    }
}
