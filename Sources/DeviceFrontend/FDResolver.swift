#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import VFIOCompat

/// The frontend's private request, `_IOR(';', 0xE0, __u64)`: "which open is this?".
///
/// Type ';' is VFIO's; nr 0xE0 lies far above VFIO's 100...121 and iommufd's 0x80... range.
/// It is answered only for our own resolving threads (with that open's handle) and is
/// ENOTTY for anyone else; it never reaches the handler.
let whichOpenRequest = UInt32(truncatingIfNeeded: clinux_FRONTEND_IOC_WHICH_OPEN)

/// Resolves a file-descriptor number of the calling process to the open file description it names.
///
/// Mirrors the kernel's `fdget(fd)` in VFIO_GROUP_SET_CONTAINER: the same open file
/// description, not just the same path, so two opens in one process stay distinct and
/// dup()ed, fork-inherited or SCM_RIGHTS-passed fds resolve to the same open.
struct FDResolver {
    let session: FrontendSession
    /// Thread id of the requesting thread (FUSE's request pid).
    let callerTID: Int32
    /// The caller's thread-group id (pidfd_open needs the group leader).
    let callerTGID: Int32

    func resolve(_ fd: Int32) throws(Errno) -> FDResolution {
        let pidfd = clinux_pidfd_open(callerTGID)
        guard pidfd >= 0 else { throw currentErrno() }
        let duplicate = clinux_pidfd_getfd(pidfd, fd)
        let getfdError = currentErrno()
        close(pidfd)
        // pidfd_getfd: EBADF when the caller has no such fd.
        guard duplicate >= 0 else { throw getfdError.rawValue == EBADF ? .badFileDescriptor : getfdError }
        defer { close(duplicate) }

        guard let st = statDescriptor(duplicate) else { throw currentErrno() }
        guard session.serves(st) else { return .foreign }
        let me = clinux_gettid()
        // Each resolution holds this worker while another serves the nested request.
        guard session.beginResolution(tid: me) else { throw Errno(rawValue: EAGAIN) }
        defer { session.endResolution(tid: me) }
        var handle: UInt64 = 0
        let rc = withUnsafeMutablePointer(to: &handle) {
            clinux_ioctl(duplicate, clinux_FRONTEND_IOC_WHICH_OPEN, UInt64(UInt(bitPattern: $0)))
        }
        guard rc == 0, let node = session.node(ofHandle: handle) else { return .foreign }
        return .node(handle: handle, node: node)
    }
}
