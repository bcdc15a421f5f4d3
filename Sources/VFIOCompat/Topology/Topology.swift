import IOPageTable

import Foundation
import Yams

/// What groups the emulator serves: the `/dev/vfio/N` nodes, their devices and
/// the simulated IOMMU domain each group attaches (aperture, page sizes,
/// coherency, reserved regions as `iommu_get_resv_regions` would report them).
///
/// Example topology file (YAML; numbers as integers or `0x…` strings):
/// ```yaml
/// name: lab
/// groups:
///   - id: 7
///     devices: ["0000:00:01.0"]
///     viable: true            # default true
///     uid: 0                  # default 0
///     gid: 0                  # default 0
///     mode: "0600"            # default 0600, like the kernel's group nodes
///     domain:                 # default: the x86-vtd domain
///       aperture: { start: 0, last: "0xffffffffffff" }
///       pgsizes: "0x40201000" # 4K | 2M | 1G
///       coherent: true
///       reserved:
///         - { start: "0xfee00000", last: "0xfeefffff", type: msi }
///   - id: 9
///     devices: ["0000:00:03.0"]
///     viable: false           # a host driver is bound in the group
/// ```
public struct Topology: Hashable, Sendable {
    public var name: String
    public var groups: [GroupSpec]

    public init(name: String, groups: [GroupSpec]) { self.name = name; self.groups = groups }

    /// The group with number `id`, if served.
    public func group(_ id: UInt32) -> GroupSpec? { groups.first { $0.id == id } }
}

/// One IOMMU group: its node `/dev/vfio/<id>` and the devices in it.
public struct GroupSpec: Hashable, Sendable {
    public var id: UInt32
    /// Device names as GET_DEVICE_FD takes them (PCI addresses such as `0000:00:01.0`).
    public var devices: [String]
    /// Whether DMA ownership can be claimed (no host driver bound): GET_STATUS VIABLE.
    public var viable: Bool
    public var uid: UInt32
    public var gid: UInt32
    /// Permission bits of the node; the kernel creates group nodes 0600.
    public var mode: UInt32
    public var domain: DomainSpec

    public init(id: UInt32, devices: [String], viable: Bool = true, uid: UInt32 = 0, gid: UInt32 = 0,
                mode: UInt32 = 0o600, domain: DomainSpec = .x86VTd) {
        self.id = id; self.devices = devices; self.viable = viable
        self.uid = uid; self.gid = gid; self.mode = mode; self.domain = domain
    }
}

/// The simulated IOMMU domain a group attaches: what type1 reads from
/// `iommu_domain.geometry`, `pgsize_bitmap`, `IOMMU_CAP_ENFORCE_CACHE_COHERENCY`
/// and the group's reserved regions.
public struct DomainSpec: Hashable, Sendable {
    public var apertureStart: UInt64
    /// Inclusive.
    public var apertureLast: UInt64
    /// Supported IOMMU page sizes, one bit per size.
    public var pgsizes: UInt64
    /// Enforces cache coherency (DMA_CC_IOMMU).
    public var coherent: Bool
    public var reserved: [ReservedSpec]

    public init(apertureStart: UInt64, apertureLast: UInt64, pgsizes: UInt64, coherent: Bool, reserved: [ReservedSpec]) {
        self.apertureStart = apertureStart; self.apertureLast = apertureLast
        self.pgsizes = pgsizes; self.coherent = coherent; self.reserved = reserved
    }
}

/// One reserved IOVA region, `[start, last]` inclusive, with the kernel's region type.
public struct ReservedSpec: Hashable, Sendable {
    public var start: UInt64
    public var last: UInt64
    public var type: ReservedType

    public init(start: UInt64, last: UInt64, type: ReservedType) { self.start = start; self.last = last; self.type = type }
}

/// `enum iommu_resv_type`, as the engine names it: a topology's reserved regions are
/// the engine's kinds, spelled in YAML and JSON as sysfs does (`msi`, `sw-msi`, …).
public typealias ReservedType = ReservedRegionKind
