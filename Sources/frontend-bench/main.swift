// frontend-bench: serve a trivial DeviceHandler through DeviceFrontend so the ioctl
// round trip can be timed against a bare libfuse server (Benchmarks/frontend-latency.sh).
// Usage: frontend-bench MOUNTPOINT   (stops cleanly on SIGINT/SIGTERM)
#if canImport(Glibc)
import Glibc
#endif
import Logging

// stdout carries only the `ready`/`stopped` lines; the daemon's log goes to stderr.
LoggingSystem.bootstrap(StreamLogHandler.standardError)

let arguments = CommandLine.arguments
if arguments.count != 2 {
    writeLine("usage: frontend-bench MOUNTPOINT")
    exit(2)
}
exit(serve(mountpoint: arguments[1]))
