import ArgumentParser
import VFIOCompat

extension VFIOCompatCommand {
    /// `vfio-compat topology …`: inspect the groups the emulator would serve.
    struct TopologyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topology",
            abstract: "Inspect emulated topologies (groups, devices, simulated IOMMU domains).",
            discussion: """
                Presets: \(Topology.presetNames.joined(separator: ", ")) (default x86-vtd).
                Examples:
                  vfio-compat topology show
                  vfio-compat topology show amd-vi --format json
                """,
            subcommands: [Show.self]
        )
    }
}

extension VFIOCompatCommand.TopologyCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a preset or a topology file.",
            discussion: """
                Examples:
                  vfio-compat topology show narrow-39
                  vfio-compat topology show examples/topology.yaml --format json
                """
        )

        @Argument(help: "A preset name (\(Topology.presetNames.joined(separator: ", "))) or a YAML file.")
        var topology: String = "x86-vtd"

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        func run() throws {
            let loaded: Topology
            do {
                loaded = try Topology.load(topology)
            } catch {
                throw CLIError(error.description)
            }
            print(format == .json ? loaded.json() : loaded.text(), terminator: "")
        }
    }
}
