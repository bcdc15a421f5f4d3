import ArgumentParser
import Foundation
import VFIOCompat

extension VFIOCompatCommand {
    /// `vfio-compat matrix …`: the compatibility matrix.
    struct MatrixCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "matrix",
            abstract: "Show the compatibility matrix of the legacy VFIO uAPI, or probe it through real ioctls.",
            discussion: """
                The matrix is read from --matrix FILE, else $VFIO_COMPAT_MATRIX, else
                ./compat-matrix/matrix.yaml, else the nearest compat-matrix/matrix.yaml above the executable.
                Examples:
                  vfio-compat matrix show
                  vfio-compat matrix show --format md --out compat-matrix/README.md
                  vfio-compat matrix run
                  vfio-compat matrix run --profile iommufd --rows M-04,M-12
                """,
            subcommands: [Show.self, Run.self, Differential.self]
        )
    }
}

extension VFIOCompatCommand.MatrixCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, md, json }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the matrix as a table, Markdown or JSON.",
            discussion: """
                Examples:
                  vfio-compat matrix show --format table
                  vfio-compat matrix show --format json --matrix compat-matrix/matrix.yaml
                  vfio-compat matrix show --format md --out compat-matrix/README.md
                """
        )

        @Option(help: "Output format: table, md or json.")
        var format: Format = .table

        @Option(help: "The matrix YAML to read.")
        var matrix: String?

        @Option(help: "Write to this file instead of standard output.")
        var out: String?

        func run() throws {
            let loaded: CompatMatrix
            do {
                loaded = try CompatMatrix.load(path: MatrixLocator.locate(explicit: matrix))
            } catch {
                throw CLIError(error.description)
            }
            let text: String = switch format {
            case .table: loaded.table()
            case .md: loaded.markdown()
            case .json: loaded.json()
            }
            if let out {
                do {
                    try text.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("\(out): cannot write: \(error.localizedDescription)")
                }
            } else {
                print(text, terminator: "")
            }
        }
    }
}
