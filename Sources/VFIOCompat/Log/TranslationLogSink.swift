#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where the log writer's thread puts each encoded record (one JSON line,
/// newline included). Only the writer thread calls a sink, one call at a time.
public protocol TranslationLogSink: AnyObject, Sendable {
    /// Writes one whole line; returns only when it has been handed to the kernel.
    func write(_ line: [UInt8]) throws(Errno)
    /// Makes everything written durable (fsync for files).
    func sync() throws(Errno)
    /// Releases the sink; no call follows.
    func close()
}

/// An in-memory sink for tests: keeps every line it was given.
public final class MemoryLogSink: TranslationLogSink {
    private let state = Mutex<(lines: [[UInt8]], synced: Bool, closed: Bool)>(([], false, false))

    public init() {}

    public func write(_ line: [UInt8]) throws(Errno) {
        state.withLock { $0.lines.append(line) }
    }
    public func sync() throws(Errno) { state.withLock { $0.synced = true } }
    public func close() { state.withLock { $0.closed = true } }

    /// The lines written so far, each with its trailing newline.
    public var lines: [[UInt8]] { state.withLock { $0.lines } }
    /// Whether `sync()` has been called.
    public var synced: Bool { state.withLock { $0.synced } }
    /// Whether `close()` has been called.
    public var closed: Bool { state.withLock { $0.closed } }
}
