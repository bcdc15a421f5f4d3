import Logging

/// How a `FUSEServer` mounts and runs.
public struct FUSEServerOptions: Sendable {
    /// Add `allow_other`, so users other than the mounter reach the nodes (modes still apply).
    public var allowOther: Bool
    /// Upper bound on worker threads. fd resolution needs a free worker for its nested request,
    /// so at most `maxThreads / 2` resolutions run at once.
    public var maxThreads: Int
    /// Attribute and entry cache timeout in seconds (the nodes never change while mounted).
    public var attributeTimeout: Double
    public var logger: Logger
    /// Called once, on a helper thread, when the mount answers requests (after FUSE INIT).
    public var onReady: (@Sendable (_ mountpoint: String) -> Void)?
    /// libfuse's own request trace (`-d`) on stderr.
    public var debug: Bool

    public init(allowOther: Bool = false, maxThreads: Int = 32, attributeTimeout: Double = 1.0,
                logger: Logger = Logger(label: "vfio-compat.frontend"),
                onReady: (@Sendable (String) -> Void)? = nil, debug: Bool = false) {
        self.allowOther = allowOther; self.maxThreads = max(4, maxThreads)
        self.attributeTimeout = attributeTimeout; self.logger = logger
        self.onReady = onReady; self.debug = debug
    }
}
