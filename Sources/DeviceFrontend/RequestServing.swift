#if canImport(Glibc)
import Glibc
#endif
import CFuse3
import VFIOCompat

// open, release and ioctl as both frontends serve them: the FUSE mount's callbacks
// (LowLevelOperations) and the CUSE devices' callbacks (CUSEOperations) only find
// the node and the shared FrontendSession, then call these. Each ends in exactly
// one fuse_reply_*.

/// The request's context: its pid is the calling thread's id.
func requestContext(_ req: fuse_req_t?) -> fuse_ctx { fuse_req_ctx(req)!.pointee }

/// A new open of `entry`: the handler decides (EBUSY for a second group open), fi->fh keeps its handle.
func serveOpen(_ req: fuse_req_t?, _ s: FrontendSession, entry: NodeEntry, fi: UnsafeMutablePointer<fuse_file_info>?) {
    guard let fi else { fuse_reply_err(req, EIO); return }
    let ctx = requestContext(req)
    let identity = ProcessCaller.readIdentity(tid: Int32(ctx.pid), fallbackUID: ctx.uid, fallbackGID: ctx.gid)
    switch s.handler.open(entry.node, flags: fi.pointee.flags, caller: identity) {
    case .failure(let error):
        s.logger.debug("open refused", metadata: ["node": "\(entry.name)", "pid": "\(identity.pid)", "errno": "\(error)"])
        fuse_reply_err(req, error.rawValue)
    case .success(let handle):
        fi.pointee.fh = handle
        // noflush: closing a duplicate must not send FLUSH back (a stuck FLUSH leaves D-state tasks).
        fi.pointee.noflush = 1
        fi.pointee.direct_io = 1
        fi.pointee.nonseekable = 1
        s.recordOpen(handle: handle, node: entry.node)
        s.logger.debug("open", metadata: ["node": "\(entry.name)", "handle": "\(handle)", "pid": "\(identity.pid)"])
        // An interrupted open gets no RELEASE from the kernel: undo it here.
        if fuse_reply_open(req, fi) == -ENOENT, s.forgetOpen(handle: handle) != nil {
            s.handler.release(handle: handle)
        }
    }
}

/// The last close of an open file description.
func serveRelease(_ req: fuse_req_t?, _ s: FrontendSession, fi: UnsafeMutablePointer<fuse_file_info>?) {
    if let fi, s.forgetOpen(handle: fi.pointee.fh) != nil {
        s.handler.release(handle: fi.pointee.fh)
        s.logger.debug("release", metadata: ["handle": "\(fi.pointee.fh)"])
    }
    fuse_reply_err(req, 0)
}

/// One ioctl. Arrives restricted on both frontends (VFIO's commands are `_IO`: the raw
/// `arg` and no data), so the dispatcher reaches the caller's memory through `ProcessCaller`.
/// The private "which open" request is `_IOR`: the kernel copies its 8 answer bytes out.
func serveIoctl(_ req: fuse_req_t?, _ s: FrontendSession, request: UInt32, arg: UnsafeMutableRawPointer?,
                fi: UnsafeMutablePointer<fuse_file_info>?, flags: UInt32, outputSize: Int) {
    // A 32-bit caller on a 64-bit server: VFIO structs are not compat-translated here.
    if flags & CFuse3_IOCTL_COMPAT != 0 { fuse_reply_err(req, ENOSYS); return }
    guard flags & CFuse3_IOCTL_DIR == 0, let fi else { fuse_reply_err(req, ENOTTY); return }
    let ctx = requestContext(req)
    let tid = Int32(ctx.pid)
    let handle = fi.pointee.fh
    if request == whichOpenRequest {
        // Only our own resolving workers may ask; anyone else sees an unknown request.
        guard s.isResolvingThread(tid), outputSize >= MemoryLayout<UInt64>.size else {
            fuse_reply_err(req, ENOTTY); return
        }
        var answer = handle
        fuse_reply_ioctl(req, 0, &answer, MemoryLayout<UInt64>.size)
        return
    }
    let caller = ProcessCaller(tid: tid, uid: ctx.uid, gid: ctx.gid)
    let result = s.handler.ioctl(handle: handle, request: request, argument: UInt64(UInt(bitPattern: arg)),
                                 caller: caller, resolveFD: { fd throws(Errno) in
        try FDResolver(session: s, callerTID: tid, callerTGID: caller.identity.pid).resolve(fd)
    })
    switch result {
    case .success(let value): fuse_reply_ioctl(req, value, nil, 0)
    case .failure(let error): fuse_reply_err(req, error.rawValue)
    }
}
