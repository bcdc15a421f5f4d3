#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import VFIOCompat

/// A private mount namespace in which `/dev/vfio` is the shim's FUSE directory, for one command.
///
/// `enter()` unshares the calling thread's mount namespace (threads and children it creates later
/// share it), makes every mount private so nothing propagates back to the host, and mounts a tmpfs
/// workspace holding `shim/` (the FUSE mount point). `exposeAtDevVFIO()` binds `shim/` over an
/// existing `/dev/vfio`, or, when the host has none, mounts a tmpfs over `/dev` that re-binds every
/// original entry and adds `vfio`. The host's mounts and `/dev` are never changed; only the empty
/// workspace directory under /tmp is visible to the host, and `tearDown()` removes it.
public final class ShimNamespace {
    /// How `/dev/vfio` was made to show the shim.
    public enum Exposure: Sendable, Hashable, CustomStringConvertible {
        /// The host has `/dev/vfio`: the shim is bound over it.
        case boundOverExisting
        /// The host has none: a tmpfs over `/dev` re-binds `entries` originals beside the shim.
        case rebuiltDev(entries: Int)

        public var description: String {
            switch self {
            case .boundOverExisting: "bound over the existing /dev/vfio"
            case .rebuiltDev(let n): "a private /dev (\(n) entries re-bound) with vfio added"
            }
        }
    }

    /// The tmpfs workspace (a fresh directory under /tmp, mounted only in this namespace).
    public let workspace: String
    /// Where the FUSE server mounts: `workspace/shim`.
    public var shimDirectory: String { workspace + "/shim" }
    private var exposure: Exposure?
    private var torn = false

    private init(workspace: String) { self.workspace = workspace }

    /// Unshares the mount namespace of the calling thread and prepares the workspace.
    /// Call it before creating the threads that must see the private mounts.
    public static func enter() throws(NamespaceError) -> ShimNamespace {
        guard clinux_unshare_mount_namespace() == 0 else { throw .call("unshare(CLONE_NEWNS)", currentErrno()) }
        // Like `unshare -m`: stop every mount event from propagating to (or from) the host.
        guard mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            throw .call("mount --make-rprivate /", currentErrno())
        }
        var template = Array("/tmp/vfio-compat-exec.XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw .call("mkdtemp /tmp/vfio-compat-exec.XXXXXX", currentErrno())
        }
        let workspace = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }  // mkdtemp kept the NUL
        guard mount("vfio-compat", workspace, "tmpfs", UInt(MS_NOSUID | MS_NODEV), "mode=0700") == 0 else {
            let error = currentErrno()
            rmdir(workspace)
            throw .call("mount tmpfs on \(workspace)", error)
        }
        guard mkdir(workspace + "/shim", 0o755) == 0 else {
            let error = currentErrno()
            umount2(workspace, Int32(MNT_DETACH)); rmdir(workspace)
            throw .call("mkdir \(workspace)/shim", error)
        }
        return ShimNamespace(workspace: workspace)
    }

    /// Makes `/dev/vfio` show `shimDirectory` (already mounted) in this namespace.
    @discardableResult
    public func exposeAtDevVFIO() throws(NamespaceError) -> Exposure {
        let result: Exposure
        if let st = lstatPath("/dev/vfio") {
            guard isDirectory(st.st_mode) else { throw .notDirectory("/dev/vfio") }
            try bind(shimDirectory, on: "/dev/vfio", recursive: false)
            result = .boundOverExisting
        } else {
            result = .rebuiltDev(entries: try rebuildDev())
        }
        exposure = result
        return result
    }

    /// A tmpfs over `/dev` holding a bind of every original entry (submounts such as /dev/pts
    /// and /dev/shm come along) and `vfio`; returns how many entries were re-bound.
    private func rebuildDev() throws(NamespaceError) -> Int {
        // Keep the original /dev reachable while the tmpfs covers it.
        let original = workspace + "/dev"
        guard mkdir(original, 0o755) == 0 else { throw .call("mkdir \(original)", currentErrno()) }
        try bind("/dev", on: original, recursive: true)
        defer { umount2(original, Int32(MNT_DETACH)); rmdir(original) }
        let names = try directoryEntries(original)
        guard mount("tmpfs", "/dev", "tmpfs", UInt(MS_NOSUID), "mode=0755") == 0 else {
            throw .call("mount tmpfs on /dev", currentErrno())
        }
        do {
            try populateDev(from: original, names: names)
        } catch {
            umount2("/dev", Int32(MNT_DETACH))
            throw error
        }
        return names.count
    }

    /// Re-creates each entry of the original /dev (`names`, reached under `original`) in the new
    /// tmpfs: symlinks copied, directories and other inodes bound; then `vfio` bound to the shim.
    private func populateDev(from original: String, names: [String]) throws(NamespaceError) {
        for name in names {
            let source = original + "/" + name, target = "/dev/" + name
            guard let st = lstatPath(source) else { continue }
            if st.st_mode & S_IFMT == S_IFLNK {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(source, &buffer, buffer.count - 1)
                guard n >= 0 else { throw .call("readlink \(source)", currentErrno()) }
                buffer[n] = 0
                guard symlink(buffer, target) == 0 else { throw .call("symlink \(target)", currentErrno()) }
            } else if isDirectory(st.st_mode) {
                guard mkdir(target, st.st_mode & 0o7777) == 0 else { throw .call("mkdir \(target)", currentErrno()) }
                try bind(source, on: target, recursive: true)
            } else {
                // Device nodes, sockets, FIFOs and files: bind the original inode over an empty file.
                let fd = open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw .call("create \(target)", currentErrno()) }
                close(fd)
                try bind(source, on: target, recursive: false)
            }
        }
        guard mkdir("/dev/vfio", 0o755) == 0 else { throw .call("mkdir /dev/vfio", currentErrno()) }
        try bind(shimDirectory, on: "/dev/vfio", recursive: false)
    }

    /// Undoes `exposeAtDevVFIO()` (so no process of the command still reaches the shim through
    /// /dev/vfio). Call before stopping the FUSE server.
    public func hideDevVFIO() {
        switch exposure {
        case .boundOverExisting?: umount2("/dev/vfio", Int32(MNT_DETACH))
        case .rebuiltDev?: umount2("/dev", Int32(MNT_DETACH))
        case nil: break
        }
        exposure = nil
    }

    /// Unmounts the workspace and removes its directory; call after the FUSE server has unmounted.
    /// Idempotent.
    public func tearDown() {
        guard !torn else { return }
        torn = true
        hideDevVFIO()
        umount2(shimDirectory, Int32(MNT_DETACH))
        umount2(workspace, Int32(MNT_DETACH))
        rmdir(workspace)
    }

    deinit { tearDown() }

    private func bind(_ source: String, on target: String, recursive: Bool) throws(NamespaceError) {
        let flags = UInt(MS_BIND) | (recursive ? UInt(MS_REC) : 0)
        guard mount(source, target, nil, flags, nil) == 0 else { throw .call("bind \(source) on \(target)", currentErrno()) }
    }

    private func directoryEntries(_ path: String) throws(NamespaceError) -> [String] {
        guard let dir = opendir(path) else { throw .call("opendir \(path)", currentErrno()) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

/// Why the private namespace could not be set up; one line naming the call and the errno.
public enum NamespaceError: Error, Sendable, Hashable, CustomStringConvertible {
    case call(String, Errno)
    case notDirectory(String)

    public var description: String {
        switch self {
        case .call(let what, let errno): "\(what): \(String(cString: strerror(errno.rawValue)))"
        case .notDirectory(let path): "\(path) exists and is not a directory"
        }
    }
}

/// lstat(2); nil on failure.
func lstatPath(_ path: String) -> stat? {
    var st = stat()
    return lstat(path, &st) == 0 ? st : nil
}
