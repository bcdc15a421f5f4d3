import ArgumentParser
import Synchronization
import VFIOCompat

#if canImport(Glibc)
import Glibc
#endif

/// `vfio-compat log`: inspect translation logs (filter, summarise, follow).
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Inspect translation logs: one JSON record per legacy VFIO call.",
        discussion: """
            A translation log (written by `mount --log FILE`) holds, for every legacy call, \
            the iommufd operations it corresponds to, the result and the compat-matrix rows it hit.
            """,
        subcommands: [Show.self, Stats.self, Follow.self]
    )
}

/// The record filters shared by `show` and `follow`.
struct LogFilterOptions: ParsableArguments {
    @Flag(help: "Only calls that hit an unsupported feature.")
    var unsupported = false
    @Flag(help: "Only calls whose outcome differs between type1 and iommufd.")
    var divergent = false
    @Option(help: ArgumentHelp("Only calls from this process id.", valueName: "pid"))
    var pid: Int32?
    @Option(help: ArgumentHelp("Only calls on this container id.", valueName: "id"))
    var container: UInt32?
    @Option(help: ArgumentHelp("Only this call, by full or short name (VFIO_IOMMU_MAP_DMA or MAP_DMA).", valueName: "name"))
    var ioctl: String?
    @Flag(help: "Print the selected records as JSON Lines instead of readable lines.")
    var json = false

    var filter: LogFilter {
        LogFilter(unsupported: unsupported, divergent: divergent, pid: pid, container: container, ioctl: ioctl)
    }

    func render(_ record: TranslationRecord) -> String? {
        guard filter.matches(record) else { return nil }
        if json, let line = try? TranslationRecordCoding.line(for: record) {
            return String(decoding: line.dropLast(), as: UTF8.self)
        }
        return LogRendering.line(record)
    }
}

/// A `log` command failure, printed as one line.
struct LogCommandError: Error, CustomStringConvertible {
    var description: String
}

/// Writes straight to a file descriptor: `follow` output must not sit in a buffer.
func writeLine(_ text: String, to fd: Int32 = 1) {
    var bytes = Array((text + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        done += n
    }
}

func readLog(_ file: String, rotated: Bool) throws -> TranslationLogReader.Contents {
    do {
        let contents = try TranslationLogReader.read(path: file, includeRotated: rotated)
        for problem in contents.problems { writeLine("note: \(problem)", to: 2) }
        return contents
    } catch {
        throw LogCommandError(description: error.description)
    }
}

extension LogCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one line per call, optionally filtered.",
            discussion: """
                Each line: time, pid, container or group, the legacy call with its key arguments \
                in hex, → the iommufd operations, = the result, [matrix rows], and \
                UNSUPPORTED(…) / DIVERGENT(…) markers.

                Examples:
                  vfio-compat log show /var/log/vfio-compat.jsonl
                  vfio-compat log show --rotated --unsupported --divergent vfio.jsonl
                  vfio-compat log show --pid 4242 --ioctl MAP_DMA vfio.jsonl
                  vfio-compat log show --container 1 --json vfio.jsonl | jq .args.iova
                """
        )

        @Argument(help: "The translation log file.")
        var file: String
        @Flag(help: "Read the rotated files (FILE.N … FILE.1) first.")
        var rotated = false
        @OptionGroup var filter: LogFilterOptions

        func run() throws {
            let contents = try readLog(file, rotated: rotated)
            for record in contents.records {
                if let line = filter.render(record) { print(line) }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise a log: per call and per compat-matrix row.",
            discussion: """
                Per legacy call: calls, errors, unsupported and divergent outcomes. Per matrix row: \
                hits, and how many were unsupported, divergent or failed.

                Examples:
                  vfio-compat log stats vfio.jsonl
                  vfio-compat log stats --rotated vfio.jsonl
                """
        )

        @Argument(help: "The translation log file.")
        var file: String
        @Flag(help: "Read the rotated files (FILE.N … FILE.1) first.")
        var rotated = false

        func run() throws {
            let contents = try readLog(file, rotated: rotated)
            print(LogRendering.stats(LogStats(contents.records)))
        }
    }

    struct Follow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tail a live log, across rotation, until interrupted (Ctrl-C).",
            discussion: """
                Polls the file for growth; when the writer rotates it (a new inode) or it shrinks, \
                the rest of the old file and any rotated files in between are read first.

                Examples:
                  vfio-compat log follow vfio.jsonl
                  vfio-compat log follow --from-start --unsupported vfio.jsonl
                  vfio-compat log follow --interval 50 --json vfio.jsonl | jq -c .result
                """
        )

        @Argument(help: "The translation log file.")
        var file: String
        @Flag(help: "Print the records already in the file first.")
        var fromStart = false
        @Option(help: ArgumentHelp("Poll interval in milliseconds.", valueName: "ms"))
        var interval: UInt32 = 250
        @OptionGroup var filter: LogFilterOptions

        func validate() throws {
            guard interval > 0 else { throw ValidationError("--interval must be at least 1 ms") }
        }

        func run() throws {
            guard access(file, R_OK) == 0 else {
                throw LogCommandError(description: "cannot read \(file): \(Errno(rawValue: errno))")
            }
            signal(SIGINT) { _ in followInterrupted.store(true, ordering: .relaxed) }
            let follower = TranslationLogFollower(path: file, fromStart: fromStart)
            follower.follow(
                intervalNs: UInt64(interval) * 1_000_000,
                shouldStop: { followInterrupted.load(ordering: .relaxed) },
                { record in if let line = filter.render(record) { writeLine(line) } },
                problems: { writeLine("note: \($0)", to: 2) })
        }
    }
}

/// Set by SIGINT to end `log follow` cleanly.
let followInterrupted = Atomic<Bool>(false)
