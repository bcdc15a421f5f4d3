import ArgumentParser
import DeviceFrontend
import Foundation
import Synchronization
import VFIOCompat

extension VFIOCompatCommand.MatrixCommand {
    /// Which profiles a run covers.
    enum ProfileChoice: String, ExpressibleByArgument, CaseIterable {
        case type1, iommufd, both
        var profiles: [SemanticsProfile] { self == .both ? [.type1, .iommufd] : [SemanticsProfile(rawValue: rawValue)!] }
    }

    /// `vfio-compat matrix run`: every row's probe through a real mount, checked against the matrix.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run each row's probe through real ioctl(2) calls and report what the emulator answered.",
            discussion: """
                Each probe runs in its own vfio-client process (built next to vfio-compat) against a fresh \
                FUSE mount of the built-in topology (or the probe's preset), once per profile. Every answer \
                and every translation record is compared with what the matrix promises. Reports per row: \
                the status promised, the outcome observed per profile, pass/fail, and the records the probe \
                produced. Exits 1 if any row's observed behaviour contradicts the matrix.

                Mounting needs root and /dev/fuse. With --mount DIR --log FILE the probes run against a \
                `vfio-compat mount DIR --log FILE` that is already serving (give its --profile); probes \
                needing another topology or entry limit are then skipped.

                Examples:
                  vfio-compat matrix run
                  vfio-compat matrix run --profile type1 --rows M-04,M-12,U-06
                  vfio-compat matrix run --format md --out compat-matrix/report.md
                  vfio-compat matrix run --format json --out compat-matrix/report.json
                  vfio-compat matrix run --mount /run/vfio-compat --log /tmp/vfio.jsonl --profile iommufd
                """
        )

        @Option(help: ArgumentHelp("Probe a running mount instead of temporary ones (needs --log).", valueName: "dir"))
        var mount: String?

        @Option(help: ArgumentHelp("The translation log of the --mount daemon.", valueName: "file"))
        var log: String?

        @Option(help: ArgumentHelp("Profiles to run: type1, iommufd or both.", valueName: "type1|iommufd|both"))
        var profile: ProfileChoice = .both

        @Option(help: ArgumentHelp("Only these rows, comma-separated (M-04,U-06).", valueName: "ids"))
        var rows: String?

        @Option(help: "Output format: table, md or json.")
        var format: Format = .table

        @Option(help: "Write the report to this file instead of standard output.")
        var out: String?

        @Option(help: "The matrix YAML to read.")
        var matrix: String?

        @Option(help: ArgumentHelp("The vfio-client executable (default: next to vfio-compat).", valueName: "path"))
        var client: String?

        @Option(help: ArgumentHelp("Probes run at once, each on its own mount.", valueName: "n"))
        var jobs: Int = 2

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            if mount != nil && log == nil { throw ValidationError("--mount needs --log FILE: the records are read from the mount's log") }
            if mount != nil && profile == .both {
                throw ValidationError("a running mount serves one profile: give --profile type1 or --profile iommufd")
            }
        }

        func run() throws {
            let loaded: CompatMatrix
            do { loaded = try CompatMatrix.load(path: MatrixLocator.locate(explicit: matrix)) } catch {
                throw CLIError(error.description)
            }
            let selected = try selectRows(loaded)
            let clientPath = try locateClient()
            let target: any ProbeTarget & Sendable
            if let mount, let log {
                target = LiveMountTarget(mountpoint: mount, logPath: log)
            } else {
                if getuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0 {
                    throw CLIError("matrix run mounts FUSE: run it as root with /dev/fuse usable (or probe a running mount with --mount DIR --log FILE)")
                }
                target = ProbeMountTarget()
            }
            let names = Set(selected.compactMap(\.probe))
            let probes = ProbeCatalog.all.filter { rows == nil || names.contains($0.name) }
            let jobList = probes.flatMap { p in profile.profiles.map { (p, $0) } }
            let progress = Progress()
            let results = MatrixRunner(clientPath: clientPath).runAll(jobList, on: target, width: mount == nil ? jobs : 1) {
                done, total, result in progress.show(done, total, result)
            }
            progress.finish()
            let report = MatrixRunReport(matrix: loaded, rows: selected, profiles: profile.profiles, results: results)
            let text: String = switch format {
            case .table: report.table()
            case .md: report.markdown()
            case .json: report.json()
            }
            if let out {
                do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw CLIError("\(out): cannot write: \(error.localizedDescription)")
                }
                FileHandle.standardError.write(Data((report.summaryLine + " → \(out)\n").utf8))
            } else {
                print(text, terminator: "")
            }
            if report.failed { throw ExitCode(1) }
        }

        func selectRows(_ matrix: CompatMatrix) throws -> [MatrixRow] {
            guard let rows else { return matrix.rows }
            let wanted = rows.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            let known = Set(matrix.rows.map(\.id.rawValue))
            if let unknown = wanted.first(where: { !known.contains($0) }) {
                throw ValidationError("--rows: \(unknown) is not a row of the matrix")
            }
            return matrix.rows.filter { wanted.contains($0.id.rawValue) }
        }

        /// --client, else vfio-client beside this executable (swift build puts both in one directory).
        func locateClient() throws -> String {
            if let client {
                guard FileManager.default.isExecutableFile(atPath: client) else { throw CLIError("--client \(client) is not an executable") }
                return client
            }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            let path = dir.appendingPathComponent("vfio-client").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw CLIError("vfio-client not found in \(dir.path): build it with `swift build --product vfio-client` "
                               + "(add -c release for a release build), or give --client PATH")
            }
            return path
        }
    }
}

/// The progress line on stderr: rewritten in place on a terminal, one line per probe run otherwise.
final class Progress: Sendable {
    private let tty = isatty(2) != 0
    private let lock = Mutex<Void>(())

    func show(_ done: Int, _ total: Int, _ result: ProbeRunResult) {
        lock.withLock { _ in
            let mark = result.verdict == .fail ? "FAIL" : result.verdict.rawValue
            let text = "[\(done)/\(total)] \(result.probe) (\(result.profile)): \(mark)"
            let line = tty ? "\r" + text.padding(toLength: 72, withPad: " ", startingAt: 0) : text + "\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        if tty { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
