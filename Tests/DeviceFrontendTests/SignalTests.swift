import Foundation
import Testing

/// SIGINT/SIGTERM handling, exercised on the frontend-bench daemon in its own process.
@Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
struct SignalTests {
    /// frontend-bench sits next to the test bundle in the build directory.
    static var daemonPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("frontend-bench").path
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func signalUnmountsAndReturns(signal: Int32) throws {
        let path = Self.daemonPath
        try #require(FileManager.default.isExecutableFile(atPath: path), "build frontend-bench first: \(path)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-sig-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: path)
        daemon.arguments = [dir]
        let output = Pipe()
        daemon.standardOutput = output
        try daemon.run()
        // Never hang the suite: a daemon that ignores the signal is killed (and the test fails).
        let pid = daemon.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 10, execute: watchdog)
        defer { watchdog.cancel() }
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL); _ = umount2(dir, Int32(MNT_DETACH)) } }

        let reader = output.fileHandleForReading
        let first = String(decoding: reader.availableData, as: UTF8.self)
        #expect(first == "ready \(dir)\n")
        #expect(FileManager.default.fileExists(atPath: dir + "/vfio"))

        kill(daemon.processIdentifier, signal)
        let rest = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        daemon.waitUntilExit()
        #expect(rest == "stopped\n")
        #expect(daemon.terminationStatus == 0)
        let info = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!info.contains(" \(dir) "))
    }
}
