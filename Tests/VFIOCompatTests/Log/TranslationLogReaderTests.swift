import Testing
@testable import VFIOCompat

@Suite("Translation log reader")
struct TranslationLogReaderTests {
    func lines(_ records: [TranslationRecord]) throws -> [UInt8] {
        try records.flatMap { try TranslationRecordCoding.line(for: $0) }
    }

    func numbered(_ range: ClosedRange<UInt64>) -> [TranslationRecord] {
        range.map { var r = mapRecord(iova: $0 << 12); r.seq = $0; r.time = "t\($0)"; return r }
    }

    @Test func tornLastLineIsReportedAndTheRestIsRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        let whole = try lines(numbered(1...3))
        let fourth = try TranslationRecordCoding.line(for: numbered(4...4)[0])
        appendBytes(whole + fourth.prefix(fourth.count / 2), to: path)
        let contents = try TranslationLogReader.read(path: path)
        #expect(contents.records.map(\.seq) == [1, 2, 3])
        #expect(contents.problems.count == 1)
        let torn = try #require(contents.tornLastLine)
        #expect(torn.line == 4 && torn.file == path)
        #expect(torn.description.contains("torn last line"))
    }

    @Test func lastLineWithoutNewlineThatDecodesIsKept() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        appendBytes(try lines(numbered(1...2)).dropLast().map { $0 }, to: path)
        let contents = try TranslationLogReader.read(path: path)
        #expect(contents.records.map(\.seq) == [1, 2])
        #expect(contents.problems.isEmpty)
    }

    @Test func malformedMiddleLineIsSkippedWithItsLineNumber() throws {
        let bytes = try lines(numbered(1...1)) + Array("{\"seq\":2}\nnot json\n\n".utf8) + lines(numbered(3...3))
        let contents = TranslationLogReader.parse(bytes, file: "f")
        #expect(contents.records.map(\.seq) == [1, 3])
        #expect(contents.problems.map(\.line) == [2, 3])
        #expect(contents.problems[0].kind == .malformed("missing field \"mono_ns\""))
        #expect(contents.problems[1].kind == .malformed("not valid JSON"))
        #expect(contents.tornLastLine == nil)
    }

    @Test func rotatedPredecessorsAreReadOldestFirst() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        appendBytes(try lines(numbered(1...2)), to: path + ".2")
        appendBytes(try lines(numbered(3...4)), to: path + ".1")
        appendBytes(try lines(numbered(5...6)), to: path)
        #expect(TranslationLogReader.rotatedFiles(of: path) == [path + ".2", path + ".1"])
        let all = try TranslationLogReader.read(path: path, includeRotated: true)
        #expect(all.records.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(all.files == [path + ".2", path + ".1", path])
        let newest = try TranslationLogReader.read(path: path)
        #expect(newest.records.map(\.seq) == [5, 6])
    }

    @Test func missingFileIsAnErrorNamingThePath() {
        #expect(throws: LogFileError(path: "/nonexistent/t.jsonl", errno: .noSuchEntry)) {
            try TranslationLogReader.read(path: "/nonexistent/t.jsonl")
        }
    }
}
