import CLinuxShims
import VFIOCompat

/// The calling thread's memory, reached with `process_vm_readv`/`process_vm_writev`.
///
/// Mirrors `copy_from_user`/`copy_to_user`: any short or failed transfer is EFAULT.
/// No single access may exceed `maximumAccess` (64 KiB): larger requests are refused
/// with EFAULT before anything is allocated (the dispatcher decides EINVAL earlier).
public struct ProcessMemory: CallerMemory, Sendable {
    public static let maximumAccess = 64 * 1024
    /// The thread id FUSE reported (process_vm_* accept a tid).
    public let tid: Int32

    public init(tid: Int32) { self.tid = tid }

    public func read(at address: UInt64, count: Int) throws(Errno) -> [UInt8] {
        guard count >= 0, count <= Self.maximumAccess else { throw .badAddress }
        if count == 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        let moved = buffer.withUnsafeMutableBytes { clinux_process_vm_read(tid, $0.baseAddress, count, address) }
        guard moved == count else { throw .badAddress }
        return buffer
    }

    public func write(_ bytes: [UInt8], at address: UInt64) throws(Errno) {
        guard bytes.count <= Self.maximumAccess else { throw .badAddress }
        if bytes.isEmpty { return }
        let moved = bytes.withUnsafeBytes { clinux_process_vm_write(tid, $0.baseAddress, bytes.count, address) }
        guard moved == bytes.count else { throw .badAddress }
    }
}
