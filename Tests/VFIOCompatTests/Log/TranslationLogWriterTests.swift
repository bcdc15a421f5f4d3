#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import Testing
@testable import VFIOCompat

/// A sink whose first write blocks until the test opens the gate: a stalled disk.
final class StallingSink: TranslationLogSink {
    let inner = MemoryLogSink()
    let gate = DispatchSemaphore(value: 0)
    let entered = DispatchSemaphore(value: 0)
    private let stalled = Mutex(false)

    func write(_ line: [UInt8]) throws(Errno) {
        let first = stalled.withLock { s -> Bool in defer { s = true }; return !s }
        if first { entered.signal(); gate.wait() }
        try inner.write(line)
    }
    func sync() throws(Errno) { try inner.sync() }
    func close() { inner.close() }
}

@Suite("Translation log writer")
struct TranslationLogWriterTests {
    func decoded(_ sink: MemoryLogSink) throws -> [TranslationRecord] {
        try sink.lines.map { try TranslationRecordCoding.record(from: $0) }
    }

    @Test func appendStampsSeqMonoAndTimeAndCloseDrainsAndSyncs() throws {
        let sink = MemoryLogSink()
        let writer = TranslationLogWriter(sink: sink)
        let before = LogClock.monotonicNanoseconds()
        #expect(writer.append(mapRecord(iova: 0)) == .queued(seq: 1))
        #expect(writer.append(mapRecord(iova: 0x1000)) == .queued(seq: 2))
        #expect(writer.append(mapRecord(iova: 0x2000)) == .queued(seq: 3))
        writer.close()
        #expect(sink.synced && sink.closed)
        #expect(writer.append(mapRecord()) == .closed)
        let records = try decoded(sink)
        #expect(records.map(\.seq) == [1, 2, 3])
        #expect(records.map { $0.args["iova"] } == [.uint(0), .uint(0x1000), .uint(0x2000)])
        #expect(records.allSatisfy { $0.monoNs >= before && $0.monoNs <= LogClock.monotonicNanoseconds() })
        #expect(records[0].monoNs <= records[1].monoNs && records[1].monoNs <= records[2].monoNs)
        // RFC 3339, UTC, microseconds: 2025-01-31T12:00:00.123456Z
        let time = records[0].time
        #expect(time.count == 27 && time.hasSuffix("Z") && Array(time)[10] == "T" && Array(time)[19] == ".")
        #expect(writer.droppedCount == 0)
    }

    @Test func rfc3339Formatting() {
        #expect(LogClock.rfc3339(seconds: 0, nanoseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(LogClock.rfc3339(seconds: 1_738_324_800, nanoseconds: 123_456_999) == "2025-01-31T12:00:00.123456Z")
    }

    @Test func fullQueueDropsWithinTheBoundAndReportsTheCount() throws {
        let sink = StallingSink()
        let writer = TranslationLogWriter(
            sink: sink, configuration: .init(capacity: 4, appendTimeoutNs: 5_000_000))
        // Record 1 is taken by the writer thread, which then stalls inside the sink.
        #expect(writer.append(mapRecord(iova: 1)) == .queued(seq: 1))
        sink.entered.wait()
        for i in 2...5 { #expect(writer.append(mapRecord(iova: UInt64(i))) == .queued(seq: UInt64(i))) }
        // The queue (capacity 4) is full: each further append gives up after ~5 ms.
        var worstNs: UInt64 = 0
        for i in 6...8 {
            let t0 = LogClock.monotonicNanoseconds()
            #expect(writer.append(mapRecord(iova: UInt64(i))) == .dropped)
            worstNs = max(worstNs, LogClock.monotonicNanoseconds() - t0)
        }
        #expect(worstNs >= 4_000_000, "append must wait for room before dropping")
        #expect(worstNs < 500_000_000, "append must not block beyond its bound")
        #expect(writer.droppedCount == 3)
        sink.gate.signal()
        writer.drain()
        #expect(writer.append(mapRecord(iova: 9)) == .queued(seq: 7))
        writer.close()
        let records = try decoded(sink.inner)
        // 1..5 written, then the notice (seq 6) counting the 3 dropped, then record 9.
        #expect(records.map(\.seq) == [1, 2, 3, 4, 5, 6, 7])
        #expect(records.map { $0.args["iova"] }.prefix(5) == [.uint(1), .uint(2), .uint(3), .uint(4), .uint(5)])
        let notice = records[5]
        #expect(notice.ioctl == "log-dropped" && notice.isDropNotice)
        #expect(notice.args["count"] == .uint(3))
        #expect(records[6].args["iova"] == .uint(9))
        #expect(writer.droppedCount == 3)
    }

    @Test func concurrentAppendersLoseNothingWhenTheQueueKeepsUp() throws {
        let sink = MemoryLogSink()
        let writer = TranslationLogWriter(sink: sink, configuration: .init(capacity: 64, appendTimeoutNs: 2_000_000_000))
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<500 { writer.append(mapRecord(pid: Int32(t), iova: UInt64(i))) }
        }
        writer.close()
        let records = try decoded(sink)
        #expect(records.count == 2000)
        #expect(records.map(\.seq) == Array(1...2000))
        #expect(writer.droppedCount == 0)
        for t in 0..<4 {
            let mine = records.filter { $0.pid == Int32(t) }.map { $0.args["iova"]! }
            #expect(mine == (0..<500).map { .uint(UInt64($0)) })
        }
    }

    @Test func rotationShiftsFilesKeepsThreeAndNeverExceedsMaxBytes() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        let file = try RotatingLogFile(path: path, maxBytes: 350, keep: 3)
        // 14 lines of exactly 100 bytes: 3 fit in a file (300 ≤ 350), a 4th would not.
        func line(_ n: Int) -> [UInt8] {
            let head = Array("line \(n)".utf8)
            return head + [UInt8](repeating: UInt8(ascii: "."), count: 99 - head.count) + [UInt8(ascii: "\n")]
        }
        for n in 1...14 { try file.write(line(n)) }
        file.close()
        func lines(_ name: String) -> [Int]? {
            fileBytes(dir.file(name)).map { bytes in
                bytes.split(separator: UInt8(ascii: "\n")).map {
                    Int(String(decoding: $0, as: UTF8.self).split(separator: " ")[1].split(separator: ".")[0])!
                }
            }
        }
        #expect(lines("t.jsonl") == [13, 14])
        #expect(lines("t.jsonl.1") == [10, 11, 12])
        #expect(lines("t.jsonl.2") == [7, 8, 9])
        #expect(lines("t.jsonl.3") == [4, 5, 6])
        #expect(lines("t.jsonl.4") == nil)
        #expect(fileSize(dir.file("t.jsonl")) == 200)
        #expect(fileSize(dir.file("t.jsonl.1")) == 300)
        #expect(fileSize(dir.file("t.jsonl.3")) == 300)
    }

    @Test func reopeningAnExistingLogAppendsAndCountsItsSize() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        appendBytes(Array(repeating: UInt8(ascii: "x"), count: 250) + [10], to: path)
        let file = try RotatingLogFile(path: path, maxBytes: 300, keep: 1)
        try file.write(Array(repeating: UInt8(ascii: "y"), count: 99) + [10])  // 251 + 100 > 300: rotates first
        file.close()
        #expect(fileSize(dir.file("t.jsonl.1")) == 251)
        #expect(fileSize(path) == 100)
    }

    @Test func writerRotationLosesNoRecordWithinTheKeptFiles() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("translation.jsonl")
        let maxBytes: UInt64 = 8192
        let writer = try TranslationLogWriter(path: path, maxBytes: maxBytes, keep: 3)
        for i in 0..<40 { writer.append(mapRecord(iova: UInt64(i) << 12)) }
        writer.close()
        #expect(fileSize(dir.file("translation.jsonl.1")) != nil, "40 records of ~400 bytes must rotate at 8 KiB")
        var all: [TranslationRecord] = []
        for name in ["translation.jsonl.3", "translation.jsonl.2", "translation.jsonl.1", "translation.jsonl"] {
            guard let bytes = fileBytes(dir.file(name)) else { continue }
            #expect(UInt64(bytes.count) <= maxBytes, "\(name) exceeds maxBytes")
            all += try bytes.split(separator: UInt8(ascii: "\n")).map { try TranslationRecordCoding.record(from: $0) }
        }
        #expect(all.map(\.seq) == Array(1...40).map { UInt64($0) })
        #expect(all.map { $0.args["iova"] } == (0..<40).map { LogValue.uint(UInt64($0) << 12) })
    }
}
