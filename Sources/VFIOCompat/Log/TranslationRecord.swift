/// One legacy VFIO call as the translation log records it: what the caller
/// asked, the iommufd operations that serve it, the outcome, and the
/// compatibility-matrix rows it touched. One JSON object per line in the log;
/// the JSON field names are stable (snake_case) and meant for `jq`.
public struct TranslationRecord: Codable, Sendable, Hashable {
    /// Per-daemon sequence number, from 1; assigned by the log writer.
    public var seq: UInt64
    /// CLOCK_MONOTONIC nanoseconds at append; assigned by the log writer.
    public var monoNs: UInt64
    /// Wall clock at append, RFC 3339 UTC with microseconds; assigned by the log writer.
    public var time: String
    public var pid: Int32
    public var tid: Int32
    /// The semantics profile that answered: "type1" or "iommufd".
    public var profile: String
    /// The node the call arrived on: "container" or "group".
    public var node: String
    /// Emulator-assigned container id (one per open of the container node).
    public var container: UInt32?
    /// Group number, for calls on a group node (or naming a group).
    public var group: UInt32?
    /// Legacy request name, e.g. "VFIO_IOMMU_MAP_DMA", or "open"/"release".
    public var ioctl: String
    /// Raw request number, when the call was an ioctl.
    public var request: UInt32?
    /// Decoded arguments: argsz, flags, iova, vaddr, size, extension, fd …
    public var args: [String: LogValue]
    /// The iommufd operations this call corresponds to, in order.
    public var iommufd: [IommufdOp]
    public var result: CallResult
    /// Compatibility-matrix row ids this call touched, e.g. ["M-01"].
    public var rows: [String]
    public var unsupported: Unsupported?
    public var divergence: Divergence?

    enum CodingKeys: String, CodingKey {
        case seq, monoNs = "mono_ns", time, pid, tid, profile, node, container, group
        case ioctl, request, args, iommufd, result, rows, unsupported, divergence
    }

    /// A record as the dispatcher builds it; `seq`, `monoNs` and `time` are left
    /// zero/empty for `TranslationLogWriter.append(_:)` to fill in.
    public init(
        pid: Int32, tid: Int32, profile: String, node: String,
        container: UInt32? = nil, group: UInt32? = nil,
        ioctl: String, request: UInt32? = nil,
        args: [String: LogValue] = [:], iommufd: [IommufdOp] = [],
        result: CallResult, rows: [String] = [],
        unsupported: Unsupported? = nil, divergence: Divergence? = nil,
        seq: UInt64 = 0, monoNs: UInt64 = 0, time: String = ""
    ) {
        self.seq = seq; self.monoNs = monoNs; self.time = time
        self.pid = pid; self.tid = tid; self.profile = profile; self.node = node
        self.container = container; self.group = group
        self.ioctl = ioctl; self.request = request; self.args = args
        self.iommufd = iommufd; self.result = result; self.rows = rows
        self.unsupported = unsupported; self.divergence = divergence
    }

    /// The `ioctl` name of the synthetic record the writer emits after dropping records.
    public static let droppedIoctl = "log-dropped"

    /// True for the writer's synthetic "log-dropped" record.
    public var isDropNotice: Bool { ioctl == Self.droppedIoctl }
}

/// One iommufd operation a legacy call corresponds to, e.g. `IOMMU_IOAS_MAP`
/// with its arguments (`ioas_id`, `iova`, `length`, `flags` …).
public struct IommufdOp: Codable, Sendable, Hashable {
    public var op: String
    public var args: [String: LogValue]

    public init(op: String, args: [String: LogValue] = [:]) {
        self.op = op; self.args = args
    }
}

/// The outcome of a legacy call as the caller saw it: a return value, or an errno.
public struct CallResult: Codable, Sendable, Hashable {
    /// The non-negative return value of `ioctl(2)` (or `open(2)`), on success.
    public var ret: Int64?
    /// The errno's C name, e.g. "EINVAL", on failure.
    public var errno: String?
    /// The errno's number, e.g. 22, on failure.
    public var errnoValue: Int32?

    enum CodingKeys: String, CodingKey {
        case ret, errno, errnoValue = "errno_value"
    }

    public init(ret: Int64? = nil, errno: String? = nil, errnoValue: Int32? = nil) {
        self.ret = ret; self.errno = errno; self.errnoValue = errnoValue
    }

    /// A successful call returning `ret`.
    public static func success(_ ret: Int64 = 0) -> CallResult { CallResult(ret: ret) }

    /// A call that failed with `error`.
    public static func failure(_ error: Errno) -> CallResult {
        CallResult(errno: error.name, errnoValue: error.rawValue)
    }

    /// True when the call failed.
    public var isError: Bool { errno != nil || errnoValue != nil }

    /// "0", "3" or "EINVAL(22)": the outcome as a person reads it.
    public var summary: String {
        if let errnoValue { return "\(errno ?? "E\(errnoValue)")(\(errnoValue))" }
        if let errno { return errno }
        if let ret { return String(ret) }
        return "?"
    }
}

/// A call that touched a feature this emulator (or iommufd's compat) does not support.
public struct Unsupported: Codable, Sendable, Hashable {
    /// The compat-matrix row, e.g. "U-03".
    public var row: String
    public var reason: String

    public init(row: String, reason: String) { self.row = row; self.reason = reason }
}

/// A call whose outcome differs between kernel type1 and iommufd's vfio compat:
/// each profile's outcome as `CallResult.summary` spells it, e.g. "EINVAL(22)" vs "0".
public struct Divergence: Codable, Sendable, Hashable {
    public var row: String
    public var type1: String
    public var iommufd: String

    public init(row: String, type1: String, iommufd: String) {
        self.row = row; self.type1 = type1; self.iommufd = iommufd
    }
}
