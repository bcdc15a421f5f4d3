import ArgumentParser
import DeviceFrontend
import Logging
import VFIOCompat

extension SemanticsProfile: ExpressibleByArgument {}

/// The options every command that serves the emulated nodes shares (`mount`, `exec`, later `cuse`).
struct ServeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Groups to serve: a preset (\(Topology.presetNames.joined(separator: ", "))) or a YAML file.",
                               valueName: "preset|file"))
    var topology: String = "x86-vtd"

    @Option(help: ArgumentHelp("Answer like the kernel's type1 driver (default) or iommufd's vfio compat path.",
                               valueName: "type1|iommufd"))
    var profile: SemanticsProfile = .type1

    @Option(help: ArgumentHelp("Write the translation log (JSON Lines, rotated at 64 MiB) to this file.", valueName: "file"))
    var log: String?

    @Option(help: ArgumentHelp("Mappings per container before MAP_DMA fails with ENOSPC (type1's dma_entry_limit).",
                               valueName: "n"))
    var dmaEntryLimit: Int = 65535

    @Flag(name: .shortAndLong, help: "Log the daemon's own events at debug level.")
    var verbose = false

    func validate() throws {
        guard dmaEntryLimit > 0 else { throw ValidationError("--dma-entry-limit must be at least 1") }
    }

    /// Loads the topology and opens the log; errors name what is wrong in one line.
    /// With `collecting`, records also stay in memory (a `RecordTee` that forwards to the writer).
    func makeDispatcher(collecting: Bool = false) throws -> (VFIODispatcher, TranslationLogWriter?, RecordTee?) {
        let topology: Topology
        do { topology = try Topology.load(self.topology) } catch { throw CLIError("topology: \(error)") }
        var writer: TranslationLogWriter?
        if let log {
            do {
                writer = try TranslationLogWriter(path: log, configuration: .init(profile: profile.rawValue))
            } catch {
                throw CLIError("cannot open log file \(log): \(error)")
            }
        }
        let tee = collecting ? RecordTee(forwardingTo: writer) : nil
        let dispatcher = VFIODispatcher(
            configuration: DispatcherConfiguration(profile: profile, topology: topology, dmaEntryLimit: dmaEntryLimit),
            sink: tee ?? writer)
        return (dispatcher, writer, tee)
    }

    func bootstrapLogging() -> Logger {
        let level: Logger.Level = verbose ? .debug : .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "vfio-compat")
    }
}
