#if canImport(Glibc)
import Glibc
#endif
import CFuse3
import VFIOCompat

// The libfuse low-level callbacks. Built in an ordinary function in a non-main file:
// closures written at top level in main.swift would be inferred @MainActor and trap
// on the first worker thread. Every callback ends in exactly one fuse_reply_*.

/// The session state stored as libfuse userdata (unretained; the server owns it).
private func session(_ req: fuse_req_t?) -> FrontendSession {
    Unmanaged<FrontendSession>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
}

/// The request's context: its pid is the calling thread's id.
private func requestContext(_ req: fuse_req_t?) -> fuse_ctx { fuse_req_ctx(req)!.pointee }

func makeLowLevelOperations() -> fuse_lowlevel_ops {
    var ops = fuse_lowlevel_ops()

    ops.lookup = { req, parent, name in
        let s = session(req)
        guard parent == NodeTable.rootInode, let name, let inode = s.table.inode(named: String(cString: name)),
              let attributes = s.table.attributes(ofInode: inode) else {
            fuse_reply_err(req, ENOENT); return
        }
        var entry = fuse_entry_param()
        entry.ino = inode
        entry.generation = 1
        entry.attr = attributes
        entry.attr_timeout = s.attributeTimeout
        entry.entry_timeout = s.attributeTimeout
        fuse_reply_entry(req, &entry)
    }

    ops.getattr = { req, inode, _ in
        let s = session(req)
        guard var attributes = s.table.attributes(ofInode: inode) else { fuse_reply_err(req, ENOENT); return }
        fuse_reply_attr(req, &attributes, s.attributeTimeout)
    }

    ops.readdir = { req, inode, size, offset, _ in
        let s = session(req)
        guard inode == NodeTable.rootInode else { fuse_reply_err(req, ENOTDIR); return }
        var listing: [(name: String, inode: UInt64, mode: mode_t)] = [(".", inode, S_IFDIR), ("..", inode, S_IFDIR)]
        for (index, entry) in s.table.entries.enumerated() {
            listing.append((entry.name, s.table.inode(ofIndex: index), S_IFREG))
        }
        var buffer = [CChar](repeating: 0, count: size)
        var used = 0
        buffer.withUnsafeMutableBufferPointer { out in
            var index = Int(offset)
            while index < listing.count {
                var st = stat()
                st.st_ino = ino_t(listing[index].inode)
                st.st_mode = listing[index].mode
                let needed = fuse_add_direntry(req, out.baseAddress! + used, size - used,
                                               listing[index].name, &st, off_t(index + 1))
                if needed > size - used { break }
                used += needed
                index += 1
            }
            fuse_reply_buf(req, out.baseAddress, used)
        }
    }

    ops.open = { req, inode, fi in
        let s = session(req)
        guard let fi else { fuse_reply_err(req, EIO); return }
        guard let entry = s.table.entry(forInode: inode) else {
            fuse_reply_err(req, inode == NodeTable.rootInode ? EISDIR : ENOENT); return
        }
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

    ops.release = { req, _, fi in
        let s = session(req)
        if let fi, s.forgetOpen(handle: fi.pointee.fh) != nil {
            s.handler.release(handle: fi.pointee.fh)
            s.logger.debug("release", metadata: ["handle": "\(fi.pointee.fh)"])
        }
        fuse_reply_err(req, 0)
    }

    ops.ioctl = { req, _, request, arg, fi, flags, _, _, outputSize in
        let s = session(req)
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

    return ops
}
