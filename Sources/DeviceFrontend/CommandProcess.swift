#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import VFIOCompat

/// The command `vfio-compat exec` runs: spawned from the calling thread (so it lives in that
/// thread's mount namespace), with SIGINT/SIGTERM forwarded to it, and its end reported as a
/// shell reports it (exit status, or 128+N after signal N).
public final class CommandProcess {
    /// How the command ended.
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        /// The status a shell would give: the exit code, or 128 + the signal number.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signaled(let signal): "was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
            }
        }
    }

    public let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    /// Signals the command gets forwarded while it runs.
    public static let forwardedSignals: [Int32] = [SIGINT, SIGTERM]

    /// The running command's pid, for the signal handler (0: none yet; a signal is then held in `pendingSignal`).
    private static let target = Atomic<Int32>(0)
    private static let pendingSignal = Atomic<Int32>(0)

    /// Spawns `arguments[0]` (searched in PATH) with the given arguments and this process's
    /// environment, stdio and working directory; its signal mask is empty and the signals this
    /// process handles are reset to their defaults. Throws the errno when it cannot start.
    public static func spawn(_ arguments: [String]) throws(Errno) -> CommandProcess {
        precondition(!arguments.isEmpty, "no command")
        installForwarding()
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in forwardedSignals + [SIGPIPE, SIGUSR2, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // glibc's posix_spawnp reports an exec failure (ENOENT, EACCES, ENOEXEC) as its result.
        let rc = posix_spawnp(&pid, argv[0]!, nil, &attributes, &argv, environ)
        guard rc == 0 else { throw Errno(rawValue: rc) }
        target.store(pid, ordering: .sequentiallyConsistent)
        let held = pendingSignal.exchange(0, ordering: .sequentiallyConsistent)
        if held != 0 { kill(pid, held) }
        return CommandProcess(pid: pid)
    }

    /// Waits for the command to end (retrying on EINTR, e.g. after forwarding a signal).
    public func wait() -> Outcome {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(127) }
        }
        Self.target.store(0, ordering: .sequentiallyConsistent)
        // The <sys/wait.h> macros do not import: low 7 bits are the signal, 0 means a normal exit.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// SIGINT/SIGTERM handlers that pass the signal on to the command (held until it exists).
    private static func installForwarding() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            // Only atomics and kill(2) run here.
            let pid = CommandProcess.target.load(ordering: .sequentiallyConsistent)
            if pid > 0 { kill(pid, signal) } else { CommandProcess.pendingSignal.store(signal, ordering: .sequentiallyConsistent) }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var set = sigset_t()
        sigemptyset(&set)
        for signal in forwardedSignals {
            sigaction(signal, &action, nil)
            sigaddset(&set, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
