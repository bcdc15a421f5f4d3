#if canImport(Glibc)
import Glibc
#endif
@testable import VFIOCompat

/// A fresh temporary directory for one test, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/vfio-compat-log-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { unlink(file(name)) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

func fileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

func fileSize(_ path: String) -> Int? {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : nil
}

func appendBytes(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
    close(fd)
}

/// A MAP_DMA record as the dispatcher would build it.
func mapRecord(
    pid: Int32 = 4242, container: UInt32 = 1, iova: UInt64 = 0, size: UInt64 = 0x2000_0000,
    vaddr: UInt64 = 0x7f12_3456_0000, result: CallResult = .success(0), rows: [String] = ["M-01"]
) -> TranslationRecord {
    TranslationRecord(
        pid: pid, tid: pid + 1, profile: "type1", node: "container", container: container,
        ioctl: "VFIO_IOMMU_MAP_DMA", request: 0x3B71,
        args: ["argsz": 32, "flags": 3, "iova": .uint(iova), "vaddr": .uint(vaddr), "size": .uint(size)],
        iommufd: [IommufdOp(op: "IOMMU_IOAS_MAP", args: [
            "ioas_id": 1, "iova": .uint(iova), "length": .uint(size), "user_va": .uint(vaddr),
            "flags": "FIXED_IOVA|READABLE|WRITEABLE",
        ])],
        result: result, rows: rows)
}
