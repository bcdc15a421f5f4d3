#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The signal `FUSEServer.stop()` sends to the thread in `run()`.
///
/// libfuse's multithreaded loop parks its main thread in `sem_wait` until a worker
/// exits; `fuse_session_exit` only sets a flag. A handled signal interrupts
/// `sem_wait` (never restarted), so the loop re-checks the flag and returns.
/// SIGUSR2 with an empty handler, installed once per process.
enum WakeSignal {
    static let number = SIGUSR2
    private static let installed = Atomic<Bool>(false)

    /// Lets the wake signal reach the calling thread (it may have been created with it blocked).
    static func unblockOnCurrentThread() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func installOnce() {
        guard installed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(number, &action, nil)
    }
}

/// A server whose `stop()` may be called from a signal handler (it only sets flags and sends signals).
public protocol StoppableServer: AnyObject, Sendable {
    func stop()
}

/// SIGINT/SIGTERM handling for a daemon: the first signal stops the server, so `run()`
/// unmounts cleanly and returns.
public enum TerminationSignals {
    /// The server the handlers stop (process-wide; the last `install` wins).
    nonisolated(unsafe) private static var target: (any StoppableServer)?

    /// Call on the thread that will call `run()`: it also unblocks both signals there, since
    /// a process may inherit them blocked (some spawners do) and then never see them.
    public static func install(stopping server: any StoppableServer) {
        target = server
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            // Only atomics, fuse_session_exit and pthread_kill run here.
            TerminationSignals.target?.stop()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
