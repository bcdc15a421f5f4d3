import Foundation

/// A mount someone already runs (`vfio-compat mount DIR --log FILE`): probes
/// use its nodes, and their records are read from the end of its log as the
/// writer thread appends them. The mount serves one profile, one topology and
/// one entry limit, so probes that need another preset or limit are skipped.
public struct LiveMountTarget: ProbeTarget, Sendable {
    public var mountpoint: String
    public var logPath: String
    /// How long to wait for a step's records to reach the log (the writer is asynchronous).
    public var recordLatency: Double = 0.3

    public init(mountpoint: String, logPath: String) { self.mountpoint = mountpoint; self.logPath = logPath }

    public func skipReason(_ probe: Probe, profile: SemanticsProfile) -> String? {
        if let topology = probe.topology { return "needs topology preset \(topology); a live mount serves its own" }
        if let limit = probe.dmaEntryLimit { return "needs --dma-entry-limit \(limit); a live mount serves its own" }
        return nil
    }

    public func serve(_ probe: Probe, profile: SemanticsProfile) throws(MatrixRunError) -> any ProbeServing {
        guard FileManager.default.fileExists(atPath: mountpoint + "/vfio") else {
            throw MatrixRunError("\(mountpoint)/vfio does not exist: is `vfio-compat mount \(mountpoint)` running?")
        }
        guard let handle = FileHandle(forReadingAtPath: logPath) else {
            throw MatrixRunError("cannot read the log \(logPath)")
        }
        return LiveServing(mountpoint: mountpoint, log: handle, recordLatency: recordLatency)
    }
}

/// Reads the records appended to a live log since the probe started.
final class LiveServing: ProbeServing {
    let mountpoint: String
    private let log: FileHandle
    let recordLatency: Double
    private var pending: [UInt8] = []

    init(mountpoint: String, log: FileHandle, recordLatency: Double) {
        self.mountpoint = mountpoint; self.log = log; self.recordLatency = recordLatency
        _ = try? log.seekToEnd()
    }

    func takeRecords(wait: Double) -> [TranslationRecord] {
        let deadline = Date().addingTimeInterval(wait)
        var records = readNew()
        while records.isEmpty && Date() < deadline {
            usleep(2000)
            records = readNew()
        }
        return records
    }

    private func readNew() -> [TranslationRecord] {
        if let data = try? log.readToEnd() { pending += data }
        var records: [TranslationRecord] = []
        while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[..<nl]
            if let record = try? TranslationRecordCoding.record(from: line), !record.isDropNotice { records.append(record) }
            pending.removeSubrange(...nl)
        }
        return records
    }

    /// The releases at client exit are not reported: nothing to wait for.
    func end() {
        try? log.close()
    }
}
