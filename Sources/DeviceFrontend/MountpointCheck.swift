#if canImport(Glibc)
import Glibc
#endif

/// Checks a mount point before mounting, so each failure names its cause
/// (libfuse itself only prints to stderr and returns -1).
enum MountpointCheck {
    /// Returns the canonical path, or the error naming why it cannot be mounted on.
    static func validate(_ path: String) throws(FrontendError) -> String {
        guard let st = statPath(path) else {
            if errno == EACCES { throw .permissionDenied(path) }
            throw .mountpointMissing(path)
        }
        guard isDirectory(st.st_mode) else { throw .mountpointNotDirectory(path) }
        guard let resolved = realpath(path, nil) else { throw .mountpointMissing(path) }
        let canonical = String(cString: resolved)
        free(resolved)
        if currentMountPoints().contains(canonical) { throw .mountpointBusy(canonical) }
        guard access("/dev/fuse", R_OK | W_OK) == 0 else { throw .fuseUnavailable("/dev/fuse: \(String(cString: strerror(errno)))") }
        if getuid() != 0, access(canonical, W_OK) != 0 { throw .permissionDenied(canonical) }
        return canonical
    }

    /// Mount points of this mount namespace (field 5 of /proc/self/mountinfo, octal escapes decoded).
    static func currentMountPoints() -> Set<String> {
        guard let text = readWholeFile("/proc/self/mountinfo") else { return [] }
        var result = Set<String>()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 4 { result.insert(decodeOctalEscapes(fields[4])) }
        }
        return result
    }

    /// `\040` → space, as the kernel escapes mount paths.
    static func decodeOctalEscapes(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value); utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
