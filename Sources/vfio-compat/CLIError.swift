/// A user-facing failure: ArgumentParser prints it as one line `Error: …` and exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
