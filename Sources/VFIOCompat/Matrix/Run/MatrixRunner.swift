import Foundation
import Synchronization

/// Runs probes through a real mount: each probe's script goes, one line at a
/// time, to a separate `vfio-client` process whose ioctls reach the emulator
/// through FUSE; every answer is checked against the step's expectation for the
/// profile and the records the step produced against its record expectation.
public struct MatrixRunner: Sendable {
    /// The built `vfio-client` executable.
    public var clientPath: String
    /// How long to wait for the release record of a `close` step: FUSE sends
    /// RELEASE after close(2) has returned, so it is handled asynchronously.
    public var releaseWait: Double = 0.5

    public init(clientPath: String) { self.clientPath = clientPath }

    /// Why a probe never runs through a mount (it needs what only the in-process runner simulates).
    public static let inProcessOnlyReason =
        "needs a device (VM_IO|VM_PFNMAP) mapping; this machine exposes no mappable PCI BAR, so the probe runs in process only (swift test)"

    /// Runs one probe under one profile on `target`.
    public func run(_ probe: Probe, profile: SemanticsProfile, on target: any ProbeTarget) -> ProbeRunResult {
        if probe.inProcessOnly {
            return ProbeRunResult(probe: probe.name, profile: profile, verdict: .skipped, note: Self.inProcessOnlyReason)
        }
        if let reason = target.skipReason(probe, profile: profile) {
            return ProbeRunResult(probe: probe.name, profile: profile, verdict: .skipped, note: reason)
        }
        let serving: any ProbeServing
        do { serving = try target.serve(probe, profile: profile) } catch {
            return ProbeRunResult(probe: probe.name, profile: profile, verdict: .fail, note: error.description,
                                  failures: [error.description])
        }
        defer { serving.end() }
        let client: ProbeClientProcess
        do { client = try ProbeClientProcess(path: clientPath) } catch {
            return ProbeRunResult(probe: probe.name, profile: profile, verdict: .fail, note: error.description,
                                  failures: [error.description])
        }
        defer { client.finish() }
        var failures: [String] = []
        // Root holds CAP_IPC_LOCK, which exempts it from RLIMIT_MEMLOCK (type1: vfio_lock_acct);
        // the probe says whether its caller has it.
        var preamble = ["cap-ipc-lock \(probe.ipcLock ? "on" : "off")"]
        if let memlock = probe.memlock { preamble.append("memlock \(memlock)") }
        for line in preamble {
            let answer = client.step(line)
            if answer != "ok 0" { failures.append("setup `\(line)`: \(answer ?? "no answer from the client")") }
        }
        _ = serving.takeRecords(wait: 0)
        var steps: [ProbeRunResult.StepResult] = []
        for (index, step) in probe.steps.enumerated() where failures.isEmpty {
            let line = step.line.replacingOccurrences(of: "$MNT", with: serving.mountpoint)
            let expectation = step.expectation(for: profile)
            let prefix = "step \(index + 1) `\(step.line)`"
            guard let answer = client.step(line) else {
                failures.append("\(prefix): the client gave no answer")
                break
            }
            let verb = step.line.split(separator: " ").first.map(String.init) ?? ""
            // Only calls on the nodes make records; a close's comes with the asynchronous RELEASE.
            let wait = verb == "close" ? max(releaseWait, serving.recordLatency)
                : Self.nodeVerbs.contains(verb) ? serving.recordLatency : 0
            let records = serving.takeRecords(wait: wait)
            guard let output = Self.parse(answer) else {
                failures.append("\(prefix): the client refused the step: \(answer)")
                steps.append(.init(line: step.line, output: answer, records: records.map(RecordSummary.init)))
                break
            }
            var misses = expectation.failures(output)
            if let record = expectation.record { misses += record.failures(records.last) }
            failures += misses.map { "\(prefix): \($0)" }
            steps.append(.init(line: step.line, output: Self.normalised(output, expectation.outcome),
                               records: records.map(RecordSummary.init)))
        }
        return ProbeRunResult(probe: probe.name, profile: profile, verdict: failures.isEmpty ? .pass : .fail,
                              steps: steps, failures: failures)
    }

    static let nodeVerbs: Set<String> = ["open", "ioctl", "ioctl-buf", "ioctl-fdptr", "ioctl-badptr"]

    /// A client answer as a `ProbeOutput`; `ok 0x…` (mmap) becomes the address as the return value.
    static func parse(_ line: String) -> ProbeOutput? {
        if line.hasPrefix("ok 0x"), let address = UInt64(line.dropFirst(5), radix: 16) {
            return ProbeOutput(ret: Int64(bitPattern: address))
        }
        return ProbeOutput(line: line)
    }

    /// The answer without run-dependent values: `ok` for steps whose return value
    /// may be anything (fds, addresses), else `ok RET` or `err ENAME`; buffers are left out.
    static func normalised(_ output: ProbeOutput, _ outcome: ProbeExpectation.Outcome) -> String {
        if let errno = output.errno { return "err " + (output.errnoName ?? Errno(rawValue: errno).name) }
        if case .okAny = outcome { return "ok" }
        return "ok \(output.ret ?? 0)"
    }

    /// Runs every (probe, profile) job, `width` at a time; `progress` is called
    /// after each job with the count done, the total and the job just finished.
    public func runAll(_ jobs: [(Probe, SemanticsProfile)], on target: any ProbeTarget & Sendable, width: Int = 1,
                       progress: @Sendable (Int, Int, ProbeRunResult) -> Void = { _, _, _ in }) -> [ProbeRunResult] {
        let results = Mutex<[ProbeRunResult?]>(Array(repeating: nil, count: jobs.count))
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let unsafeJobs = jobs.map { JobBox(probe: $0.0, profile: $0.1) }
        DispatchQueue.concurrentPerform(iterations: max(1, min(width, jobs.count))) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < unsafeJobs.count else { return }
                let result = run(unsafeJobs[i].probe, profile: unsafeJobs[i].profile, on: target)
                results.withLock { $0[i] = result }
                let count = done.wrappingAdd(1, ordering: .relaxed).newValue
                progress(count, unsafeJobs.count, result)
            }
        }
        return results.withLock { $0.map { $0! } }
    }

    private struct JobBox: Sendable { var probe: Probe; var profile: SemanticsProfile }
}
