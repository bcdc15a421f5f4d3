#if canImport(Glibc)
import Glibc
#endif

/// A log file could not be opened or read.
public struct LogFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var errno: Errno
    public init(path: String, errno: Errno) { self.path = path; self.errno = errno }
    public var description: String { "cannot read \(path): \(errno)" }
}

/// Which file a path names right now: device, inode and size, to notice rotation
/// (a new inode) and truncation (a smaller size).
struct LogFileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
    var size: UInt64

    var sameFile: (UInt64, UInt64) { (device, inode) }

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    init?(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        self.init(st)
    }

    private init(_ st: stat) {
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino); size = UInt64(st.st_size)
    }

    func isSameFile(as other: LogFileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }
}

/// The few reads the log reader and follower need, with EINTR retried.
enum LogFileIO {
    /// Reads `fd` from `offset` to its current end.
    static func read(fd: Int32, from offset: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var position = offset
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(position)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += chunk[0..<n]
            position += UInt64(n)
        }
        return out
    }

    /// Reads a whole file.
    static func readFile(_ path: String) throws(LogFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw LogFileError(path: path, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        return read(fd: fd, from: 0)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
