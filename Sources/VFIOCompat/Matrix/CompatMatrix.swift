import Foundation
import Yams

/// The compatibility matrix: one row per distinguishable legacy feature, loaded
/// from `compat-matrix/matrix.yaml` (the source of truth). Translation records
/// cite rows by `MatrixRowID`.
public struct CompatMatrix: Sendable, Hashable {
    public var rows: [MatrixRow]

    public init(rows: [MatrixRow]) { self.rows = rows }

    /// The row with `id`, if present.
    public subscript(id: MatrixRowID) -> MatrixRow? { rows.first { $0.id == id } }

    /// Areas in the order the matrix presents them.
    public static let areas = ["container", "group", "extension", "info", "map", "unmap", "dirty", "spapr", "behaviour"]
}

/// One row of the matrix.
public struct MatrixRow: Sendable, Hashable, Codable {
    public var id: MatrixRowID
    public var area: String
    public var feature: String
    /// What the legacy type1 interface does.
    public var legacy: String
    /// The native iommufd equivalent.
    public var iommufd: String
    /// Outcome on the kernel's type1 driver.
    public var type1: String
    /// Outcome on the kernel's iommufd compat.
    public var compat: String
    public var status: MatrixStatus
    public var notes: String
    /// The probe checking the row (absent for not-applicable rows).
    public var probe: String?
    /// Why a not-applicable row cannot arise here.
    public var reason: String?
}

/// This project's disposition of a row.
public enum MatrixStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Same answer on type1 and compat, emulated.
    case emulated
    /// type1 and compat differ; both emulated per semantics profile, divergence logged.
    case divergent
    /// Not supported here: rejected with a clear errno and logged.
    case logged
    /// Cannot arise in this emulation.
    case notApplicable = "not-applicable"

    public var meaning: String {
        switch self {
        case .emulated: "type1 and iommufd compat answer the same; emulated"
        case .divergent: "type1 and iommufd compat answer differently; both emulated, chosen by the semantics profile (type1 by default), and the divergence is logged"
        case .logged: "not supported here: rejected with a clear errno and logged against the row"
        case .notApplicable: "cannot arise in this emulation (the row gives the reason)"
        }
    }
}

/// Why the matrix could not be loaded; names the file, row and field.
public struct MatrixError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: String
    public var message: String
    public init(location: String, message: String) { self.location = location; self.message = message }
    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}

extension CompatMatrix {
    private struct File: Decodable { var rows: [RawRow] }

    /// A row decoded field by field so an error can name the row.
    private struct RawRow: Decodable {
        var fields: [String: String]
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            var fields: [String: String] = [:]
            for key in container.allKeys {
                fields[key.stringValue] = try container.decode(String.self, forKey: key)
            }
            self.fields = fields
        }
    }

    static let requiredFields = ["id", "area", "feature", "legacy", "iommufd", "type1", "compat", "status", "notes"]
    static let optionalFields = ["probe", "reason"]

    /// Loads and validates the matrix at `path`.
    public static func load(path: String) throws(MatrixError) -> CompatMatrix {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MatrixError(location: path, message: "cannot read: \(error.localizedDescription)")
        }
        do {
            return try parse(yaml: text)
        } catch {
            throw MatrixError(location: path + (error.location.isEmpty ? "" : ": " + error.location), message: error.message)
        }
    }

    /// Decodes and validates matrix YAML.
    public static func parse(yaml: String) throws(MatrixError) -> CompatMatrix {
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch {
            throw MatrixError(location: "", message: "not a matrix (expected `rows:` holding mappings of strings): \(error)")
        }
        var rows: [MatrixRow] = []
        var seen = Set<String>()
        for (index, raw) in file.rows.enumerated() {
            let f = raw.fields
            let rowName = f["id"].map { "row \($0)" } ?? "rows[\(index)]"
            for key in f.keys where !requiredFields.contains(key) && !optionalFields.contains(key) {
                throw MatrixError(location: "\(rowName): \(key)", message: "unknown field")
            }
            for key in requiredFields where f[key] == nil {
                throw MatrixError(location: "\(rowName): \(key)", message: "missing")
            }
            let id = f["id"]!
            guard MatrixRowID.isWellFormed(id) else {
                throw MatrixError(location: "\(rowName): id", message: "expected a letter of CGEIMUDSB, '-', two digits (e.g. M-04)")
            }
            guard seen.insert(id).inserted else {
                throw MatrixError(location: "\(rowName): id", message: "duplicate id")
            }
            let area = f["area"]!
            guard areas.contains(area) else {
                throw MatrixError(location: "\(rowName): area", message: "\(area.debugDescription) is not one of \(areas.joined(separator: ", "))")
            }
            guard let status = MatrixStatus(rawValue: f["status"]!) else {
                throw MatrixError(location: "\(rowName): status",
                                  message: "\(f["status"]!.debugDescription) is not one of \(MatrixStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let probe = f["probe"], reason = f["reason"]
            if status == .notApplicable {
                guard let reason, !reason.isEmpty else {
                    throw MatrixError(location: "\(rowName): reason", message: "a not-applicable row needs a reason")
                }
                if probe != nil { throw MatrixError(location: "\(rowName): probe", message: "a not-applicable row has a reason, not a probe") }
            } else {
                guard let probe, !probe.isEmpty else {
                    throw MatrixError(location: "\(rowName): probe", message: "a \(status.rawValue) row needs a probe")
                }
                guard isKebabCase(probe) else {
                    throw MatrixError(location: "\(rowName): probe", message: "\(probe.debugDescription) is not kebab-case")
                }
                if reason != nil { throw MatrixError(location: "\(rowName): reason", message: "only not-applicable rows have a reason") }
            }
            rows.append(MatrixRow(id: MatrixRowID(id), area: area, feature: f["feature"]!, legacy: f["legacy"]!,
                                  iommufd: f["iommufd"]!, type1: f["type1"]!, compat: f["compat"]!, status: status,
                                  notes: f["notes"]!, probe: probe, reason: reason))
        }
        if rows.isEmpty { throw MatrixError(location: "rows", message: "the matrix has no rows") }
        return CompatMatrix(rows: rows)
    }

    static func isKebabCase(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter, first.isLowercase, s.last != "-", !s.contains("--") else { return false }
        return s.allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" }
    }
}
