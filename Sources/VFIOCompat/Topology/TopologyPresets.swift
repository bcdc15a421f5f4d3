/// The built-in topologies. Each serves groups 7 and 8 (viable, one device
/// each) and group 9 (not viable: a host driver holds its device).
extension Topology {
    /// Names accepted by `Topology.load`.
    public static let presetNames = ["x86-vtd", "amd-vi", "arm-smmu", "narrow-39"]

    /// Served when no topology is given.
    public static var `default`: Topology { preset(named: "x86-vtd")! }

    /// The preset called `name`, or nil.
    public static func preset(named name: String) -> Topology? {
        switch name {
        case "x86-vtd": threeGroups(name, domain: .x86VTd)
        case "amd-vi": threeGroups(name, domain: .amdVi)
        case "arm-smmu": threeGroups(name, domain: .armSMMU)
        case "narrow-39": threeGroups(name, domain: .narrow39)
        default: nil
        }
    }

    private static func threeGroups(_ name: String, domain: DomainSpec) -> Topology {
        Topology(name: name, groups: [
            GroupSpec(id: 7, devices: ["0000:00:01.0"], viable: true, domain: domain),
            GroupSpec(id: 8, devices: ["0000:00:02.0"], viable: true, domain: domain),
            GroupSpec(id: 9, devices: ["0000:00:03.0"], viable: false, domain: domain),
        ])
    }
}

extension DomainSpec {
    /// 4 KiB | 2 MiB | 1 GiB.
    public static let pgsizes4K2M1G: UInt64 = (1 << 12) | (1 << 21) | (1 << 30)

    /// x86 interrupt window, reserved as MSI by the Intel and AMD drivers.
    public static let x86MSIWindow = ReservedSpec(start: 0xfee0_0000, last: 0xfeef_ffff, type: .msi)

    /// Intel VT-d: 48-bit aperture, 4K/2M/1G, coherent, the MSI window reserved.
    public static let x86VTd = DomainSpec(apertureStart: 0, apertureLast: (1 << 48) - 1, pgsizes: pgsizes4K2M1G,
                                          coherent: true, reserved: [x86MSIWindow])

    /// AMD-Vi: as VT-d plus the HyperTransport hole (HT_RANGE_START..HT_RANGE_END).
    public static let amdVi = DomainSpec(apertureStart: 0, apertureLast: (1 << 48) - 1, pgsizes: pgsizes4K2M1G,
                                         coherent: true, reserved: [
                                             x86MSIWindow,
                                             ReservedSpec(start: 0xfd_0000_0000, last: 0xff_ffff_ffff, type: .reserved),
                                         ])

    /// ARM SMMU: software MSI window at MSI_IOVA_BASE (0x8000000), MSI_IOVA_LENGTH 1 MiB.
    public static let armSMMU = DomainSpec(apertureStart: 0, apertureLast: (1 << 48) - 1, pgsizes: pgsizes4K2M1G,
                                           coherent: true, reserved: [
                                               ReservedSpec(start: 0x800_0000, last: 0x800_0000 + 0x10_0000 - 1, type: .swMSI),
                                           ])

    /// A 39-bit IOMMU (consumer Intel parts): aperture [0, 2^39-1].
    public static let narrow39 = DomainSpec(apertureStart: 0, apertureLast: (1 << 39) - 1, pgsizes: pgsizes4K2M1G,
                                            coherent: true, reserved: [x86MSIWindow])
}
