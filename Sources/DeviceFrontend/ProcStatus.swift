/// The fields of `/proc/TID/status` the frontend needs to identify a caller.
///
/// Mirrors what the kernel reads from `current`: the thread group (`Tgid`), the
/// effective uid/gid, and CAP_IPC_LOCK in the effective set (type1 accounting
/// exempts it from RLIMIT_MEMLOCK).
public struct ProcStatus: Sendable, Hashable {
    public static let capIPCLock = 14
    public var tgid: Int32
    public var uid: UInt32
    public var gid: UInt32
    public var effectiveCapabilities: UInt64

    public var hasIPCLock: Bool { effectiveCapabilities & (1 << UInt64(Self.capIPCLock)) != 0 }

    /// Parses the text of a status file; nil if `Tgid`, `Uid`, `Gid` or `CapEff` is missing.
    public init?(parsing text: String) {
        var tgid: Int32?, uid: UInt32?, gid: UInt32?, cap: UInt64?
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let fields = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            switch key {
            case "Tgid": tgid = fields.first.flatMap { Int32($0) }
            // Uid/Gid: real, effective, saved, fs. The effective id is the one permission checks use.
            case "Uid": uid = fields.count > 1 ? UInt32(fields[1]) : nil
            case "Gid": gid = fields.count > 1 ? UInt32(fields[1]) : nil
            case "CapEff": cap = fields.first.flatMap { UInt64($0, radix: 16) }
            default: continue
            }
        }
        guard let tgid, let uid, let gid, let cap else { return nil }
        self.tgid = tgid; self.uid = uid; self.gid = gid; self.effectiveCapabilities = cap
    }

    /// Reads `/proc/TID/status`; nil if the thread is gone.
    public static func read(tid: Int32) -> ProcStatus? {
        readWholeFile("/proc/\(tid)/status").flatMap { ProcStatus(parsing: $0) }
    }
}
