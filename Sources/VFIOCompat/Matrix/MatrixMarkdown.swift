/// Renderings of the matrix: the generated `compat-matrix/README.md`, a terminal
/// table and JSON.
extension CompatMatrix {
    static let areaTitles: [String: String] = [
        "container": "Container (/dev/vfio/vfio)", "group": "Group (/dev/vfio/N)",
        "extension": "Extensions (VFIO_CHECK_EXTENSION)", "info": "VFIO_IOMMU_GET_INFO",
        "map": "VFIO_IOMMU_MAP_DMA", "unmap": "VFIO_IOMMU_UNMAP_DMA", "dirty": "Dirty tracking",
        "spapr": "SPAPR and EEH (POWER)", "behaviour": "Behaviour",
    ]

    /// The text of compat-matrix/README.md.
    public func markdown() -> String {
        var out = "# vfio-compat compatibility matrix\n\n"
        out += "This file is generated from `compat-matrix/matrix.yaml` by `vfio-compat matrix show --format md`; "
        out += "do not edit it by hand — change the YAML and regenerate. Each row is one distinguishable feature of the "
        out += "legacy VFIO type1 container uAPI, with what the kernel's type1 driver and the kernel's iommufd compat do, "
        out += "the native iommufd equivalent, and how this project treats it. Translation-log records cite these ids.\n\n"
        out += "## Legend\n\n"
        for status in MatrixStatus.allCases {
            let count = rows.filter { $0.status == status }.count
            out += "- **\(status.rawValue)** (\(count)): \(status.meaning)\n"
        }
        out += "\nColumns: *type1* = kernel `vfio_iommu_type1`; *compat* = kernel iommufd `vfio_compat`; "
        out += "*iommufd* = native iommufd equivalent; *probe* = the check run by `vfio-compat matrix run`.\n"
        for area in Self.areas {
            let areaRows = rows.filter { $0.area == area }
            guard !areaRows.isEmpty else { continue }
            out += "\n## \(Self.areaTitles[area] ?? area)\n\n"
            out += "| ID | Feature | Legacy | type1 | compat | iommufd | Status | Notes | Probe |\n"
            out += "|---|---|---|---|---|---|---|---|---|\n"
            for row in areaRows {
                let probe = row.probe.map { "`\($0)`" } ?? "reason: " + (row.reason ?? "")
                let cells = [row.id.rawValue, row.feature, row.legacy, row.type1, row.compat, row.iommufd,
                             row.status.rawValue, row.notes, probe]
                out += "| " + cells.map(Self.cell).joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// A compact terminal table: id, status, area, feature.
    public func table() -> String {
        let idWidth = 4, statusWidth = MatrixStatus.allCases.map(\.rawValue.count).max()!
        let areaWidth = Self.areas.map(\.count).max()!
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        var lines = [pad("ID", idWidth) + "  " + pad("STATUS", statusWidth) + "  " + pad("AREA", areaWidth) + "  FEATURE"]
        for row in rows {
            lines.append(pad(row.id.rawValue, idWidth) + "  " + pad(row.status.rawValue, statusWidth) + "  "
                         + pad(row.area, areaWidth) + "  " + row.feature)
        }
        let counts = MatrixStatus.allCases.map { s in "\(rows.filter { $0.status == s }.count) \(s.rawValue)" }
        lines.append("\(rows.count) rows: " + counts.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON: `{"rows": [{id, area, feature, legacy, iommufd, type1, compat, status, notes, probe|reason}]}`.
    public func json() -> String {
        var out = "{\n  \"rows\": [\n"
        out += rows.map { row in
            var fields = [("id", row.id.rawValue), ("area", row.area), ("feature", row.feature), ("legacy", row.legacy),
                          ("iommufd", row.iommufd), ("type1", row.type1), ("compat", row.compat),
                          ("status", row.status.rawValue), ("notes", row.notes)]
            if let probe = row.probe { fields.append(("probe", probe)) }
            if let reason = row.reason { fields.append(("reason", reason)) }
            return "    {" + fields.map { "\(JSONText.string($0.0)): \(JSONText.string($0.1))" }.joined(separator: ", ") + "}"
        }.joined(separator: ",\n")
        out += "\n  ]\n}\n"
        return out
    }
}
