/// Where a probe runs: something that serves the emulated nodes in a directory
/// and shows the translation records the probe's calls produced. A fresh
/// temporary mount per probe (`DeviceFrontend.ProbeMount`) or a live mount
/// whose log file is read (`LiveMountTarget`).
public protocol ProbeTarget {
    /// Why `probe` cannot run here, or nil if it can.
    func skipReason(_ probe: Probe, profile: SemanticsProfile) -> String?
    /// Starts serving for one run of `probe` under `profile`.
    func serve(_ probe: Probe, profile: SemanticsProfile) throws(MatrixRunError) -> any ProbeServing
}

/// The nodes served for one probe run.
public protocol ProbeServing: AnyObject {
    /// The directory holding `vfio` and the group nodes (`$MNT` in scripts).
    var mountpoint: String { get }
    /// How long a call's record may take to show up after the call returned
    /// (0 when the dispatcher's sink is read directly).
    var recordLatency: Double { get }
    /// Records produced since serving began that the runner has not taken yet,
    /// waiting up to `wait` seconds for the first one when none is there.
    func takeRecords(wait: Double) -> [TranslationRecord]
    /// Called after the client exited: waits for its releases and stops serving.
    func end()
}
