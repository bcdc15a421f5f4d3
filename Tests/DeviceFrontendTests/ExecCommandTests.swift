import Foundation
import Synchronization
import Testing

/// Runs `vfio-compat exec …` as a separate process with a watchdog.
enum Exec {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// Runs the tool with `arguments`, feeding `input` on stdin; SIGKILLs it after `timeout` s.
    static func run(_ arguments: [String], input: String = "", timeout: Double = 30,
                    whileRunning: ((Process) -> Void)? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: MountCommandTests.toolPath)
        p.arguments = arguments
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = stdin
        p.standardOutput = out
        p.standardError = err
        let start = Date()
        try p.run()
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        stdin.fileHandleForWriting.write(input.data(using: .utf8)!)
        try stdin.fileHandleForWriting.close()
        whileRunning?(p)
        // Read both pipes concurrently so neither fills while the other is drained.
        let errData = Mutex(Data())
        let errDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errData.withLock { $0 = data }
            errDone.signal()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        errDone.wait()
        p.waitUntilExit()
        return Output(status: p.terminationReason == .exit ? p.terminationStatus : 128 + p.terminationStatus,
                      stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self),
                      seconds: Date().timeIntervalSince(start))
    }

    /// Workspaces under /tmp that a run might have left behind.
    /// Exec work areas under /tmp made since this test process started (one left by an
    /// earlier run that was SIGKILLed, which nothing could clean, is not this run's failure).
    static func leftoverWorkspaces() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { name in
            guard name.hasPrefix("vfio-compat-exec.") else { return false }
            let made = (try? FileManager.default.attributesOfItem(atPath: "/tmp/" + name)[.modificationDate]) as? Date
            return (made ?? .distantFuture) >= processStart
        }
    }

    /// When this process started: boot time (/proc/stat btime) plus its start tick (/proc/self/stat field 22).
    static let processStart: Date = {
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 19 ? Double(fields[19]) ?? 0 : 0   // field 22 overall; 20th after "comm)"
        let boot = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? "")
            .split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) } ?? 0
        return Date(timeIntervalSince1970: boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK))) - 1)
    }()

    /// Mounts of this (the host's) namespace that exec must never add.
    static func hostMountsOfExec() -> [String] {
        let info = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").map(String.init).filter {
            $0.contains("vfio-compat-exec.") || $0.split(separator: " ").dropFirst(4).first == "/dev/vfio"
        }
    }
}

/// Every suite that runs `vfio-compat exec`, one at a time: each checks that no exec workspace
/// is left under /tmp, which only holds while no other exec is running.
@Suite(.serialized) enum ExecSuites {}

extension ExecSuites {
    /// `vfio-compat exec` with plain commands: exit statuses, signals, the private /dev/vfio, and the host untouched.
    @Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
    struct ExecCommandTests {
        static let hostHasDevVFIO = access("/dev/vfio", F_OK) == 0

        @Test func commandSeesTheShimAtDevVFIOAndTheHostDoesNot() throws {
            try #require(FileManager.default.isExecutableFile(atPath: MountCommandTests.toolPath), "build vfio-compat first")
            let script = "ls /dev/vfio; test -c /dev/null && echo null-ok; test -d /dev/pts && echo pts-ok; grep -c ' /dev/vfio ' /proc/self/mountinfo"
            let r = try Exec.run(["exec", "--", "sh", "-c", script])
            #expect(r.status == 0)
            #expect(r.stdout == "7\n8\n9\nvfio\nnull-ok\npts-ok\n1\n")
            let header = try #require(r.stderr.split(separator: "\n").first)
            let how = Self.hostHasDevVFIO ? "bound over the existing /dev/vfio" : "a private /dev ("
            #expect(header.hasPrefix("vfio-compat exec: sh exited with status 0 after ") && header.contains("shim \(how)"))
            #expect(r.stderr.contains("the command never opened the shim's nodes"))
            #expect(r.stderr.hasSuffix("left in the shim: nothing\n"))
            #expect(access("/dev/vfio", F_OK) == (Self.hostHasDevVFIO ? 0 : -1))
            #expect(Exec.leftoverWorkspaces().isEmpty)
            #expect(Exec.hostMountsOfExec().isEmpty)
        }

        /// An exec inside an exec finds /dev/vfio present and binds over it.
        @Test func bindsOverAnExistingDevVFIO() throws {
            let tool = MountCommandTests.toolPath
            let r = try Exec.run(["exec", "--topology", "amd-vi", "--", tool, "exec", "--", "ls", "/dev/vfio"])
            #expect(r.status == 0)
            #expect(r.stdout == "7\n8\n9\nvfio\n")
            let headers = r.stderr.split(separator: "\n").filter { $0.hasPrefix("vfio-compat exec:") }
            #expect(headers.count == 2)
            #expect(headers.first?.contains("ls exited with status 0") == true)
            #expect(headers.first?.contains("shim bound over the existing /dev/vfio, profile type1, topology x86-vtd") == true)
            #expect(headers.last?.contains("topology amd-vi") == true)
        }

        @Test func aClientDrivesTheContainerThroughDevVFIO() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-exec-\(UUID().uuidString.prefix(8))").path
            let log = dir + ".jsonl"
            defer { try? FileManager.default.removeItem(atPath: log) }
            let script = ["open c /dev/vfio/vfio", "ioctl c VFIO_GET_API_VERSION 0", "ioctl c VFIO_CHECK_EXTENSION 1"]
            let r = try Exec.run(["exec", "--profile", "iommufd", "--log", log, "--", Client.path],
                                 input: script.joined(separator: "\n") + "\n")
            #expect(r.status == 0)
            #expect(r.stdout.split(separator: "\n").suffix(2) == ["ok 0", "ok 1"])
            #expect(r.stderr.contains("translation: 4 calls from 1 process, profile iommufd"))
            #expect(r.stderr.contains("open /dev/iommu (one iommufd context) instead of /dev/vfio/vfio"))
            #expect(r.stderr.hasSuffix("left in the shim: nothing\n"))
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines.last?.contains("\"ioctl\":\"release\"") == true)
        }

        @Test(arguments: [("exit 3", Int32(3), "exited with status 3 after"),
                          ("kill -KILL $$", 137, "was killed by signal 9 (Killed) after"),
                          ("kill -TERM $$", 143, "was killed by signal 15 (Terminated) after")])
        func exitStatusIsTheCommands(script: String, status: Int32, words: String) throws {
            let r = try Exec.run(["exec", "--", "sh", "-c", script])
            #expect(r.status == status)
            #expect(r.stderr.hasPrefix("vfio-compat exec: sh \(words)"))
            #expect(Exec.leftoverWorkspaces().isEmpty && Exec.hostMountsOfExec().isEmpty)
        }

        @Test func aCommandThatCannotStartExits127WithOneLine() throws {
            let r = try Exec.run(["exec", "--", "/nonexistent/vfio-compat-no-such-command", "x"])
            #expect(r.status == 127)
            #expect(r.stderr == "vfio-compat exec: cannot run /nonexistent/vfio-compat-no-such-command: No such file or directory\n")
            #expect(Exec.leftoverWorkspaces().isEmpty && Exec.hostMountsOfExec().isEmpty)
        }

        @Test(arguments: [SIGTERM, SIGINT])
        func signalsAreForwardedToTheCommand(signal: Int32) throws {
            let marker = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-exec-started-\(UUID().uuidString.prefix(8))").path
            defer { try? FileManager.default.removeItem(atPath: marker) }
            let r = try Exec.run(["exec", "--", "sh", "-c", "touch \(marker); exec sleep 30"], timeout: 20) { p in
                _ = eventually(10) { FileManager.default.fileExists(atPath: marker) }
                kill(p.processIdentifier, signal)
            }
            #expect(r.status == 128 + signal)
            // `sh -c '…; exec sleep 30'`: the process exec started is named by its first argument.
            #expect(r.stderr.hasPrefix("vfio-compat exec: sh was killed by signal \(signal) ("))
            #expect(r.seconds < 15)
            #expect(Exec.leftoverWorkspaces().isEmpty && Exec.hostMountsOfExec().isEmpty)
        }

        @Test func needsRootWithOneLine() throws {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv (util-linux) is missing")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", MountCommandTests.toolPath, "exec", "--", "true"]
            let err = Pipe()
            p.standardError = err
            try p.run()
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 125)
            #expect(e == "vfio-compat exec: needs root (to create a mount namespace and mount FUSE); run it with sudo\n")
        }

        @Test func aMissingCommandIsAUsageError() throws {
            let r = try Exec.run(["exec"])
            #expect(r.status == 64)
            #expect(r.stderr.contains("give the command to run after `--`"))
        }
    }
}
