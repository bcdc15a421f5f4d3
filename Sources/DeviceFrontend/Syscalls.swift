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

/// The bytes of a whole (proc) file; nil if it cannot be opened or read.
/// procfs hands out seq_file text a page or so per read(2), so the buffer is
/// one fixed chunk and only what each read returned is appended.
func readWholeFileBytes(_ path: String, limit: Int = 16 << 20) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { chunk.deallocate() }
    var bytes: [UInt8] = []
    while bytes.count < limit {
        let n = read(fd, chunk.baseAddress, chunk.count)
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
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
func isCharacterDevice(_ mode: mode_t) -> Bool { mode & S_IFMT == S_IFCHR }

/// Runs `body` on a new detached pthread.
func spawnDetachedThread(_ body: @escaping @Sendable () -> Void) {
    if let thread = spawnJoinableThread(body) { pthread_detach(thread) }
}

/// Runs `body` on a new pthread the caller must join; nil if it could not be created.
func spawnJoinableThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: @unchecked Sendable { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    if rc == 0 { return thread }
    Unmanaged<Box>.fromOpaque(context).release()
    return nil
}
