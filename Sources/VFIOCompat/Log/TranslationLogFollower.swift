#if canImport(Glibc)
import Glibc
#endif

/// Tails a live translation log (`log follow`): each `poll()` returns the
/// records appended since the last one, across rotation.
///
/// Rotation is noticed when the path names a new inode (the writer renamed
/// FILE to FILE.1 and started a new FILE) or the file shrank (truncated).
/// The old file is read to its end through the still-open descriptor, any
/// files rotated in between (found by the old inode among FILE.1 … FILE.9) are
/// read whole, then the new FILE from its start. Records are lost only when the
/// followed file was rotated past FILE.keep before a poll; that is reported as a
/// `rotatedAway` problem.
public final class TranslationLogFollower {
    public let path: String
    private var fd: Int32 = -1
    private var identity: LogFileIdentity?
    private var offset: UInt64 = 0
    private var partial: [UInt8] = []
    private var lineNumber = 0
    private var startAtEnd: Bool

    /// Follows `path`; with `fromStart` false, only records appended after the first poll are shown.
    public init(path: String, fromStart: Bool = false) {
        self.path = path
        self.startAtEnd = !fromStart
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The records appended since the last poll, and any lines that did not decode.
    public func poll() -> TranslationLogReader.Contents {
        var out = TranslationLogReader.Contents(files: [path])
        if fd < 0 && !reopen(into: &out) { return out }
        drainCurrent(into: &out)
        guard let current = identity, let now = LogFileIdentity(path: path) else {
            // Between the writer's rename and its new open the path may be missing: wait.
            return out
        }
        if !now.isSameFile(as: current) {
            drainCurrent(into: &out)  // the writer may have added lines before it renamed the file
            finishFile(into: &out)
            // Open the new file first, then read whatever was rotated between the two.
            let newFd = open(path, O_RDONLY | O_CLOEXEC)
            guard newFd >= 0, let newId = LogFileIdentity(fd: newFd) else {
                if newFd >= 0 { close(newFd) }
                return out
            }
            guard let between = filesRotated(after: current, before: newId) else {
                out.problems.append(.init(file: path, line: 0, kind: .rotatedAway))
                return adopt(newFd, newId, into: &out)
            }
            for bytes in between {
                var whole = TranslationLogReader.parse(bytes, file: path)
                whole.problems = whole.problems.filter { $0.kind != .tornLastLine }
                out.records += whole.records
                out.problems += whole.problems
            }
            return adopt(newFd, newId, into: &out)
        } else if now.size < offset {
            // Truncated in place: start over from the beginning.
            finishFile(into: &out)
            offset = 0
            drainCurrent(into: &out)
        }
        return out
    }

    /// Polls every `intervalNs` until `shouldStop` returns true, passing each new record to `body`.
    public func follow(
        intervalNs: UInt64, shouldStop: () -> Bool,
        _ body: (TranslationRecord) -> Void, problems: (TranslationLogReader.Problem) -> Void = { _ in }
    ) {
        while !shouldStop() {
            let batch = poll()
            batch.problems.forEach(problems)
            batch.records.forEach(body)
            var ts = timespec(tv_sec: Int(intervalNs / 1_000_000_000), tv_nsec: Int(intervalNs % 1_000_000_000))
            nanosleep(&ts, nil)
        }
    }

    // MARK: private

    /// Switches to the newly opened file and reads it from its start.
    private func adopt(
        _ newFd: Int32, _ newId: LogFileIdentity, into out: inout TranslationLogReader.Contents
    ) -> TranslationLogReader.Contents {
        close(fd)
        fd = newFd
        identity = newId
        offset = 0
        partial = []
        lineNumber = 0
        drainCurrent(into: &out)
        return out
    }

    /// Opens `path` (at its end on the very first open when not reading from the start).
    private func reopen(into out: inout TranslationLogReader.Contents) -> Bool {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, let id = LogFileIdentity(fd: fd) else {
            if fd >= 0 { close(fd); fd = -1 }
            return false
        }
        identity = id
        offset = startAtEnd ? id.size : 0
        startAtEnd = false
        partial = []
        lineNumber = 0
        return true
    }

    /// Reads the open file from `offset` to its end and decodes the complete lines.
    private func drainCurrent(into out: inout TranslationLogReader.Contents) {
        let bytes = LogFileIO.read(fd: fd, from: offset)
        offset += UInt64(bytes.count)
        partial += bytes
        guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = Array(partial[...lastNewline])
        partial = Array(partial[(lastNewline + 1)...])
        var parsed = TranslationLogReader.parse(complete, file: path)
        for i in parsed.problems.indices { parsed.problems[i].line += lineNumber }
        lineNumber += complete.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        out.records += parsed.records
        out.problems += parsed.problems
    }

    /// Leaves the current file: a leftover partial line can never be completed.
    private func finishFile(into out: inout TranslationLogReader.Contents) {
        if !partial.isEmpty {
            let last = TranslationLogReader.parse(partial, file: path)
            out.records += last.records
            out.problems += last.problems.map { var p = $0; p.line = lineNumber + 1; return p }
            partial = []
        }
    }

    /// The contents of the files rotated after `old` and before `new` (oldest first):
    /// FILE.(k-1) … FILE.(j+1) when `old` is now FILE.k and `new` is FILE.j (FILE itself is j = 0).
    /// The writer may rotate while we look, so the names are scanned until two scans agree
    /// and every file read is checked to be the one scanned; nil if `old` is no longer among them.
    private func filesRotated(after old: LogFileIdentity, before new: LogFileIdentity) -> [[UInt8]]? {
        func scan() -> [LogFileIdentity?] {
            (1...9).map { LogFileIdentity(path: RotatingLogFile.rotatedPath(path, $0)) }
        }
        attempt: for _ in 0..<8 {
            var snapshot = scan()
            var stable = false
            for _ in 0..<8 {
                let again = scan()
                if again.map({ $0.map { [$0.device, $0.inode] } }) == snapshot.map({ $0.map { [$0.device, $0.inode] } }) {
                    stable = true
                    break
                }
                snapshot = again
            }
            if !stable { continue }
            guard let k = snapshot.firstIndex(where: { $0?.isSameFile(as: old) == true }).map({ $0 + 1 }) else {
                return nil
            }
            let j = snapshot.firstIndex(where: { $0?.isSameFile(as: new) == true }).map { $0 + 1 } ?? 0
            var contents: [[UInt8]] = []
            for index in stride(from: k - 1, to: j, by: -1) {
                let name = RotatingLogFile.rotatedPath(path, index)
                let fd = open(name, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { continue attempt }
                defer { close(fd) }
                guard let id = LogFileIdentity(fd: fd), let expected = snapshot[index - 1], id.isSameFile(as: expected)
                else { continue attempt }
                contents.append(LogFileIO.read(fd: fd, from: 0))
            }
            return contents
        }
        return nil
    }
}
