/// One compatibility-matrix probe: a client script (the `vfio-client` step
/// language) with the answer each step must get under each semantics profile.
///
/// The same probe runs in process against a `VFIODispatcher` and, through a
/// real mount, as real `ioctl(2)` calls; paths are written `$MNT/vfio`, `$MNT/7`.
public struct Probe: Sendable, Hashable {
    /// The matrix's `probe:` value.
    public var name: String
    /// The rows this probe checks.
    public var rows: [MatrixRowID]
    /// Topology preset to serve (nil: the default, x86-vtd).
    public var topology: String?
    /// type1's `dma_entry_limit` (nil: 65535).
    public var dmaEntryLimit: Int?
    /// The caller's RLIMIT_MEMLOCK in bytes (nil: unlimited); rendered as a `memlock` step.
    public var memlock: UInt64?
    /// The caller holds CAP_IPC_LOCK.
    public var ipcLock: Bool
    /// Uses steps only the in-process runner implements (`mmap … device`: a VM_IO|VM_PFNMAP mapping).
    public var inProcessOnly: Bool
    public var steps: [ProbeStep]

    public init(_ name: String, rows: [MatrixRowID], topology: String? = nil, dmaEntryLimit: Int? = nil,
                memlock: UInt64? = nil, ipcLock: Bool = false, inProcessOnly: Bool = false, steps: [ProbeStep]) {
        self.name = name; self.rows = rows; self.topology = topology; self.dmaEntryLimit = dmaEntryLimit
        self.memlock = memlock; self.ipcLock = ipcLock; self.inProcessOnly = inProcessOnly; self.steps = steps
    }

    /// The whole client script, one line per step (a `memlock` line first when a limit is set).
    public var script: [String] {
        (memlock.map { ["memlock \($0)"] } ?? []) + steps.map(\.line)
    }
}

/// One script line and what it must answer under each profile.
public struct ProbeStep: Sendable, Hashable {
    public var line: String
    public var type1: ProbeExpectation
    public var iommufd: ProbeExpectation

    public init(line: String, type1: ProbeExpectation, iommufd: ProbeExpectation) {
        self.line = line; self.type1 = type1; self.iommufd = iommufd
    }

    public func expectation(for profile: SemanticsProfile) -> ProbeExpectation {
        profile == .type1 ? type1 : iommufd
    }
}

/// What one step must answer: the return value or errno, the caller's buffer
/// after the call, and the translation record the call produced.
public struct ProbeExpectation: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Success with exactly this return value.
        case ok(Int64)
        /// Success with any return value (an fd number, an address).
        case okAny
        case err(Errno)
    }

    public var outcome: Outcome
    /// Checks on the buffer the client prints after an `ioctl-buf` step.
    public var bytes: [ByteCheck]
    /// Checks on the step's record; nil checks nothing.
    public var record: RecordExpectation?

    public init(outcome: Outcome, bytes: [ByteCheck] = [], record: RecordExpectation? = nil) {
        self.outcome = outcome; self.bytes = bytes; self.record = record
    }

    /// Success with return value `ret`. Giving any of `rows`, `unsupported`,
    /// `divergence` or `ops` checks the record, and then an absent
    /// `unsupported`/`divergence` means the record must have none.
    public static func ok(_ ret: Int64 = 0, bytes: [ByteCheck] = [], rows: [MatrixRowID]? = nil,
                          unsupported: MatrixRowID? = nil, divergence: MatrixRowID? = nil,
                          ops: [String]? = nil) -> ProbeExpectation {
        ProbeExpectation(outcome: .ok(ret), bytes: bytes,
                         record: RecordExpectation.make(rows, unsupported, divergence, ops))
    }

    /// Success with any return value.
    public static func okAny(rows: [MatrixRowID]? = nil, unsupported: MatrixRowID? = nil,
                             divergence: MatrixRowID? = nil, ops: [String]? = nil) -> ProbeExpectation {
        ProbeExpectation(outcome: .okAny, record: RecordExpectation.make(rows, unsupported, divergence, ops))
    }

    /// Failure with `errno`; record checks as for `ok`.
    public static func err(_ errno: Errno, bytes: [ByteCheck] = [], rows: [MatrixRowID]? = nil,
                           unsupported: MatrixRowID? = nil, divergence: MatrixRowID? = nil,
                           ops: [String]? = nil) -> ProbeExpectation {
        ProbeExpectation(outcome: .err(errno), bytes: bytes,
                         record: RecordExpectation.make(rows, unsupported, divergence, ops))
    }
}

/// A check on the caller's buffer after the call, as typed little-endian fields.
public enum ByteCheck: Sendable, Hashable {
    /// The whole buffer is exactly these fields.
    case exact([ProbeField])
    /// The buffer holds these fields starting at this byte offset.
    case at(Int, [ProbeField])
}

/// What the record of a step must hold.
public struct RecordExpectation: Sendable, Hashable {
    /// Rows the record must contain (it may contain more).
    public var rows: [MatrixRowID]
    /// The record's `unsupported.row`, or nil for none.
    public var unsupported: MatrixRowID?
    /// The record's `divergence.row`, or nil for none.
    public var divergence: MatrixRowID?
    /// The names of the record's iommufd operations, in order (nil: not checked).
    public var ops: [String]?

    public init(rows: [MatrixRowID] = [], unsupported: MatrixRowID? = nil, divergence: MatrixRowID? = nil, ops: [String]? = nil) {
        self.rows = rows; self.unsupported = unsupported; self.divergence = divergence; self.ops = ops
    }

    static func make(_ rows: [MatrixRowID]?, _ unsupported: MatrixRowID?, _ divergence: MatrixRowID?,
                     _ ops: [String]?) -> RecordExpectation? {
        if rows == nil && unsupported == nil && divergence == nil && ops == nil { return nil }
        return RecordExpectation(rows: rows ?? [], unsupported: unsupported, divergence: divergence, ops: ops)
    }
}
