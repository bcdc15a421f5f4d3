#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import Testing
@testable import VFIOCompat

@Suite("Translation log follower")
struct TranslationLogFollowerTests {
    func line(_ seq: UInt64) throws -> [UInt8] {
        var r = mapRecord(iova: seq << 12)
        r.seq = seq
        return try TranslationRecordCoding.line(for: r)
    }

    @Test func startsAtTheEndUnlessAskedAndSeesAppendsAndPartialLines() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        appendBytes(try line(1), to: path)
        let tail = TranslationLogFollower(path: path)
        let fromStart = TranslationLogFollower(path: path, fromStart: true)
        #expect(tail.poll().records.isEmpty)
        #expect(fromStart.poll().records.map(\.seq) == [1])
        let two = try line(2)
        appendBytes(Array(two.prefix(10)), to: path)
        #expect(tail.poll().records.isEmpty, "a partial line waits for its end")
        appendBytes(Array(two.dropFirst(10)) + (try line(3)), to: path)
        #expect(tail.poll().records.map(\.seq) == [2, 3])
        #expect(tail.poll().records.isEmpty)
    }

    @Test func followsOneAndSeveralRotationsBetweenPolls() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        let size = UInt64(try line(1).count)
        // Two records per file (later lines are a few bytes longer: larger iova digits).
        let file = try RotatingLogFile(path: path, maxBytes: size * 2 + 16, keep: 3)
        let follower = TranslationLogFollower(path: path, fromStart: true)
        try file.write(line(1))
        #expect(follower.poll().records.map(\.seq) == [1])
        try file.write(line(2)); try file.write(line(3))  // 3 goes to a new file
        #expect(follower.poll().records.map(\.seq) == [2, 3])
        for s in 4...8 { try file.write(line(UInt64(s))) }  // two more rotations between polls
        #expect(follower.poll().records.map(\.seq) == [4, 5, 6, 7, 8])
        file.close()
    }

    @Test func followedFileRotatedPastKeepIsReportedNotSilentlySkipped() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        let file = try RotatingLogFile(path: path, maxBytes: UInt64(try line(1).count) + 16, keep: 1)
        let follower = TranslationLogFollower(path: path, fromStart: true)
        try file.write(line(1))
        #expect(follower.poll().records.map(\.seq) == [1])
        for s in 2...4 { try file.write(line(UInt64(s))) }  // one record per file; file 2 and 3 fall off
        let out = follower.poll()
        #expect(out.records.map(\.seq) == [4])
        #expect(out.problems.map(\.kind) == [.rotatedAway])
        file.close()
    }

    @Test func truncationStartsOver() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        appendBytes(try line(1) + line(2), to: path)
        let follower = TranslationLogFollower(path: path, fromStart: true)
        #expect(follower.poll().records.count == 2)
        let fd = open(path, O_WRONLY | O_TRUNC)
        close(fd)
        appendBytes(try line(9), to: path)
        #expect(follower.poll().records.map(\.seq) == [9])
    }

    @Test(.timeLimit(.minutes(1))) func followsALiveWriterAcrossRotationWithinATimeBound() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("live.jsonl")
        // keep 9: a follower delayed by a loaded machine still finds every rotated file.
        let writer = try TranslationLogWriter(path: path, maxBytes: 4096, keep: 9)
        let follower = TranslationLogFollower(path: path, fromStart: true)
        let total: UInt64 = 60
        let producer = DispatchQueue(label: "producer")
        producer.async {
            for i in 0..<total {
                writer.append(mapRecord(iova: i << 12))
                var ts = timespec(tv_sec: 0, tv_nsec: 1_000_000)
                nanosleep(&ts, nil)
            }
            writer.close()
        }
        var seen: [UInt64] = []
        var problems: [TranslationLogReader.Problem] = []
        let deadline = LogClock.monotonicNanoseconds() + 20_000_000_000
        follower.follow(
            intervalNs: 2_000_000,
            shouldStop: { seen.count >= Int(total) || LogClock.monotonicNanoseconds() > deadline },
            { seen.append($0.seq) }, problems: { problems.append($0) })
        #expect(seen == Array(1...total))
        #expect(problems.isEmpty)
        #expect(TranslationLogReader.rotatedFiles(of: path).count >= 1, "the test must actually rotate")
    }
}
