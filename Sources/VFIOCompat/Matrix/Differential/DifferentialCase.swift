/// One case of the differential test: a client script run unchanged against the real
/// kernel's nodes and against the shim's, with the matrix rows each line speaks for.
///
/// Scripts keep the probe catalog's placeholders: `$MNT/vfio` is the container node and
/// `$MNT/7` the one group the VM has; the guest substitutes the real paths for each side.
public struct DifferentialCase: Sendable, Hashable {
    public var name: String
    /// The rows the whole case checks (the probe's rows).
    public var rows: [MatrixRowID]
    /// The script, one client step per line.
    public var lines: [String]
    /// For each line: the rows its answer speaks for (the step's record rows, else `rows`).
    public var lineRows: [[MatrixRowID]]
    /// type1's `dma_entry_limit` for this case: the guest writes it to the kernel's module
    /// parameter (read at each container open) and serves the shim with `--dma-entry-limit`.
    public var dmaEntryLimit: Int

    public static let defaultDMAEntryLimit = 65535

    public init(name: String, rows: [MatrixRowID], lines: [String], lineRows: [[MatrixRowID]],
                dmaEntryLimit: Int = defaultDMAEntryLimit) {
        self.name = name; self.rows = rows; self.lines = lines; self.lineRows = lineRows; self.dmaEntryLimit = dmaEntryLimit
    }

    /// The case made from `probe`: its script, each step attributed to its type1 record's rows.
    public init(probe: Probe) {
        var lines: [String] = []
        var lineRows: [[MatrixRowID]] = []
        if let memlock = probe.memlock { lines.append("memlock \(memlock)"); lineRows.append(probe.rows) }
        for step in probe.steps {
            lines.append(step.line)
            let record = step.type1.record
            let named = (record?.rows ?? []) + [record?.unsupported, record?.divergence].compactMap { $0 }
            lineRows.append(named.isEmpty ? probe.rows : named)
        }
        self.init(name: probe.name, rows: probe.rows, lines: lines, lineRows: lineRows,
                  dmaEntryLimit: probe.dmaEntryLimit ?? Self.defaultDMAEntryLimit)
    }

    /// Why `probe` cannot run against the VM's real kernel, or nil when it can.
    public static func skipReason(_ probe: Probe) -> String? {
        if probe.inProcessOnly { return "uses steps only the in-process runner has (caller switch, device mappings)" }
        let script = probe.script.joined(separator: "\n")
        var groups = Set<String>()
        var rest = script[...]
        while let range = rest.range(of: "$MNT/") {
            let name = rest[range.upperBound...].prefix(while: { !$0.isWhitespace })
            groups.insert(String(name))
            rest = rest[range.upperBound...]
        }
        let others = groups.subtracting(["vfio", "7"]).sorted()
        if !others.isEmpty {
            return "needs group(s) \(others.joined(separator: ", ")); the VM has one group (edu behind its IOMMU)"
        }
        return nil
    }

    /// Every catalog probe that can run against a real kernel, then the VM's own cases
    /// (foreign fds and the top of the address space on one group, the kernel-probe sequence);
    /// and the skipped probes with their reasons.
    public static func all(from probes: [Probe] = ProbeCatalog.all) -> (cases: [DifferentialCase], skipped: [(name: String, reason: String)]) {
        var cases: [DifferentialCase] = []
        var skipped: [(String, String)] = []
        for probe in probes {
            if let reason = skipReason(probe) { skipped.append((probe.name, reason)) } else { cases.append(DifferentialCase(probe: probe)) }
        }
        // Cases with their own dma_entry_limit last, so the guest restarts the shim only for them.
        let ordered = cases.filter { $0.dmaEntryLimit == defaultDMAEntryLimit } + cases.filter { $0.dmaEntryLimit != defaultDMAEntryLimit }
        return (ordered + [foreignFD, topOfSpace].compactMap { $0 } + [qemuSequence], skipped)
    }

    /// The case called `name`.
    public static func named(_ name: String) -> DifferentialCase? { all().cases.first { $0.name == name } }
}
