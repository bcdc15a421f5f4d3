import Logging

/// How a `CUSEServer` names its devices and runs.
public struct CUSEServerOptions: Sendable {
    /// Devices appear as `/dev/PREFIX/vfio` and `/dev/PREFIX/N`; `vfio` gives the kernel's own paths.
    public var prefix: String
    /// Upper bound on worker threads of each device's loop. An fd resolution holds one worker
    /// of the group's loop while one of the container's answers, so keep it at least 4.
    public var maxThreads: Int
    /// How long to wait for devtmpfs to show a device's node after CUSE_INIT.
    public var appearTimeout: Double
    public var logger: Logger
    /// Called once, on a worker thread, when every device node exists with its owner and mode.
    public var onReady: (@Sendable (_ paths: [String]) -> Void)?
    /// libfuse's own request trace (`-d`) on stderr.
    public var debug: Bool

    public init(prefix: String = "vfio-compat", maxThreads: Int = 16, appearTimeout: Double = 5,
                logger: Logger = Logger(label: "vfio-compat.cuse"),
                onReady: (@Sendable ([String]) -> Void)? = nil, debug: Bool = false) {
        self.prefix = prefix; self.maxThreads = max(4, maxThreads); self.appearTimeout = appearTimeout
        self.logger = logger; self.onReady = onReady; self.debug = debug
    }
}
