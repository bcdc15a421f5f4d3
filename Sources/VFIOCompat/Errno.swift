#if canImport(Glibc)
import Glibc
#endif

/// A Linux error number as the emulated uAPI returns it to the caller of `ioctl(2)`.
///
/// Mirrors the kernel's negative return codes (`-EINVAL` …); the name is kept so
/// translation records can say `EINVAL(22)` without a lookup.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The C macro name (`EINVAL`), or `E<number>` for numbers this table does not know.
    public var name: String {
        Errno.names[rawValue] ?? "E\(rawValue)"
    }
    public var description: String { "\(name)(\(rawValue))" }

    public static let operationNotPermitted = Errno(rawValue: EPERM)     // EPERM
    public static let noSuchEntry = Errno(rawValue: ENOENT)              // ENOENT
    public static let noSuchProcess = Errno(rawValue: ESRCH)             // ESRCH
    public static let interrupted = Errno(rawValue: EINTR)               // EINTR
    public static let ioError = Errno(rawValue: EIO)                     // EIO
    public static let badFileDescriptor = Errno(rawValue: EBADF)         // EBADF
    public static let outOfMemory = Errno(rawValue: ENOMEM)              // ENOMEM
    public static let permissionDenied = Errno(rawValue: EACCES)         // EACCES
    public static let badAddress = Errno(rawValue: EFAULT)               // EFAULT
    public static let busy = Errno(rawValue: EBUSY)                      // EBUSY
    public static let exists = Errno(rawValue: EEXIST)                   // EEXIST
    public static let noSuchDevice = Errno(rawValue: ENODEV)             // ENODEV
    public static let invalidArgument = Errno(rawValue: EINVAL)          // EINVAL
    public static let noSpace = Errno(rawValue: ENOSPC)                  // ENOSPC
    public static let notTTY = Errno(rawValue: ENOTTY)                   // ENOTTY
    public static let noSys = Errno(rawValue: ENOSYS)                    // ENOSYS
    public static let overflow = Errno(rawValue: EOVERFLOW)              // EOVERFLOW
    public static let badFDState = Errno(rawValue: EBADFD)               // EBADFD
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)         // EOPNOTSUPP
    public static let addressInUse = Errno(rawValue: EADDRINUSE)         // EADDRINUSE
    public static let deadlock = Errno(rawValue: EDEADLK)                // EDEADLK (EDEADLOCK)

    static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO",
        EBADF: "EBADF", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT",
        EBUSY: "EBUSY", EEXIST: "EEXIST", ENODEV: "ENODEV", EINVAL: "EINVAL",
        ENOSPC: "ENOSPC", ENOTTY: "ENOTTY", ENOSYS: "ENOSYS", EOVERFLOW: "EOVERFLOW",
        EBADFD: "EBADFD", EOPNOTSUPP: "EOPNOTSUPP", EADDRINUSE: "EADDRINUSE",
        EDEADLK: "EDEADLK", E2BIG: "E2BIG", EAGAIN: "EAGAIN", ENXIO: "ENXIO",
    ]
}
