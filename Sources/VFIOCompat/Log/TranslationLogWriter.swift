#if canImport(Glibc)
import Glibc
#endif
import Logging

/// The translation log's writer: the ioctl path hands it records, a dedicated
/// thread encodes each one and writes it to the sink as one JSON line.
///
/// `append(_:)` never blocks indefinitely: the queue is bounded (`capacity`);
/// when it is full an append waits at most `appendTimeoutNs` and then drops
/// the record and counts it. The count is never lost: as soon as the writer
/// thread takes the next batch it writes a synthetic `log-dropped` record
/// (`args.count` = records dropped since the previous notice), and
/// `droppedCount` keeps the running total.
///
/// Locking: every mutable field lives in `State` and is touched only inside
/// `monitor.withLock` (a pthread mutex with timed condition variables).
/// The sink is touched only by the writer thread, without the lock.
public final class TranslationLogWriter: @unchecked Sendable {
    /// What happened to one appended record.
    public enum AppendOutcome: Sendable, Hashable {
        /// Queued for writing under this sequence number.
        case queued(seq: UInt64)
        /// The queue stayed full for the whole append timeout; counted in `droppedCount`.
        case dropped
        /// The writer has been closed.
        case closed
    }

    public struct Configuration: Sendable {
        /// Records that may wait in the queue (besides the batch being written).
        public var capacity: Int
        /// How long an append waits for room in a full queue before dropping, in nanoseconds.
        public var appendTimeoutNs: UInt64
        /// The profile named by the writer's own synthetic records.
        public var profile: String

        public init(capacity: Int = 10_000, appendTimeoutNs: UInt64 = 10_000_000, profile: String = "type1") {
            self.capacity = max(1, capacity); self.appendTimeoutNs = appendTimeoutNs; self.profile = profile
        }
    }

    /// The queue and counters; only touched with `monitor` held.
    private final class State {
        var queue: [TranslationRecord] = []
        var nextSeq: UInt64 = 1
        var droppedTotal: UInt64 = 0
        var droppedPending: UInt64 = 0
        var writing = false
        var closing = false
        var joined = false
        var writeErrors: UInt64 = 0
        var lastWriteError: Errno?
    }

    public let configuration: Configuration
    private let sink: any TranslationLogSink
    private let logger: Logger?
    private let monitor = LogMonitor()
    private let state = State()
    private var thread = pthread_t()

    /// Starts the writer thread over `sink`. The thread keeps the writer alive
    /// until `close()`: call it (the daemon does at unmount) to flush and fsync.
    public init(sink: any TranslationLogSink, configuration: Configuration = .init(), logger: Logger? = nil) {
        self.sink = sink
        self.configuration = configuration
        self.logger = logger
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let writer = Unmanaged<TranslationLogWriter>.fromOpaque(arg!).takeRetainedValue()
            writer.run()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed for the translation log writer: \(rc)")
    }

    /// A writer over a rotating file at `path` (see `RotatingLogFile`).
    public convenience init(
        path: String, maxBytes: UInt64 = 64 << 20, keep: Int = 3,
        configuration: Configuration = .init(), logger: Logger? = nil
    ) throws(Errno) {
        let file = try RotatingLogFile(path: path, maxBytes: maxBytes, keep: keep)
        self.init(sink: file, configuration: configuration, logger: logger)
    }

    /// Stamps `record` with seq, mono_ns and time and queues it. Waits at most
    /// `appendTimeoutNs` for room; never blocks indefinitely.
    @discardableResult
    public func append(_ record: TranslationRecord) -> AppendOutcome {
        let mono = LogClock.monotonicNanoseconds()
        let time = LogClock.wallClockRFC3339()
        return monitor.withLock {
            if state.closing { return .closed }
            if state.queue.count >= configuration.capacity {
                let deadline = mono &+ configuration.appendTimeoutNs
                while state.queue.count >= configuration.capacity && !state.closing {
                    if !monitor.wait(.notFull, untilMonotonicNs: deadline) { break }
                }
                if state.closing { return .closed }
                if state.queue.count >= configuration.capacity {
                    state.droppedTotal += 1
                    state.droppedPending += 1
                    return .dropped
                }
            }
            var stamped = record
            stamped.seq = state.nextSeq
            stamped.monoNs = mono
            stamped.time = time
            state.nextSeq += 1
            state.queue.append(stamped)
            if state.queue.count == 1 { monitor.broadcast(.notEmpty) }
            return .queued(seq: stamped.seq)
        }
    }

    /// Records dropped so far because the queue stayed full.
    public var droppedCount: UInt64 { monitor.withLock { state.droppedTotal } }

    /// Records that could not be written (encoding or sink errors), and the last sink error.
    public var writeErrors: (count: UInt64, last: Errno?) {
        monitor.withLock { (state.writeErrors, state.lastWriteError) }
    }

    /// Blocks until every queued record (and pending drop notice) has been written.
    public func drain() {
        monitor.withLock {
            while !state.queue.isEmpty || state.writing || (state.droppedPending > 0 && !state.joined) {
                monitor.wait(.notFull)
            }
        }
    }

    /// Writes everything queued, fsyncs and closes the sink, and stops the thread.
    /// Later appends return `.closed`. Idempotent.
    public func close() {
        let join = monitor.withLock { () -> Bool in
            if state.closing { return false }
            state.closing = true
            monitor.broadcast(.notEmpty)
            monitor.broadcast(.notFull)
            return true
        }
        if join {
            pthread_join(thread, nil)
        } else {
            drain()
        }
    }

    // MARK: writer thread

    private func run() {
        while let batch = nextBatch() {
            for record in batch { write(record) }
            monitor.withLock {
                state.writing = false
                monitor.broadcast(.notFull)
            }
        }
        do throws(Errno) { try sink.sync() } catch { noteError(error) }
        sink.close()
        monitor.withLock {
            state.joined = true
            monitor.broadcast(.notFull)
        }
    }

    /// Waits for work and takes the whole queue, with a drop notice appended
    /// if records were dropped; nil once closing and empty.
    private func nextBatch() -> [TranslationRecord]? {
        monitor.withLock {
            while state.queue.isEmpty && state.droppedPending == 0 && !state.closing {
                monitor.wait(.notEmpty)
            }
            if state.queue.isEmpty && state.droppedPending == 0 { return nil }
            var batch = state.queue
            state.queue.removeAll(keepingCapacity: true)
            if state.droppedPending > 0 {
                batch.append(dropNotice(count: state.droppedPending, seq: state.nextSeq))
                state.nextSeq += 1
                state.droppedPending = 0
            }
            state.writing = true
            monitor.broadcast(.notFull)
            return batch
        }
    }

    private func dropNotice(count: UInt64, seq: UInt64) -> TranslationRecord {
        TranslationRecord(
            pid: getpid(), tid: 0, profile: configuration.profile, node: "daemon",
            ioctl: TranslationRecord.droppedIoctl, args: ["count": .uint(count)],
            result: .success(0), seq: seq,
            monoNs: LogClock.monotonicNanoseconds(), time: LogClock.wallClockRFC3339())
    }

    private func write(_ record: TranslationRecord) {
        let line: [UInt8]
        do {
            line = try TranslationRecordCoding.line(for: record)
        } catch {
            noteError(.invalidArgument)
            return
        }
        do throws(Errno) {
            try sink.write(line)
        } catch {
            noteError(error)
        }
    }

    private func noteError(_ error: Errno) {
        let first = monitor.withLock { () -> Bool in
            state.writeErrors += 1
            state.lastWriteError = error
            return state.writeErrors == 1
        }
        if first { logger?.error("translation log write failed: \(error)") }
    }
}
