import Foundation
import Testing

/// `vfio-compat mount` as an operator runs it: one ready line, clean unmount on
/// SIGTERM with exit 0, and a one-line error naming the cause for a bad mountpoint.
@Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
struct MountCommandTests {
    static var toolPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("vfio-compat").path
    }

    static func freshDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-cmd-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        return dir
    }

    /// Runs the tool to completion and returns (status, stdout, stderr).
    static func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: toolPath)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func servesUntilSignalThenUnmounts(signal: Int32) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.toolPath), "build vfio-compat first")
        let dir = try Self.freshDirectory()
        let log = dir + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: log) }
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: Self.toolPath)
        daemon.arguments = ["mount", dir, "--log", log, "--profile", "iommufd"]
        let output = Pipe()
        daemon.standardOutput = output
        try daemon.run()
        let pid = daemon.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 15, execute: watchdog)
        defer { watchdog.cancel(); if daemon.isRunning { kill(pid, SIGKILL); _ = umount2(dir, Int32(MNT_DETACH)) } }

        let ready = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(ready == "vfio-compat: serving vfio, 7, 8, 9 at \(dir) (profile iommufd, topology x86-vtd, log \(log))\n")
        let out = try Client.run(["open c \(dir)/vfio", "ioctl c VFIO_GET_API_VERSION 0"])
        #expect(out.last == "ok 0")
        // RELEASE reaches the daemon asynchronously after the client exits; wait for its record.
        let logged = { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        #expect(eventually { logged() == 3 })

        kill(pid, signal)
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 0)
        let info = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!info.contains(" \(dir) "))
        // The log was flushed and closed: the open, the call and the release are in it.
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("\"ioctl\":\"VFIO_GET_API_VERSION\""))
    }

    @Test func badMountpointsFailWithOneLine() throws {
        let missing = "/nonexistent/vfio-compat-\(UUID().uuidString.prefix(8))"
        let (status, _, err) = try Self.run(["mount", missing])
        #expect(status != 0)
        #expect(err.split(separator: "\n").count == 1)
        #expect(err.contains(missing))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-file-\(UUID().uuidString.prefix(8))").path
        FileManager.default.createFile(atPath: file, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (s2, _, e2) = try Self.run(["mount", file])
        #expect(s2 != 0 && e2.split(separator: "\n").count == 1 && e2.contains("not a directory"))
        let (s3, _, e3) = try Self.run(["mount", "/tmp", "--topology", "no-such-preset"])
        #expect(s3 != 0 && e3.split(separator: "\n").count == 1 && e3.contains("no-such-preset"))
    }
}
