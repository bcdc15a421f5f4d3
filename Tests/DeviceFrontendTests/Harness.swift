import DeviceFrontend
import Foundation
import Logging
import Synchronization

/// Whether this machine can mount FUSE here (root and a usable /dev/fuse), and if not, why.
enum Environment {
    static let skipReason: String? = {
        if getuid() != 0 { return "needs root to mount FUSE and to act as other users" }
        if access("/dev/fuse", R_OK | W_OK) != 0 { return "/dev/fuse is not usable" }
        return nil
    }()
    static var canMount: Bool { skipReason == nil }
}

/// The scripted C client: the `vfio-client` product, which sits next to the test bundle in the build directory.
enum Client {
    static let path: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("vfio-client").path
    }()

    /// Runs `script` (one step per line) in a new client process; returns its result lines.
    static func run(_ script: [String], timeout: Double = 20) throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("build the vfio-client product first (swift build, or scripts/test.sh): \(path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        input.fileHandleForWriting.write((script.joined(separator: "\n") + "\n").data(using: .utf8)!)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// A FUSEServer mounted on a fresh temporary directory and served on its own thread.
final class MountedServer: @unchecked Sendable {
    let directory: String
    let server: FUSEServer
    private let finished = DispatchSemaphore(value: 0)
    let runError = Mutex<FrontendError?>(nil)

    init(handler: any DeviceHandler, allowOther: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vfio-fuse-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let ready = DispatchSemaphore(value: 0)
        var logger = Logger(label: "test.frontend")
        logger.logLevel = .warning
        let options = FUSEServerOptions(allowOther: allowOther, logger: logger, onReady: { _ in ready.signal() })
        do {
            server = try FUSEServer(mountpoint: directory, handler: handler, options: options)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let thread = Thread { [self] in
            do throws(FrontendError) { try self.server.run() } catch { self.runError.withLock { $0 = error } }
            self.finished.signal()
        }
        thread.start()
        if ready.wait(timeout: .now() + 10) == .timedOut {
            shutDown()
            throw TestFailure("mount did not become ready")
        }
    }

    func node(_ name: String) -> String { directory + "/" + name }

    /// Stops the server and waits for run() to return; aborts our own connection if stuck.
    @discardableResult
    func shutDown() -> Bool {
        server.stop()
        var clean = true
        if finished.wait(timeout: .now() + 5) == .timedOut {
            clean = false
            abortOwnConnection()
            server.stop()
            _ = finished.wait(timeout: .now() + 5)
        }
        try? FileManager.default.removeItem(atPath: directory)
        return clean
    }

    /// Writes to /sys/fs/fuse/connections/<minor>/abort for this mount only.
    private func abortOwnConnection() {
        guard let info = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return }
        for line in info.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[4] == directory, let minor = fields[2].split(separator: ":").last else { continue }
            try? "1".write(toFile: "/sys/fs/fuse/connections/\(minor)/abort", atomically: false, encoding: .utf8)
        }
    }

    var isMounted: Bool {
        let info = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").contains { $0.split(separator: " ").count > 4 && $0.split(separator: " ")[4] == directory }
    }
}

/// Mounts `handler`, runs `body`, and unmounts in every outcome.
func withMount(_ handler: any DeviceHandler, allowOther: Bool = true,
               _ body: (MountedServer) throws -> Void) throws {
    let mount = try MountedServer(handler: handler, allowOther: allowOther)
    defer { mount.shutDown() }
    try body(mount)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// The hex field of an `ok RET HEX` line, as bytes.
func hexBytes(_ line: String) -> [UInt8] {
    guard let hex = line.split(separator: " ").last else { return [] }
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
        bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}
