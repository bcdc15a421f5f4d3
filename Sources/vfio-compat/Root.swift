import ArgumentParser

// Throwaway root for the `log` branch; the integrator replaces it with the real root command.
@main
struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfio-compat",
        abstract: "Legacy VFIO type1 container emulation over iommufd semantics.",
        subcommands: [LogCommand.self]
    )
}
