import ArgumentParser
import Foundation
import VFIOCompat

extension VFIOCompatCommand.MatrixCommand {
    /// `vfio-compat matrix differential …`: the cases of the real-kernel differential test
    /// (scripts/vm/differential.sh) and the comparison of their answers.
    struct Differential: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the differential cases (real kernel vs shim) or compare a run's answers.",
            subcommands: [Export.self, Compare.self]
        )
    }
}

extension VFIOCompatCommand.MatrixCommand.Differential {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write DIR/cases (`NAME DMA_ENTRY_LIMIT` a line), DIR/NAME.script per case and DIR/skipped (name: reason).",
            discussion: "Scripts keep $MNT/vfio and $MNT/7; the guest substitutes each side's paths."
        )
        @Argument(help: "Directory to write into (created).") var directory: String

        func run() throws {
            let (cases, skipped) = DifferentialCase.all()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for c in cases {
                try (c.lines.joined(separator: "\n") + "\n").write(toFile: "\(directory)/\(c.name).script", atomically: true, encoding: .utf8)
            }
            try (cases.map { "\($0.name) \($0.dmaEntryLimit)" }.joined(separator: "\n") + "\n").write(toFile: "\(directory)/cases", atomically: true, encoding: .utf8)
            try (skipped.map { "\($0.name): \($0.reason)" }.joined(separator: "\n") + "\n")
                .write(toFile: "\(directory)/skipped", atomically: true, encoding: .utf8)
            writeLine("exported \(cases.count) cases (\(skipped.count) probes skipped) to \(directory)")
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the kernel's and the shim's answers; exit 1 on any difference the matrix does not document.",
            discussion: "FILE holds `@@ NAME kernel` and `@@ NAME shim` sections of client output (the VM payload's output)."
        )
        @Argument(help: "The run's output.") var file: String

        func run() throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw CLIError("cannot read \(file): \(error)") }
            let sections = DifferentialComparison.parseSections(text)
            let (cases, skipped) = DifferentialCase.all()
            var identical = 0, documentedCases = 0, missing: [String] = [], failed: [String] = []
            var byRow: [MatrixRowID: Int] = [:]
            for c in cases {
                guard let answers = sections[c.name], !answers.kernel.isEmpty || !answers.shim.isEmpty else {
                    missing.append(c.name); continue
                }
                let result = DifferentialComparison.compare(c, kernel: answers.kernel, shim: answers.shim)
                if result.identical { identical += 1; continue }
                if result.undocumented.isEmpty { documentedCases += 1 } else { failed.append(c.name) }
                writeLine("DIFF \(c.name)")
                for d in result.differences {
                    let verdict: String
                    switch d.verdict {
                    case .documented(let row, let why): verdict = "documented \(row.rawValue): \(why)"; byRow[row, default: 0] += 1
                    case .undocumented: verdict = "UNDOCUMENTED"
                    }
                    writeLine("  line \(d.line): \(d.step)\n    kernel: \(d.kernel)\n    shim:   \(d.shim)\n    -> \(verdict)")
                }
            }
            let ran = cases.count - missing.count
            writeLine("differential: \(ran) cases run, \(identical) identical, \(documentedCases) with documented differences only, \(failed.count) with undocumented differences; \(skipped.count) catalog probes skipped")
            if !byRow.isEmpty {
                writeLine("documented differences by row: " + byRow.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
            }
            if !missing.isEmpty { writeLine("no output for: \(missing.joined(separator: ", "))") }
            if !failed.isEmpty { writeLine("undocumented differences in: \(failed.joined(separator: ", "))") }
            if !failed.isEmpty || !missing.isEmpty { throw ExitCode(1) }
        }
    }
}
