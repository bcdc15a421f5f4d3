#if canImport(Glibc)
import Glibc
#endif

/// The mount's directory: the root (inode 1, FUSE_ROOT_ID) and one inode per node.
///
/// Inode numbers are fixed when the server is created (2 + the node's index) and
/// never reused while mounted. Nodes are served as S_IFREG, not S_IFCHR: a FUSE
/// S_IFCHR inode is opened by the kernel's chrdev path (its rdev's driver), so the
/// open and every ioctl would never reach this server.
struct NodeTable: Sendable {
    static let rootInode: UInt64 = 1
    let entries: [NodeEntry]
    /// Timestamps shown for every inode: the creation time of the table.
    let createdAt: timespec

    init(_ entries: [NodeEntry]) {
        self.entries = entries
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        self.createdAt = now
    }

    func inode(ofIndex index: Int) -> UInt64 { UInt64(index) + 2 }

    func entry(forInode inode: UInt64) -> NodeEntry? {
        guard inode >= 2, inode - 2 < UInt64(entries.count) else { return nil }
        return entries[Int(inode - 2)]
    }

    func inode(named name: String) -> UInt64? {
        entries.firstIndex(where: { $0.name == name }).map { inode(ofIndex: $0) }
    }

    /// The attributes of `inode`; nil if it does not exist.
    func attributes(ofInode inode: UInt64) -> stat? {
        var st = stat()
        st.st_ino = ino_t(inode)
        st.st_atim = createdAt; st.st_mtim = createdAt; st.st_ctim = createdAt
        st.st_blksize = 4096
        if inode == Self.rootInode {
            st.st_mode = S_IFDIR | 0o755
            st.st_nlink = 2
            return st
        }
        guard let entry = entry(forInode: inode) else { return nil }
        st.st_mode = S_IFREG | mode_t(entry.mode & 0o7777)
        st.st_nlink = 1
        st.st_uid = entry.uid
        st.st_gid = entry.gid
        return st
    }
}
