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
        guard let entry = s.table.entry(forInode: inode) else {
            fuse_reply_err(req, inode == NodeTable.rootInode ? EISDIR : ENOENT); return
        }
        serveOpen(req, s, entry: entry, fi: fi)
    }

    ops.release = { req, _, fi in serveRelease(req, session(req), fi: fi) }

    ops.ioctl = { req, _, request, arg, fi, flags, _, _, outputSize in
        serveIoctl(req, session(req), request: request, arg: arg, fi: fi, flags: flags, outputSize: outputSize)
    }

    return ops
}
