/// What one legacy call did, gathered while the dispatcher handles it and
/// turned into a `TranslationRecord` when the call ends.
///
/// Handlers fill it in as they go: decoded arguments, the iommufd operations
/// the call corresponds to, the matrix rows it touched, and, where the call
/// hits a feature the emulator does not serve or a behaviour the two kernels
/// answer differently, the `unsupported` or `divergence` note.
struct CallRecord: Sendable {
    var node: VFIONode
    var container: UInt32?
    var group: UInt32?
    var ioctl: String
    var request: UInt32?
    var args: [String: LogValue] = [:]
    var iommufd: [IommufdOp] = []
    var rows: [MatrixRowID] = []
    var unsupported: Unsupported?
    var divergence: Divergence?

    init(node: VFIONode, ioctl: String, request: UInt32?) {
        self.node = node
        self.ioctl = ioctl
        self.request = request
        if case .group(let n) = node { group = n }
    }

    mutating func touch(_ row: MatrixRowID) {
        if !rows.contains(row) { rows.append(row) }
    }

    mutating func op(_ name: String, _ args: [String: LogValue] = [:]) {
        iommufd.append(IommufdOp(op: name, args: args))
    }

    /// Marks the call as hitting a feature the emulator does not serve.
    mutating func unsupported(_ row: MatrixRowID, _ reason: String) {
        touch(row)
        unsupported = Unsupported(row: row.rawValue, reason: reason)
    }

    /// Notes that the other kernel would have answered this call differently.
    mutating func diverge(_ row: MatrixRowID, type1: Outcome, iommufd: Outcome) {
        touch(row)
        divergence = Divergence(row: row.rawValue, type1: type1.description, iommufd: iommufd.description)
    }
}

/// A call's observable result in the words a record uses: `0`, `1`, `EINVAL(22)`,
/// or a short phrase for outcomes that are not a return value.
struct Outcome: Sendable, CustomStringConvertible {
    let description: String
    static func value(_ v: Int32) -> Outcome { Outcome(description: "\(v)") }
    static func error(_ e: Errno) -> Outcome { Outcome(description: e.description) }
    static func text(_ s: String) -> Outcome { Outcome(description: s) }
    static let success = Outcome.value(0)
}
