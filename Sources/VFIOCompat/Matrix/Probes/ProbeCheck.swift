/// What the client printed for one step: `ok RET [HEX]` or `err ENAME ERRNO [HEX]`.
public struct ProbeOutput: Sendable, Hashable {
    public var ret: Int64?
    public var errno: Int32?
    public var errnoName: String?
    /// The whole buffer after the call, for `ioctl-buf` steps.
    public var buffer: [UInt8]?

    public init(ret: Int64? = nil, errno: Int32? = nil, errnoName: String? = nil, buffer: [UInt8]? = nil) {
        self.ret = ret; self.errno = errno; self.errnoName = errnoName; self.buffer = buffer
    }

    /// Parses one output line of the client; nil if it is neither form.
    public init?(line: String) {
        let words = line.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        func hex(_ s: String) -> [UInt8]? {
            guard s.count % 2 == 0 else { return nil }
            var out: [UInt8] = []
            var i = s.startIndex
            while i < s.endIndex {
                let j = s.index(i, offsetBy: 2)
                guard let b = UInt8(s[i..<j], radix: 16) else { return nil }
                out.append(b); i = j
            }
            return out
        }
        switch first {
        case "ok":
            guard words.count >= 2, let ret = Int64(words[1]) else { return nil }
            self.init(ret: ret, buffer: words.count > 2 ? hex(words[2]) : nil)
        case "err":
            guard words.count >= 3, let number = Int32(words[2]) else { return nil }
            self.init(errno: number, errnoName: words[1], buffer: words.count > 3 ? hex(words[3]) : nil)
        default:
            return nil
        }
    }

    /// The line the client prints for this output.
    public var line: String {
        let hex = buffer.map { " " + $0.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() } ?? ""
        if let errno { return "err \(errnoName ?? Errno(rawValue: errno).name) \(errno)" + hex }
        return "ok \(ret ?? 0)" + hex
    }
}

extension ProbeExpectation {
    /// Every way `output` misses this expectation; empty when it matches.
    public func failures(_ output: ProbeOutput) -> [String] {
        var out: [String] = []
        switch outcome {
        case .ok(let ret):
            if output.errno != nil || output.ret != ret { out.append("expected ok \(ret), got \(output.line)") }
        case .okAny:
            if output.errno != nil { out.append("expected success, got \(output.line)") }
        case .err(let e):
            if output.errno != e.rawValue { out.append("expected \(e), got \(output.line)") }
        }
        for check in bytes {
            guard let buffer = output.buffer else { out.append("expected a buffer, the step printed none"); continue }
            let (offset, fields, exact): (Int, [ProbeField], Bool)
            switch check {
            case .exact(let f): (offset, fields, exact) = (0, f, true)
            case .at(let o, let f): (offset, fields, exact) = (o, f, false)
            }
            guard let want = ProbeField.encode(fields) else { out.append("byte check uses a symbol"); continue }
            let end = offset + want.count
            let got = end <= buffer.count ? Array(buffer[offset..<end]) : Array(buffer[min(offset, buffer.count)...])
            if got != want || (exact && buffer.count != want.count) {
                out.append("bytes at \(offset): expected \(ProbeOutput(buffer: want).line.dropFirst(5)), got \(ProbeOutput(buffer: exact ? buffer : got).line.dropFirst(5))")
            }
        }
        return out
    }
}

extension RecordExpectation {
    /// Every way `record` misses this expectation; empty when it matches.
    public func failures(_ record: TranslationRecord?) -> [String] {
        guard let record else { return ["expected a translation record, none was written"] }
        var out: [String] = []
        for row in rows where !record.rows.contains(row.rawValue) {
            out.append("record rows \(record.rows) lack \(row)")
        }
        if record.unsupported?.row != unsupported?.rawValue {
            out.append("record unsupported is \(record.unsupported?.row ?? "none"), expected \(unsupported?.rawValue ?? "none")")
        }
        if record.divergence?.row != divergence?.rawValue {
            out.append("record divergence is \(record.divergence?.row ?? "none"), expected \(divergence?.rawValue ?? "none")")
        }
        if let ops, record.iommufd.map(\.op) != ops {
            out.append("record ops \(record.iommufd.map(\.op)), expected \(ops)")
        }
        return out
    }
}
