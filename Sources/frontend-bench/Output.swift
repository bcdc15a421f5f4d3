#if canImport(Glibc)
import Glibc
#endif

/// Writes one line to stdout with write(2) (Swift 6 rejects the stdout global).
func writeLine(_ text: String) {
    var line = Array((text + "\n").utf8)
    _ = line.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
}
