import ArgumentParser
import VFIOCompat

/// The `vfio-compat` tool: serve, inspect and measure the emulated legacy VFIO container.
@main
struct VFIOCompatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vfio-compat",
        abstract: "A userspace emulation of the legacy VFIO type1 container (/dev/vfio/vfio).",
        discussion: """
            Examples:
              vfio-compat exec --log /tmp/qemu.jsonl -- qemu-system-x86_64 -machine q35 …
              vfio-compat topology show x86-vtd --format json
              vfio-compat matrix show --format md --out compat-matrix/README.md
            """,
        version: "0.1.0",
        subcommands: [MountCommand.self, CUSECommand.self, ExecCommand.self, MatrixCommand.self, LogCommand.self, TopologyCommand.self]
    )
}
