/// Who pinned memory is charged to: a process's mm (type1 `locked_vm`) or a user (iommufd IOPT_PAGES_ACCOUNT_USER).
public enum AccountingSource: Hashable, Sendable {
    case process(pid: Int32)
    case user(uid: UInt32)
}

/// The immutable identity of one pinned stretch of user memory, shared by every area sliced from it.
/// Mirrors iommufd's `struct iopt_pages`: charged once when created, released when the last area over it goes.
public final class Pages: Sendable, Hashable {
    public let vaddr: UInt64
    public let length: UInt64
    public let source: AccountingSource
    public let pid: Int32
    public let writable: Bool

    public init(source: AccountingSource, pid: Int32, vaddr: UInt64, length: UInt64, writable: Bool) {
        self.vaddr = vaddr
        self.length = length
        self.source = source
        self.pid = pid
        self.writable = writable
    }

    public static func == (lhs: Pages, rhs: Pages) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// What the caller of `map` supplies about the memlock budget it runs under (read from its
/// RLIMIT_MEMLOCK and CAP_IPC_LOCK). type1 charges `locked_vm` even when exempt and only skips the limit.
public struct AccountingCharge: Sendable {
    public var source: AccountingSource
    /// nil means unlimited (RLIM_INFINITY).
    public var limit: UInt64?
    /// CAP_IPC_LOCK: the charge is recorded but the limit is not checked.
    public var exempt: Bool
    /// Bytes already locked by this source outside this IOAS (other containers of the same mm).
    public var chargedElsewhere: UInt64

    public init(source: AccountingSource, limit: UInt64? = nil, exempt: Bool = false, chargedElsewhere: UInt64 = 0) {
        self.source = source
        self.limit = limit
        self.exempt = exempt
        self.chargedElsewhere = chargedElsewhere
    }
}
