#if canImport(Glibc)
import Glibc
#endif

/// A log file rotated by size: before a line would take FILE past `maxBytes`,
/// FILE.(keep-1) → FILE.keep, …, FILE.1 → FILE.2, FILE → FILE.1, and a new FILE
/// is started. The oldest file beyond `keep` is overwritten by the rename.
///
/// Every line goes out in one `write(2)` loop with no userspace buffering, so a
/// crash loses at most the line being written. Only the writer thread uses it.
public final class RotatingLogFile: TranslationLogSink, @unchecked Sendable {
    public let path: String
    public let maxBytes: UInt64
    public let keep: Int
    private var fd: Int32
    private var size: UInt64

    /// Opens (creating, or appending to) `path`.
    public init(path: String, maxBytes: UInt64 = 64 << 20, keep: Int = 3) throws(Errno) {
        self.path = path; self.maxBytes = max(1, maxBytes); self.keep = max(0, keep)
        (fd, size) = try Self.open(path)
    }

    /// The name of the `index`-th rotated file: FILE.1 is the newest.
    public static func rotatedPath(_ path: String, _ index: Int) -> String { "\(path).\(index)" }

    private static func open(_ path: String) throws(Errno) -> (Int32, UInt64) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw Errno(rawValue: errno) }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            Glibc.close(fd)
            throw Errno(rawValue: e)
        }
        return (fd, UInt64(st.st_size))
    }

    public func write(_ line: [UInt8]) throws(Errno) {
        // A failed reopen after rotation is retried on the next line.
        if fd < 0 { (fd, size) = try Self.open(path) }
        // A line longer than maxBytes still goes into a fresh file of its own.
        if size > 0 && size + UInt64(line.count) > maxBytes {
            try rotate()
        }
        var done = 0
        while done < line.count {
            let n = line.withUnsafeBytes { buf in
                Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Errno(rawValue: errno)
            }
            done += n
        }
        size += UInt64(line.count)
    }

    /// Shifts FILE.i → FILE.(i+1) (keeping `keep` old files) and FILE → FILE.1, then reopens FILE.
    private func rotate() throws(Errno) {
        Glibc.close(fd)
        fd = -1
        if keep == 0 {
            unlink(path)
        } else {
            for i in stride(from: keep - 1, through: 1, by: -1) {
                let from = Self.rotatedPath(path, i)
                if access(from, F_OK) == 0 { rename(from, Self.rotatedPath(path, i + 1)) }
            }
            rename(path, Self.rotatedPath(path, 1))
        }
        (fd, size) = try Self.open(path)
    }

    public func sync() throws(Errno) {
        if fd >= 0 && fsync(fd) != 0 { throw Errno(rawValue: errno) }
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
