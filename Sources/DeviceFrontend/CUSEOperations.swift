#if canImport(Glibc)
import Glibc
#endif
import CFuse3
import VFIOCompat

/// One CUSE character device: the node it serves and its devname (the path under /dev).
/// The session userdata of that device's libfuse session (unretained; the server owns it).
final class CUSEDevice: Sendable {
    let session: FrontendSession
    let entry: NodeEntry
    /// `PREFIX/NAME`, e.g. `vfio-compat/vfio`: CUSE creates `/dev/PREFIX/NAME` through devtmpfs.
    let devname: String
    /// Called once on a worker thread after CUSE_INIT, when the kernel has added the device.
    let appeared: @Sendable (CUSEDevice) -> Void

    init(session: FrontendSession, entry: NodeEntry, devname: String, appeared: @escaping @Sendable (CUSEDevice) -> Void) {
        self.session = session; self.entry = entry; self.devname = devname; self.appeared = appeared
    }

    var path: String { "/dev/" + devname }
}

private func device(_ req: fuse_req_t?) -> CUSEDevice {
    Unmanaged<CUSEDevice>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
}

/// The CUSE callbacks: each device serves exactly one node, so open needs no lookup;
/// the rest is the FUSE frontend's code (RequestServing).
func makeCUSEOperations() -> cuse_lowlevel_ops {
    var ops = cuse_lowlevel_ops()
    ops.init_done = { userdata in
        let d = Unmanaged<CUSEDevice>.fromOpaque(userdata!).takeUnretainedValue()
        d.appeared(d)
    }
    ops.open = { req, fi in
        let d = device(req)
        serveOpen(req, d.session, entry: d.entry, fi: fi)
    }
    ops.release = { req, fi in serveRelease(req, device(req).session, fi: fi) }
    ops.ioctl = { req, cmd, arg, fi, flags, _, _, outputSize in
        serveIoctl(req, device(req).session, request: UInt32(bitPattern: cmd), arg: arg, fi: fi, flags: flags,
                   outputSize: outputSize)
    }
    return ops
}
