/// The outcome of `matrix run`: per matrix row, the status the matrix promises,
/// what its probe observed under each profile, and whether that contradicts the
/// matrix; per probe run, the steps and the records they produced.
public struct MatrixRunReport: Codable, Sendable, Hashable {
    public enum Verdict: String, Codable, Sendable, Hashable {
        /// The probe met every expectation under every profile run.
        case pass
        /// Some observed answer or record contradicts the matrix.
        case fail
        /// The probe could not run here (the reason says why).
        case skipped
        /// The matrix says the row cannot arise; it has a reason, no probe.
        case notApplicable = "not-applicable"
        /// A logged row no call can reach (the reason says why).
        case unreachable
    }

    public struct Row: Codable, Sendable, Hashable {
        public var id: String
        public var feature: String
        public var status: MatrixStatus
        public var probe: String?
        /// Per profile run: the answers of the steps whose records cite the row.
        public var observed: [String: String]
        /// Per profile run: records of the probe, and how many were unsupported / divergent.
        public var records: [String: RecordCount]
        public var verdict: Verdict
        /// Why the row was not probed, or what failed.
        public var note: String?
    }

    public struct RecordCount: Codable, Sendable, Hashable {
        public var total: Int
        public var unsupported: Int
        public var divergent: Int
    }

    public struct Summary: Codable, Sendable, Hashable {
        public var rows: Int
        public var pass: Int
        public var fail: Int
        public var skipped: Int
        public var notApplicable: Int
        public var unreachable: Int
    }

    public var profiles: [SemanticsProfile]
    public var summary: Summary
    public var rows: [Row]
    public var probes: [ProbeRunResult]

    /// Whether any row or probe run contradicts the matrix.
    public var failed: Bool { summary.fail > 0 || probes.contains { $0.verdict == .fail } }

    /// Builds the report of `results` for `rows` of `matrix`.
    public init(matrix: CompatMatrix, rows selected: [MatrixRow], profiles: [SemanticsProfile], results: [ProbeRunResult],
                unreachable: [MatrixRowID: String] = ProbeCatalog.unreachableLoggedRows) {
        self.profiles = profiles
        probes = results
        var byProbe: [String: [ProbeRunResult]] = [:]
        for result in results { byProbe[result.probe, default: []].append(result) }
        rows = selected.map { row in
            Row.build(row, runs: row.probe.flatMap { byProbe[$0] } ?? [], unreachable: unreachable[row.id])
        }
        summary = Summary(rows: rows.count, pass: rows.count { $0.verdict == .pass }, fail: rows.count { $0.verdict == .fail },
                          skipped: rows.count { $0.verdict == .skipped },
                          notApplicable: rows.count { $0.verdict == .notApplicable },
                          unreachable: rows.count { $0.verdict == .unreachable })
    }
}

extension MatrixRunReport.Row {
    static func build(_ row: MatrixRow, runs: [ProbeRunResult], unreachable: String?) -> Self {
        var result = Self(id: row.id.rawValue, feature: row.feature, status: row.status, probe: row.probe,
                          observed: [:], records: [:], verdict: .pass, note: nil)
        if row.status == .notApplicable {
            result.verdict = .notApplicable
            result.note = row.reason
            return result
        }
        if let unreachable {
            result.verdict = .unreachable
            result.note = unreachable
            return result
        }
        if runs.isEmpty {
            result.verdict = .fail
            result.note = "no probe \(row.probe ?? "?") ran for this row"
            return result
        }
        for run in runs {
            let key = run.profile.rawValue
            let all = run.steps.flatMap(\.records)
            result.records[key] = .init(total: all.count, unsupported: all.count { $0.unsupported != nil },
                                        divergent: all.count { $0.divergence != nil })
            if run.verdict == .skipped {
                result.observed[key] = "skipped"
                continue
            }
            // The steps whose records cite the row; the last step when none does.
            let id = row.id.rawValue
            let citing = run.steps.filter { step in
                step.records.contains { $0.rows.contains(id) || $0.unsupported == id || $0.divergence == id }
            }
            var answers: [String] = []
            for step in citing.isEmpty ? Array(run.steps.suffix(1)) : citing where !answers.contains(step.output) {
                answers.append(step.output)
            }
            result.observed[key] = answers.joined(separator: ", ")
        }
        if runs.contains(where: { $0.verdict == .fail }) {
            result.verdict = .fail
            result.note = runs.filter { $0.verdict == .fail }.flatMap { run in run.failures.map { "[\(run.profile)] \($0)" } }
                .joined(separator: "; ")
        } else if runs.allSatisfy({ $0.verdict == .skipped }) {
            result.verdict = .skipped
            result.note = runs.first?.note
        }
        return result
    }
}
