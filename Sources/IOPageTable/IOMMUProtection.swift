/// Access rights of an area, as IOMMU_READ / IOMMU_WRITE in `iommu_map()`.
public struct IOMMUProtection: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = IOMMUProtection(rawValue: 1 << 0)
    public static let write = IOMMUProtection(rawValue: 1 << 1)
}
