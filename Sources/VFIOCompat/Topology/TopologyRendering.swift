/// JSON and text renderings of a topology, for `vfio-compat topology show`.
///
/// The JSON is written by hand so every number is an exact JSON integer
/// (a UInt64 above 2^53 must not pass through a Double).
extension Topology {
    public func json() -> String {
        var out = "{\n"
        out += "  \"name\": \(JSONText.string(name)),\n"
        out += "  \"groups\": ["
        for (index, group) in groups.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += group.json(indent: "    ")
        }
        out += groups.isEmpty ? "]\n" : "\n  ]\n"
        out += "}\n"
        return out
    }

    public func text() -> String {
        var lines = ["topology \(name): \(groups.count) group\(groups.count == 1 ? "" : "s")"]
        for group in groups {
            let mode = "0" + String(group.mode, radix: 8)
            lines.append("group \(group.id)  \(group.viable ? "viable" : "not viable")  devices \(group.devices.joined(separator: ", "))  node /dev/vfio/\(group.id) \(group.uid):\(group.gid) \(mode)")
            let domain = group.domain
            lines.append("  aperture \(TopologyNumber.hex(domain.apertureStart))-\(TopologyNumber.hex(domain.apertureLast))  pgsizes \(TopologyNumber.hex(domain.pgsizes)) (\(Self.pageSizeNames(domain.pgsizes)))  \(domain.coherent ? "coherent" : "not coherent")")
            for region in domain.reserved {
                lines.append("  reserved \(TopologyNumber.hex(region.start))-\(TopologyNumber.hex(region.last)) \(region.type.rawValue)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "4K 2M 1G" for a page-size bitmap.
    static func pageSizeNames(_ bitmap: UInt64) -> String {
        (0..<64).filter { bitmap & (1 << UInt64($0)) != 0 }.map { bit -> String in
            switch bit {
            case 0..<10: "\(1 << bit)"
            case 10..<20: "\(1 << (bit - 10))K"
            case 20..<30: "\(1 << (bit - 20))M"
            case 30..<40: "\(1 << (bit - 30))G"
            case 40..<50: "\(1 << (bit - 40))T"
            case 50..<60: "\(1 << (bit - 50))P"
            default: "\(1 << (bit - 60))E"
            }
        }.joined(separator: " ")
    }
}

extension GroupSpec {
    func json(indent: String) -> String {
        let i2 = indent + "  "
        var fields: [String] = [
            "\"id\": \(id)",
            "\"viable\": \(viable)",
            "\"devices\": [\(devices.map(JSONText.string).joined(separator: ", "))]",
            "\"uid\": \(uid)",
            "\"gid\": \(gid)",
            "\"mode\": \(mode)",
            "\"aperture\": {\"start\": \(domain.apertureStart), \"last\": \(domain.apertureLast)}",
            "\"pgsizes\": \(domain.pgsizes)",
            "\"coherent\": \(domain.coherent)",
        ]
        let reserved = domain.reserved.map {
            "\(i2)  {\"start\": \($0.start), \"last\": \($0.last), \"type\": \(JSONText.string($0.type.rawValue))}"
        }
        fields.append(reserved.isEmpty ? "\"reserved\": []" : "\"reserved\": [\n" + reserved.joined(separator: ",\n") + "\n\(i2)]")
        return "\(indent){\n" + fields.map { i2 + $0 }.joined(separator: ",\n") + "\n\(indent)}"
    }
}

/// Minimal JSON text helpers (string escaping per RFC 8259).
enum JSONText {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
