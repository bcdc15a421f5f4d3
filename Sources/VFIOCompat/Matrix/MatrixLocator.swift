import Foundation

/// Finds `compat-matrix/matrix.yaml` at run time: an explicit path, else
/// `$VFIO_COMPAT_MATRIX`, else `./compat-matrix/matrix.yaml`, else the first
/// directory above the executable holding `compat-matrix/matrix.yaml`.
public enum MatrixLocator {
    public static let environmentVariable = "VFIO_COMPAT_MATRIX"
    public static let relativePath = "compat-matrix/matrix.yaml"

    public static func locate(explicit: String?,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: String = FileManager.default.currentDirectoryPath,
                              executablePath: String? = CommandLine.arguments.first) throws(MatrixError) -> String {
        let fm = FileManager.default
        if let explicit {
            guard fm.fileExists(atPath: explicit) else { throw MatrixError(location: explicit, message: "no such file (--matrix)") }
            return explicit
        }
        if let fromEnv = environment[environmentVariable], !fromEnv.isEmpty {
            guard fm.fileExists(atPath: fromEnv) else {
                throw MatrixError(location: fromEnv, message: "no such file (\(environmentVariable))")
            }
            return fromEnv
        }
        let local = (currentDirectory as NSString).appendingPathComponent(relativePath)
        if fm.fileExists(atPath: local) { return local }
        if let executablePath {
            let resolved = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
            var dir = resolved.deletingLastPathComponent()
            while true {
                let candidate = dir.appendingPathComponent(relativePath).path
                if fm.fileExists(atPath: candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        throw MatrixError(location: "", message: "cannot find \(relativePath): pass --matrix FILE or set \(environmentVariable)")
    }
}
