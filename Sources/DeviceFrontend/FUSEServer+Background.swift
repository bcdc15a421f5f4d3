#if canImport(Glibc)
import Glibc
#endif

extension FUSEServer {
    /// Runs `run()` on a new thread, which shares the calling thread's mount namespace (so a
    /// server mounted inside a private namespace is served and unmounted inside it); `finished`
    /// is called on that thread with run()'s error, or nil, once it has unmounted.
    public func serveInBackground(finished: @escaping @Sendable (FrontendError?) -> Void) {
        spawnDetachedThread { [self] in
            do throws(FrontendError) {
                try run()
                finished(nil)
            } catch {
                finished(error)
            }
        }
    }
}
