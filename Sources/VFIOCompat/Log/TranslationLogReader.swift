/// Reads translation logs: a file, optionally after its rotated predecessors
/// (FILE.N … FILE.1, oldest first), one record per line.
///
/// Tolerant by design: a torn last line (a crash mid-write, or a live file
/// read mid-append) and malformed lines are reported as problems, not errors.
public enum TranslationLogReader {
    /// A line that did not decode.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            /// The file's last line has no newline and does not decode: cut off mid-write.
            case tornLastLine
            /// A complete line that is not a translation record.
            case malformed(String)
            /// (follow) The followed file was rotated away (past FILE.keep) before all
            /// files after it were read: some records were lost to the reader.
            case rotatedAway
        }
        public var file: String
        /// 1-based line number in `file`.
        public var line: Int
        public var kind: Kind

        public var description: String {
            switch kind {
            case .tornLastLine: return "\(file):\(line): torn last line (incomplete record) ignored"
            case .malformed(let why): return "\(file):\(line): not a translation record: \(why)"
            case .rotatedAway: return "\(file): rotated more often than polled; records may have been rotated away unread"
            }
        }
    }

    /// What was read: the records in file order, the problems met, and the files read.
    public struct Contents: Sendable {
        public var records: [TranslationRecord] = []
        public var problems: [Problem] = []
        public var files: [String] = []

        /// The torn last line, if the newest file ended mid-record.
        public var tornLastLine: Problem? { problems.last { $0.kind == .tornLastLine } }
    }

    /// Reads `path`, preceded by its rotated files when `includeRotated` is set.
    public static func read(path: String, includeRotated: Bool = false) throws(LogFileError) -> Contents {
        var contents = Contents()
        for file in includeRotated ? rotatedFiles(of: path) + [path] : [path] {
            let bytes = try LogFileIO.readFile(file)
            let part = parse(bytes, file: file)
            contents.records += part.records
            contents.problems += part.problems
            contents.files.append(file)
        }
        return contents
    }

    /// The rotated predecessors of `path` that exist, oldest first (FILE.N … FILE.1).
    public static func rotatedFiles(of path: String) -> [String] {
        var found: [String] = []
        var index = 1
        while LogFileIO.exists(RotatingLogFile.rotatedPath(path, index)) {
            found.append(RotatingLogFile.rotatedPath(path, index))
            index += 1
        }
        return found.reversed()
    }

    /// Decodes the lines of one file's bytes.
    public static func parse(_ bytes: [UInt8], file: String) -> Contents {
        var contents = Contents(files: [file])
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.count
            let line = bytes[start..<end]
            start = end + 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            do {
                contents.records.append(try TranslationRecordCoding.record(from: line))
            } catch {
                let kind: Problem.Kind = newline == nil ? .tornLastLine : .malformed(briefly(error))
                contents.problems.append(Problem(file: file, line: lineNumber, kind: kind))
            }
        }
        return contents
    }

    /// A decoding error in one short line.
    static func briefly(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "bad value at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "\(error)"
        }
    }
}
