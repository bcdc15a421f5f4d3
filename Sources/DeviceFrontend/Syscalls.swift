#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import VFIOCompat

// The few libc calls the frontend makes outside libfuse, each wrapped once.

/// The calling thread's errno as an `Errno`.
func currentErrno() -> Errno { Errno(rawValue: clinux_errno()) }

/// Reads a whole (small, procfs) file; nil if it cannot be opened or read.
func readWholeFile(_ path: String, limit: Int = 16 << 20) -> String? {
    readWholeFileBytes(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
}

/// The bytes of a whole (proc) file, read straight into the result; nil if it cannot be opened or read.
func readWholeFileBytes(_ path: String, limit: Int = 16 << 20) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var capacity = 4096
    while bytes.count < limit {
        let have = bytes.count
        bytes.reserveCapacity(have + capacity)
        var failed = false
        var n = 0
        bytes.append(contentsOf: repeatElement(0, count: capacity))
        bytes.withUnsafeMutableBytes { buffer in
            n = read(fd, buffer.baseAddress! + have, capacity)
            failed = n < 0
        }
        if failed {
            bytes.removeLast(capacity)
            if errno == EINTR { continue }
            return nil
        }
        bytes.removeLast(capacity - n)
        if n == 0 { break }
        capacity = min(capacity * 2, 1 << 20)
    }
    return bytes
}

/// stat(2); nil on failure (errno left set).
func statPath(_ path: String) -> stat? {
    var st = stat()
    return stat(path, &st) == 0 ? st : nil
}

/// fstat(2); nil on failure.
func statDescriptor(_ fd: Int32) -> stat? {
    var st = stat()
    return fstat(fd, &st) == 0 ? st : nil
}

/// Whether a `st_mode` is a regular file / a directory (the S_IS* macros do not import).
func isRegularFile(_ mode: mode_t) -> Bool { mode & S_IFMT == S_IFREG }
func isDirectory(_ mode: mode_t) -> Bool { mode & S_IFMT == S_IFDIR }

/// Runs `body` on a new detached pthread.
func spawnDetachedThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    if rc == 0 { pthread_detach(thread) } else { Unmanaged<Box>.fromOpaque(context).release() }
}
