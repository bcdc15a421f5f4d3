/// One answer that differs between the real kernel and the shim.
public struct DifferentialDifference: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        /// The matrix documents it: the row and the allow-list's reason.
        case documented(MatrixRowID, String)
        /// Not documented: the differential fails.
        case undocumented
    }

    public var caseName: String
    /// 1-based line of the script.
    public var line: Int
    public var step: String
    public var kernel: String
    public var shim: String
    public var verdict: Verdict

    public var isDocumented: Bool { if case .undocumented = verdict { false } else { true } }
}

/// The outcome of one case on both sides.
public struct DifferentialCaseResult: Sendable, Hashable {
    public var name: String
    public var differences: [DifferentialDifference]
    public var identical: Bool { differences.isEmpty }
    public var undocumented: [DifferentialDifference] { differences.filter { !$0.isDocumented } }
}

/// Compares the client's answers from the real kernel with the shim's, step by step.
/// Each differing answer must be documented on its own: there is no "follows from an earlier
/// difference", so a case whose later steps diverge as a consequence fails until its rows say so.
public enum DifferentialComparison {
    public static func compare(_ testCase: DifferentialCase, kernel: [String], shim: [String],
                               allowList: [MatrixRowID: String] = DifferentialAllowList.rows) -> DifferentialCaseResult {
        var differences: [DifferentialDifference] = []
        let count = max(testCase.lines.count, kernel.count, shim.count)
        for index in 0..<count {
            let k = index < kernel.count ? kernel[index] : "<no output>"
            let s = index < shim.count ? shim[index] : "<no output>"
            if k == s { continue }
            let step = index < testCase.lines.count ? testCase.lines[index] : "<beyond the script>"
            let rows = index < testCase.lineRows.count ? testCase.lineRows[index] : testCase.rows
            var verdict = DifferentialDifference.Verdict.undocumented
            if step.contains("VFIO_IOMMU_GET_INFO"), let row = InfoLayout.explains(kernel: k, shim: s), let why = allowList[row] {
                verdict = .documented(row, why)
            } else if let row = overflowErrno(step: step, kernel: k, shim: s), let why = allowList[row] {
                verdict = .documented(row, why)
            } else if let row = rows.first(where: { allowList[$0] != nil }) {
                verdict = .documented(row, allowList[row]!)
            }
            differences.append(DifferentialDifference(caseName: testCase.name, line: index + 1, step: step,
                                                      kernel: k, shim: s, verdict: verdict))
        }
        return DifferentialCaseResult(name: testCase.name, differences: differences)
    }

    /// v6.18 answers wrap-around with EOVERFLOW where 6.1 says EINVAL (6012379ede6a): the same
    /// step, the same buffer, only that errno changed. The row is the request's wrap-around row.
    static func overflowErrno(step: String, kernel: String, shim: String) -> MatrixRowID? {
        guard let k = ProbeOutput(line: kernel), let s = ProbeOutput(line: shim),
              k.errno == Errno.invalidArgument.rawValue, s.errno == Errno(rawValue: 75).rawValue, k.buffer == s.buffer
        else { return nil }
        if step.contains("VFIO_IOMMU_MAP_DMA") { return .M08 }
        if step.contains("VFIO_IOMMU_UNMAP_DMA") { return .U16 }
        return nil
    }

    /// Splits a run's output into cases: `@@ NAME kernel` / `@@ NAME shim` header lines, each
    /// followed by that side's client output. Anything before the first header is ignored.
    public static func parseSections(_ text: String) -> [String: (kernel: [String], shim: [String])] {
        var result: [String: (kernel: [String], shim: [String])] = [:]
        var current: (name: String, side: String)?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("@@ ") {
                let words = line.split(separator: " ")
                if words.count == 3, words[2] == "kernel" || words[2] == "shim" {
                    current = (String(words[1]), String(words[2]))
                    if result[current!.name] == nil { result[current!.name] = ([], []) }
                } else {
                    current = nil
                }
                continue
            }
            guard let current, !line.isEmpty else { continue }
            if current.side == "kernel" { result[current.name]!.kernel.append(line) } else { result[current.name]!.shim.append(line) }
        }
        return result
    }
}

/// GET_INFO answers decoded far enough to tell a layout difference (where the caps sit,
/// how big the chain is, MIGRATION present or not) from a difference in content.
enum InfoLayout: Equatable {
    struct Decoded: Equatable {
        var flags: UInt32
        var pgsizes: UInt64
        /// cap_offset was non-zero: the chain was written.
        var hasChain: Bool
        /// Every cap but MIGRATION as (id, version, payload words).
        var caps: [[UInt64]]
        var hasMigration: Bool
        var argsz: UInt32
        var capOffsets: [UInt32]
    }

    /// The row a GET_INFO difference is documented by, or nil when the content differs.
    static func explains(kernel: String, shim: String) -> MatrixRowID? {
        guard let k = ProbeOutput(line: kernel), let s = ProbeOutput(line: shim),
              k.errno == s.errno, k.ret == s.ret,
              let kb = k.buffer, let sb = s.buffer, let kd = decode(kb), let sd = decode(sb),
              kd.flags == sd.flags, kd.pgsizes == sd.pgsizes else { return nil }
        if kd.hasChain && sd.hasChain {
            guard kd.caps == sd.caps else { return nil }
        } else if kd.hasChain != sd.hasChain {
            // One chain fitted the buffer, the other did not: its size is the layout difference.
            guard kd.argsz != sd.argsz else { return nil }
        }
        if kd.hasMigration { return .I06 }
        if kd.argsz != sd.argsz || kd.capOffsets != sd.capOffsets { return .I04 }
        return .I01
    }

    static func decode(_ b: [UInt8]) -> Decoded? {
        func u(_ offset: Int, _ width: Int) -> UInt64? {
            guard offset >= 0, offset + width <= b.count else { return nil }
            return (0..<width).reduce(UInt64(0)) { $0 | UInt64(b[offset + $1]) << (8 * $1) }
        }
        guard let argsz = u(0, 4), let flags = u(4, 4), let pgsizes = u(8, 8) else { return nil }
        var decoded = Decoded(flags: UInt32(flags), pgsizes: pgsizes, hasChain: false, caps: [], hasMigration: false,
                              argsz: UInt32(argsz), capOffsets: [])
        var offset = Int(u(16, 4) ?? 0)
        decoded.hasChain = offset != 0
        while offset != 0, decoded.capOffsets.count < 16, let id = u(offset, 2), let version = u(offset + 2, 2),
              let next = u(offset + 4, 4) {
            decoded.capOffsets.append(UInt32(offset))
            switch id {
            case 2: decoded.hasMigration = true
            case 1:
                let count = Int(u(offset + 8, 4) ?? 0)
                var words: [UInt64] = [id, version, UInt64(count)]
                for i in 0..<min(count, 64) {
                    words.append(u(offset + 16 + 16 * i, 8) ?? .max); words.append(u(offset + 24 + 16 * i, 8) ?? .max)
                }
                decoded.caps.append(words)
            case 3: decoded.caps.append([id, version, u(offset + 8, 4) ?? .max])
            default: decoded.caps.append([id, version])
            }
            offset = Int(next)
        }
        return decoded
    }
}
