/// Why a topology could not be loaded: every message names the file or preset,
/// the group and the field, so one line tells the user what to fix.
public struct TopologyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where: the field path (`group 8: domain.pgsizes`), or the file.
    public var location: String
    public var message: String

    public init(location: String, message: String) { self.location = location; self.message = message }

    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}
