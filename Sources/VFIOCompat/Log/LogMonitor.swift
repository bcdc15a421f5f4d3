#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with two condition variables on CLOCK_MONOTONIC: the
/// monitor guarding the log writer's bounded queue (`notEmpty` wakes the writer
/// thread, `notFull` wakes appenders waiting for room).
///
/// Chosen over `Synchronization.Mutex` because the queue needs timed waits;
/// the pthread objects live in heap memory this class owns, never moved.
final class LogMonitor: @unchecked Sendable {
    enum Condition { case notEmpty, notFull }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let notEmpty: UnsafeMutablePointer<pthread_cond_t>
    private let notFull: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        notEmpty = .allocate(capacity: 1)
        notFull = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(notEmpty, &attr)
        pthread_cond_init(notFull, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(notEmpty); pthread_cond_destroy(notFull)
        pthread_mutex_destroy(mutex)
        notEmpty.deallocate(); notFull.deallocate(); mutex.deallocate()
    }

    /// Runs `body` with the mutex held.
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    private func cond(_ c: Condition) -> UnsafeMutablePointer<pthread_cond_t> {
        c == .notEmpty ? notEmpty : notFull
    }

    /// Waits on `c`; the caller holds the lock (inside `withLock`). May wake spuriously.
    func wait(_ c: Condition) {
        pthread_cond_wait(cond(c), mutex)
    }

    /// Waits on `c` until CLOCK_MONOTONIC reaches `deadlineNs`; the caller holds the lock.
    /// Returns false once the deadline has passed. May wake spuriously.
    func wait(_ c: Condition, untilMonotonicNs deadlineNs: UInt64) -> Bool {
        var ts = timespec(
            tv_sec: Int(deadlineNs / 1_000_000_000), tv_nsec: Int(deadlineNs % 1_000_000_000))
        return pthread_cond_timedwait(cond(c), mutex, &ts) != ETIMEDOUT
    }

    /// Wakes every thread waiting on `c`.
    func broadcast(_ c: Condition) {
        pthread_cond_broadcast(cond(c))
    }
}
