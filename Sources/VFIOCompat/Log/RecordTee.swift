import Synchronization

/// Keeps the records a dispatcher emits in memory (for `exec`'s summary) and passes each one
/// on to the next sink (the log writer), if any. Keeps at most `limit` records; later ones are
/// only counted, so a long-running command cannot grow the daemon without bound.
public final class RecordTee: TranslationRecordSink {
    private let next: (any TranslationRecordSink)?
    private let limit: Int
    private let state = Mutex<(records: [TranslationRecord], overflow: Int)>(([], 0))

    public init(forwardingTo next: (any TranslationRecordSink)? = nil, limit: Int = 1_000_000) {
        self.next = next
        self.limit = max(0, limit)
    }

    public func emit(_ record: TranslationRecord) {
        state.withLock { state in
            if state.records.count < limit { state.records.append(record) } else { state.overflow += 1 }
        }
        next?.emit(record)
    }

    /// The records kept so far, in emission order.
    public var records: [TranslationRecord] { state.withLock { $0.records } }
    /// Records emitted beyond `limit` (forwarded, not kept).
    public var overflow: Int { state.withLock { $0.overflow } }
}
