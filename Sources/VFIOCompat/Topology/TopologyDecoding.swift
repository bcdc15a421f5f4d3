import Foundation
import Yams

// Typed decoding of topology YAML. Every field is decoded with its own type
// (never untyped YAML 1.1, where `no` becomes false); numbers accept integers
// and strings (`0xfee00000`); unknown keys are errors, so a typo cannot be
// silently ignored.

/// A number written as a YAML integer or as a string (`0x…`, `0o…`, `0b…`, decimal).
struct FlexibleNumber: Decodable {
    var value: UInt64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else if let number = try? container.decode(UInt64.self) {
            value = number
            return
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number")
        }
        guard let parsed = TopologyNumber.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text.debugDescription) is not a number that fits in 64 bits")
        }
        value = parsed
    }
}

/// A file mode: `0600` (octal, as chmod reads it), `0o600`, or an integer.
struct FlexibleMode: Decodable {
    var value: UInt32

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let text = try? container.decode(String.self), let parsed = TopologyNumber.parseMode(text), parsed <= 0o7777 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a mode such as \"0600\"")
        }
        value = UInt32(parsed)
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Throws if the mapping holds a key outside `allowed`.
    func rejectUnknownKeys(_ allowed: [String]) throws {
        let container = try container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key],
                debugDescription: "unknown key \(key.stringValue.debugDescription) (expected one of: \(allowed.joined(separator: ", ")))"))
        }
    }
}

/// Carries the group number into errors raised while decoding that group.
struct GroupDecodingError: Error {
    var groupID: UInt32
    var underlying: DecodingError
}

extension Topology: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case name, groups }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? "custom"
        groups = try container.decode([GroupSpec].self, forKey: .groups)
    }
}

extension GroupSpec: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, devices, viable, uid, gid, mode, domain }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decode(UInt32.self, forKey: .id)
        do {
            try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
            self.id = id
            devices = try container.decode([String].self, forKey: .devices)
            viable = try container.decodeIfPresent(Bool.self, forKey: .viable) ?? true
            uid = try container.decodeIfPresent(UInt32.self, forKey: .uid) ?? 0
            gid = try container.decodeIfPresent(UInt32.self, forKey: .gid) ?? 0
            mode = try container.decodeIfPresent(FlexibleMode.self, forKey: .mode)?.value ?? 0o600
            domain = try container.decodeIfPresent(DomainSpec.self, forKey: .domain) ?? .x86VTd
        } catch let error as DecodingError {
            throw GroupDecodingError(groupID: id, underlying: error)
        }
    }
}

extension DomainSpec: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case aperture, pgsizes, coherent, reserved }
    enum ApertureKeys: String, CodingKey, CaseIterable { case start, last }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let aperture = try container.nestedContainer(keyedBy: ApertureKeys.self, forKey: .aperture)
        try container.superDecoder(forKey: .aperture).rejectUnknownKeys(ApertureKeys.allCases.map(\.rawValue))
        apertureStart = try aperture.decode(FlexibleNumber.self, forKey: .start).value
        apertureLast = try aperture.decode(FlexibleNumber.self, forKey: .last).value
        pgsizes = try container.decode(FlexibleNumber.self, forKey: .pgsizes).value
        coherent = try container.decodeIfPresent(Bool.self, forKey: .coherent) ?? true
        reserved = try container.decodeIfPresent([ReservedSpec].self, forKey: .reserved) ?? []
    }
}

extension ReservedSpec: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case start, last, type }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        start = try container.decode(FlexibleNumber.self, forKey: .start).value
        last = try container.decode(FlexibleNumber.self, forKey: .last).value
        let typeName = try container.decode(String.self, forKey: .type)
        guard let type = ReservedType(rawValue: typeName) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown reserved type \(typeName.debugDescription) (expected one of: \(ReservedType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.type = type
    }
}

extension Topology {
    /// Loads a preset by name (`x86-vtd`, `amd-vi`, `arm-smmu`, `narrow-39`) or a YAML file by path.
    public static func load(_ spec: String) throws(TopologyError) -> Topology {
        if let preset = preset(named: spec) { return preset }
        guard FileManager.default.fileExists(atPath: spec) else {
            throw TopologyError(location: spec, message: "no such preset or file (presets: \(presetNames.joined(separator: ", ")))")
        }
        let text: String
        do {
            text = try String(contentsOfFile: spec, encoding: .utf8)
        } catch {
            throw TopologyError(location: spec, message: "cannot read: \(error.localizedDescription)")
        }
        do {
            return try parse(yaml: text, source: spec)
        } catch {
            throw TopologyError(location: spec + (error.location.isEmpty ? "" : ": " + error.location), message: error.message)
        }
    }

    /// Decodes and validates topology YAML. `source` names the input in errors.
    public static func parse(yaml: String, source: String = "") throws(TopologyError) -> Topology {
        let topology: Topology
        do {
            topology = try YAMLDecoder().decode(Topology.self, from: yaml)
        } catch let error as GroupDecodingError {
            throw describe(error.underlying, prefix: "group \(error.groupID)")
        } catch let error as DecodingError {
            // YAMLDecoder wraps errors that are not DecodingErrors (ours: GroupDecodingError).
            if case .dataCorrupted(let context) = error, let inner = context.underlyingError as? GroupDecodingError {
                throw describe(inner.underlying, prefix: "group \(inner.groupID)")
            }
            throw describe(error, prefix: "")
        } catch {
            throw TopologyError(location: "", message: "invalid YAML: \(error)")
        }
        try topology.validate()
        return topology
    }

    /// Turns a DecodingError into "group 8: domain.pgsizes: <why>".
    static func describe(_ error: DecodingError, prefix: String) -> TopologyError {
        let path: [any CodingKey]
        let message: String
        switch error {
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]; message = "missing"
        case .typeMismatch(let type, let context):
            path = context.codingPath; message = "expected \(type)" + detail(context)
        case .valueNotFound(let type, let context):
            path = context.codingPath; message = "expected \(type), found null"
        case .dataCorrupted(let context):
            path = context.codingPath; message = context.debugDescription
        @unknown default:
            path = []; message = "\(error)"
        }
        // Drop the leading "groups[i]" when the group is already named by the prefix.
        var keys = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        if !prefix.isEmpty, let groupsIndex = keys.firstIndex(of: "groups"), groupsIndex + 1 < keys.count {
            keys.removeSubrange(0...(groupsIndex + 1))
        }
        var field = ""
        for key in keys { field += key.hasPrefix("[") ? key : (field.isEmpty ? key : "." + key) }
        let location = [prefix, field].filter { !$0.isEmpty }.joined(separator: ": ")
        return TopologyError(location: location, message: message)
    }

    private static func detail(_ context: DecodingError.Context) -> String {
        context.debugDescription.isEmpty ? "" : " (\(context.debugDescription))"
    }
}
