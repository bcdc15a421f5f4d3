/// What one probe did under one profile through a real mount: each step's
/// answer and records, and every way it missed the probe's expectations.
/// Holds only run-independent values (no pids, times, vaddrs), so a report
/// built from it is the same on every run.
public struct ProbeRunResult: Codable, Sendable, Hashable {
    public enum Verdict: String, Codable, Sendable, Hashable { case pass, fail, skipped }

    public var probe: String
    public var profile: SemanticsProfile
    public var verdict: Verdict
    /// Why the probe did not run (skipped) or could not finish.
    public var note: String?
    public var steps: [StepResult]
    /// Every mismatch, as `step N `line`: what`.
    public var failures: [String]

    public init(probe: String, profile: SemanticsProfile, verdict: Verdict, note: String? = nil,
                steps: [StepResult] = [], failures: [String] = []) {
        self.probe = probe; self.profile = profile; self.verdict = verdict; self.note = note
        self.steps = steps; self.failures = failures
    }

    /// One script line, its normalised answer (`ok`, `ok 1`, `err EINVAL`) and its records.
    public struct StepResult: Codable, Sendable, Hashable {
        public var line: String
        public var output: String
        public var records: [RecordSummary]

        public init(line: String, output: String, records: [RecordSummary]) {
            self.line = line; self.output = output; self.records = records
        }
    }
}

/// A translation record reduced to what does not vary between runs: the call,
/// its result, the matrix rows, and the iommufd operation names.
public struct RecordSummary: Codable, Sendable, Hashable, CustomStringConvertible {
    public var ioctl: String
    public var result: String
    public var rows: [String]
    public var unsupported: String?
    public var divergence: String?
    public var ops: [String]

    public init(_ record: TranslationRecord) {
        ioctl = record.ioctl
        result = record.result.errno ?? "ok \(record.result.ret ?? 0)"
        rows = record.rows
        unsupported = record.unsupported?.row
        divergence = record.divergence?.row
        ops = record.iommufd.map(\.op)
    }

    /// `VFIO_IOMMU_MAP_DMA → IOMMU_IOAS_MAP = EINVAL [M-05] unsupported M-15 divergent M-23`.
    public var description: String {
        var text = ioctl
        if !ops.isEmpty { text += " → " + ops.joined(separator: ", ") }
        text += " = " + result
        if !rows.isEmpty { text += " [" + rows.joined(separator: " ") + "]" }
        if let unsupported { text += " unsupported " + unsupported }
        if let divergence { text += " divergent " + divergence }
        return text
    }
}
