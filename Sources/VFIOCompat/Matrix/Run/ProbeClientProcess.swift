import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One `vfio-client -i` process: the runner writes a step, reads its one result
/// line, and may look at what the step caused before sending the next. The
/// probe's ioctls are real `ioctl(2)` calls made by this separate process.
public final class ProbeClientProcess {
    private let process = Process()
    private let input: FileHandle
    private let outputFD: Int32
    private var pending: [UInt8] = []
    /// Seconds a step may take before the client is killed and the step fails.
    public var stepTimeout: Double = 10

    /// Starts the client at `path` in interactive mode.
    public init(path: String) throws(MatrixRunError) {
        let stdin = Pipe(), stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-i"]
        process.standardInput = stdin
        process.standardOutput = stdout
        do { try process.run() } catch {
            throw MatrixRunError("cannot start \(path): \(error.localizedDescription)")
        }
        input = stdin.fileHandleForWriting
        outputFD = stdout.fileHandleForReading.fileDescriptor
        // Keep the read end open for as long as this object lives.
        self.stdout = stdout
    }

    private let stdout: Pipe

    /// Sends one script line and returns the client's result line (nil if it
    /// exited or gave no answer within `stepTimeout`).
    public func step(_ line: String) -> String? {
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { buf -> Bool in
            var done = 0
            while done < buf.count {
                let n = write(input.fileDescriptor, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        guard written else { return nil }
        return readLine()
    }

    private func readLine() -> String? {
        let deadline = Date().addingTimeInterval(stepTimeout)
        while true {
            if let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { kill(process.processIdentifier, SIGKILL); return nil }
            var pfd = pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(left * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            pending += chunk[..<n]
        }
    }

    /// Closes the client's input and waits for it to exit (killing it after `timeout`).
    public func finish(timeout: Double = 5) {
        try? input.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(1000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Why a matrix run could not start or finish (one line for the CLI).
public struct MatrixRunError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
