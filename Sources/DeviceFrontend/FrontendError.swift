/// Why the frontend could not mount or serve; each description is one line naming the cause.
public enum FrontendError: Error, Sendable, Hashable, CustomStringConvertible {
    case mountpointMissing(String)
    case mountpointNotDirectory(String)
    case mountpointBusy(String)
    case permissionDenied(String)
    case fuseUnavailable(String)
    case sessionFailed(String)
    case mountFailed(String)
    case loopFailed(Int32)
    case cuseUnavailable(String)
    case invalidDeviceName(String)
    case deviceExists(String)
    case deviceSetupFailed(String)
    /// A CUSE connection ended while the server had not been asked to stop (the kernel refused
    /// CUSE_INIT or aborted the connection).
    case connectionEnded(String)

    public var description: String {
        switch self {
        case .mountpointMissing(let p): "mount point \(p) does not exist"
        case .mountpointNotDirectory(let p): "mount point \(p) is not a directory"
        case .mountpointBusy(let p): "mount point \(p) is already a mount point (busy)"
        case .permissionDenied(let p): "permission denied mounting on \(p)"
        case .fuseUnavailable(let why): "FUSE is unavailable: \(why)"
        case .sessionFailed(let why): "cannot create the FUSE session: \(why)"
        case .mountFailed(let p): "mounting FUSE on \(p) failed (see the log above)"
        case .loopFailed(let code): "the FUSE session loop failed with \(code)"
        case .cuseUnavailable(let why): "CUSE is unavailable: \(why)"
        case .invalidDeviceName(let why): "invalid CUSE device name: \(why)"
        case .deviceExists(let p): "\(p) already exists (another server, or the kernel's own VFIO?)"
        case .deviceSetupFailed(let why): "cannot set up the CUSE device: \(why)"
        case .connectionEnded(let p):
            "the kernel ended the CUSE connection for \(p) before the server was stopped (CUSE_INIT refused, e.g. the name still in use, or the connection aborted; see dmesg)"
        }
    }
}
