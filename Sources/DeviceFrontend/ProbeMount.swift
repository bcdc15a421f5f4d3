import Foundation
import Logging
import Synchronization
import VFIOCompat

/// `matrix run`'s default target: each probe run gets its own dispatcher (the
/// probe's topology preset and entry limit, the run's profile) mounted through
/// FUSE on a fresh temporary directory, with its records kept in memory.
public struct ProbeMountTarget: ProbeTarget, Sendable {
    /// Where the temporary mount directories are made.
    public var directory: String

    public init(directory: String = FileManager.default.temporaryDirectory.path) { self.directory = directory }

    public func skipReason(_ probe: Probe, profile: SemanticsProfile) -> String? {
        if let name = probe.topology, Topology.preset(named: name) == nil { return "unknown topology preset \(name)" }
        return nil
    }

    public func serve(_ probe: Probe, profile: SemanticsProfile) throws(MatrixRunError) -> any ProbeServing {
        let topology = probe.topology.flatMap(Topology.preset(named:)) ?? .default
        let sink = RecordBuffer()
        let dispatcher = VFIODispatcher(
            configuration: DispatcherConfiguration(profile: profile, topology: topology,
                                                   dmaEntryLimit: probe.dmaEntryLimit ?? 65535),
            sink: sink)
        return try ProbeMount(parent: directory, dispatcher: dispatcher, sink: sink)
    }
}

/// Records as the dispatcher emits them; the dispatcher emits before it answers,
/// so a call's record is here by the time the caller has its result.
final class RecordBuffer: TranslationRecordSink {
    private let state = Mutex<(records: [TranslationRecord], taken: Int)>(([], 0))

    func emit(_ record: TranslationRecord) { state.withLock { $0.records.append(record) } }

    func take() -> [TranslationRecord] {
        state.withLock { s in
            let new = Array(s.records[s.taken...])
            s.taken = s.records.count
            return new
        }
    }
}

/// One dispatcher served on a temporary directory by a session thread, until `end()`.
final class ProbeMount: ProbeServing, @unchecked Sendable {
    let mountpoint: String
    /// The dispatcher emits a record before it answers: nothing to wait for.
    let recordLatency: Double = 0
    private let dispatcher: VFIODispatcher
    private let sink: RecordBuffer
    private let server: FUSEServer
    private let finished = DispatchSemaphore(value: 0)

    init(parent: String, dispatcher: VFIODispatcher, sink: RecordBuffer) throws(MatrixRunError) {
        self.dispatcher = dispatcher
        self.sink = sink
        mountpoint = parent + "/vfio-matrix-" + UUID().uuidString.prefix(8)
        do {
            try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: false)
        } catch {
            throw MatrixRunError("cannot make \(mountpoint): \(error.localizedDescription)")
        }
        let ready = DispatchSemaphore(value: 0)
        var logger = Logger(label: "vfio-compat.matrix")
        logger.logLevel = .error
        let options = FUSEServerOptions(allowOther: false, maxThreads: 8, logger: logger, onReady: { _ in ready.signal() })
        do {
            server = try FUSEServer(mountpoint: mountpoint, handler: DispatcherDeviceHandler(dispatcher: dispatcher), options: options)
        } catch {
            try? FileManager.default.removeItem(atPath: mountpoint)
            throw MatrixRunError("cannot mount \(mountpoint): \(error)")
        }
        let thread = Thread { [server, finished] in
            try? server.run()
            finished.signal()
        }
        thread.start()
        if ready.wait(timeout: .now() + 10) == .timedOut {
            end()
            throw MatrixRunError("the mount at \(mountpoint) did not become ready")
        }
    }

    func takeRecords(wait: Double) -> [TranslationRecord] {
        var records = sink.take()
        let deadline = Date().addingTimeInterval(wait)
        while records.isEmpty && Date() < deadline {
            usleep(500)
            records = sink.take()
        }
        return records
    }

    /// Waits (up to 2 s) for the client's files to be released, then unmounts.
    func end() {
        let deadline = Date().addingTimeInterval(2)
        while dispatcher.snapshot().openHandles > 0 && Date() < deadline { usleep(500) }
        server.stop()
        _ = finished.wait(timeout: .now() + 5)
        try? FileManager.default.removeItem(atPath: mountpoint)
    }
}
