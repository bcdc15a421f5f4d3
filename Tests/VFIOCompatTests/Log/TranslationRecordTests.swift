#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import VFIOCompat

@Suite("Translation record JSON")
struct TranslationRecordTests {
    /// A record with every optional field set and 64-bit values above 2^53.
    static func fullRecord() -> TranslationRecord {
        TranslationRecord(
            pid: 100, tid: 101, profile: "iommufd", node: "container", container: 7, group: 26,
            ioctl: "VFIO_IOMMU_UNMAP_DMA", request: 0x3B72,
            args: [
                "argsz": 24, "flags": 2, "iova": .uint(0xffff_ffff_ffff_f000),
                "size": .uint(UInt64.max), "fd": .int(-1), "ok": true, "name": "0000:00:03.0",
                "ranges": [.uint(0x1000), .int(-5), "x"],
            ],
            iommufd: [IommufdOp(op: "IOMMU_IOAS_UNMAP", args: ["iova": .uint(0xffff_ffff_ffff_f000)])],
            result: .failure(.invalidArgument), rows: ["U-02", "D-05"],
            unsupported: Unsupported(row: "U-02", reason: "GET_DIRTY_BITMAP is not in iommufd compat"),
            divergence: Divergence(row: "D-05", type1: "0", iommufd: "EINVAL(22)"),
            seq: 9, monoNs: 0xffff_ffff_ffff_fff0, time: "2025-01-31T12:00:00.123456Z")
    }

    @Test func roundTripIsExactIncludingValuesAbove2To53() throws {
        let record = Self.fullRecord()
        let line = try TranslationRecordCoding.line(for: record)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let back = try TranslationRecordCoding.record(from: line)
        #expect(back == record)
        #expect(back.args["iova"] == .uint(0xffff_ffff_ffff_f000))
        #expect(back.args["size"] == .uint(UInt64.max))
        #expect(back.args["fd"] == .int(-1))
        #expect(back.monoNs == 0xffff_ffff_ffff_fff0)
        let text = String(decoding: line, as: UTF8.self)
        // The integer is written as a plain JSON integer, digit for digit.
        #expect(text.contains("\"iova\":18446744073709547520"))
        #expect(text.contains("\"size\":18446744073709551615"))
        #expect(text.contains("\"mono_ns\":18446744073709551600"))
    }

    @Test func fieldNamesAreTheStableSnakeCaseNames() throws {
        let text = String(decoding: try TranslationRecordCoding.line(for: Self.fullRecord()), as: UTF8.self)
        for key in ["seq", "mono_ns", "time", "pid", "tid", "profile", "node", "container", "group",
                    "ioctl", "request", "args", "iommufd", "result", "rows", "unsupported", "divergence",
                    "errno", "errno_value", "op", "row", "reason", "type1"] {
            #expect(text.contains("\"\(key)\":"), "missing key \(key)")
        }
        #expect(!text.contains("monoNs"))
        #expect(!text.contains("errnoValue"))
        #expect(text.contains("\"result\":{\"errno\":\"EINVAL\",\"errno_value\":22}"))
        #expect(text.contains("\"divergence\":{\"iommufd\":\"EINVAL(22)\",\"row\":\"D-05\",\"type1\":\"0\"}"))
        #expect(text.contains("\"ok\":true"))
        #expect(text.contains("\"ranges\":[4096,-5,\"x\"]"))
    }

    @Test func absentOptionalsAreOmittedAndDecodeAsNil() throws {
        let record = TranslationRecord(
            pid: 1, tid: 1, profile: "type1", node: "group", ioctl: "open", result: .success(0))
        let text = String(decoding: try TranslationRecordCoding.line(for: record), as: UTF8.self)
        #expect(!text.contains("unsupported"))
        #expect(!text.contains("divergence"))
        #expect(!text.contains("\"container\""))
        #expect(!text.contains("\"errno\""))
        #expect(text.contains("\"result\":{\"ret\":0}"))
        // A hand-written minimal line with nulls decodes too.
        let minimal = #"{"seq":1,"mono_ns":5,"time":"t","pid":1,"tid":2,"profile":"type1","node":"group","group":null,"ioctl":"open","args":{},"iommufd":[],"result":{"ret":0,"errno":null},"rows":[],"unsupported":null}"#
        let decoded = try TranslationRecordCoding.record(from: Array(minimal.utf8))
        #expect(decoded.group == nil && decoded.unsupported == nil && decoded.result == .success(0))
        #expect(decoded.tid == 2 && decoded.monoNs == 5)
    }

    @Test func jsonBooleansStayBooleansAndIntegersStayIntegers() throws {
        let json = #"{"a":true,"b":1,"c":-1,"d":"1","e":[false,0]}"#
        let values = try JSONDecoder().decode([String: LogValue].self, from: Data(json.utf8))
        #expect(values["a"] == .bool(true))
        #expect(values["b"] == .uint(1))
        #expect(values["c"] == .int(-1))
        #expect(values["d"] == .string("1"))
        #expect(values["e"] == .list([.bool(false), .uint(0)]))
        #expect(LogValue.int(3) == LogValue.uint(3))
        #expect(LogValue.int(-3) != LogValue.uint(3))
        #expect(Set([LogValue.int(3), .uint(3)]).count == 1)
    }

    @Test func callResultSummaries() {
        #expect(CallResult.success(0).summary == "0")
        #expect(CallResult.success(3).summary == "3")
        #expect(CallResult.failure(.invalidArgument).summary == "EINVAL(22)")
        #expect(CallResult.failure(.exists).isError)
        #expect(!CallResult.success(1).isError)
    }
}
