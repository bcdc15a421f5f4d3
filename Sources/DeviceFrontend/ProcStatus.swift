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
        var text = text
        guard let parsed = text.withUTF8({ ProcStatus(parsingBytes: $0) }) else { return nil }
        self = parsed
    }

    /// The same over the file's bytes (no `Character` work: this runs for every ioctl).
    init?(parsingBytes bytes: UnsafeBufferPointer<UInt8>) {
        var tgid: Int32?, uid: UInt32?, gid: UInt32?, cap: UInt64?
        ProcText.forEachLine(bytes) { line in
            if ProcText.hasPrefix(line, "Tgid:") {
                tgid = ProcText.fields(line.dropFirst(5)).first.flatMap { ProcText.number($0, radix: 10) }.flatMap { Int32(exactly: $0) }
            } else if ProcText.hasPrefix(line, "Uid:") {
                // Uid/Gid: real, effective, saved, fs. The effective id is the one permission checks use.
                let f = ProcText.fields(line.dropFirst(4))
                uid = f.count > 1 ? ProcText.number(f[1], radix: 10).flatMap { UInt32(exactly: $0) } : nil
            } else if ProcText.hasPrefix(line, "Gid:") {
                let f = ProcText.fields(line.dropFirst(4))
                gid = f.count > 1 ? ProcText.number(f[1], radix: 10).flatMap { UInt32(exactly: $0) } : nil
            } else if ProcText.hasPrefix(line, "CapEff:") {
                cap = ProcText.fields(line.dropFirst(7)).first.flatMap { ProcText.number($0, radix: 16) }
            }
        }
        guard let tgid, let uid, let gid, let cap else { return nil }
        self.tgid = tgid; self.uid = uid; self.gid = gid; self.effectiveCapabilities = cap
    }

    /// Reads `/proc/TID/status`; nil if the thread is gone.
    public static func read(tid: Int32) -> ProcStatus? {
        readWholeFileBytes("/proc/\(tid)/status").flatMap { bytes in
            bytes.withUnsafeBufferPointer { ProcStatus(parsingBytes: $0) }
        }
    }
}
