/// Which records `log show` prints: every set criterion must hold.
/// `unsupported` and `divergent` together select records that are either.
public struct LogFilter: Sendable, Hashable {
    /// Only calls that hit an unsupported feature.
    public var unsupported: Bool
    /// Only calls whose outcome differs between type1 and iommufd.
    public var divergent: Bool
    /// Only calls from this process (the record's `pid`).
    public var pid: Int32?
    /// Only calls on this container id.
    public var container: UInt32?
    /// Only this legacy call; see `ioctlName(_:matches:)`.
    public var ioctl: String?

    public init(
        unsupported: Bool = false, divergent: Bool = false,
        pid: Int32? = nil, container: UInt32? = nil, ioctl: String? = nil
    ) {
        self.unsupported = unsupported; self.divergent = divergent
        self.pid = pid; self.container = container; self.ioctl = ioctl
    }

    public func matches(_ record: TranslationRecord) -> Bool {
        if unsupported || divergent {
            let hit = (unsupported && record.unsupported != nil) || (divergent && record.divergence != nil)
            if !hit { return false }
        }
        if let pid, record.pid != pid { return false }
        if let container, record.container != container { return false }
        if let ioctl, !Self.ioctlName(record.ioctl, matches: ioctl) { return false }
        return true
    }

    /// Case-insensitive match on the full name (`VFIO_IOMMU_MAP_DMA`) or the short
    /// name `log show` prints (`MAP_DMA`, `SET_CONTAINER`, `open`).
    public static func ioctlName(_ name: String, matches query: String) -> Bool {
        let q = query.uppercased()
        return name.uppercased() == q || LogRendering.shortName(name).uppercased() == q
    }
}
