import Foundation
import Testing
@testable import VFIOCompat

@Suite struct CompatMatrixTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let yamlPath = root.appendingPathComponent("compat-matrix/matrix.yaml").path
    static let readmePath = root.appendingPathComponent("compat-matrix/README.md").path

    @Test func committedMatrixLoads() throws {
        let matrix = try CompatMatrix.load(path: Self.yamlPath)
        #expect(matrix.rows.count >= 97)
        for area in CompatMatrix.areas { #expect(matrix.rows.contains { $0.area == area }, "no row in \(area)") }
        #expect(matrix[.M04]?.status == .divergent)
        #expect(matrix[.G08]?.status == .logged)
    }

    @Test func rowIDConstantsMatchTheYAML() throws {
        let matrix = try CompatMatrix.load(path: Self.yamlPath)
        #expect(MatrixRowID.all == matrix.rows.map(\.id))
        #expect(Set(MatrixRowID.all).count == MatrixRowID.all.count)
        #expect(MatrixRowID.M04.rawValue == "M-04" && MatrixRowID.E10.rawValue == "E-10")
    }

    /// The README must be `markdown()` of the committed YAML: regenerate with
    /// `vfio-compat matrix show --format md --out compat-matrix/README.md`.
    @Test func readmeIsNotStale() throws {
        let matrix = try CompatMatrix.load(path: Self.yamlPath)
        let committed = try String(contentsOfFile: Self.readmePath, encoding: .utf8)
        #expect(committed == matrix.markdown(), "compat-matrix/README.md is stale: regenerate it")
    }

    @Test func policyHoldsForKnownRows() throws {
        let matrix = try CompatMatrix.load(path: Self.yamlPath)
        // Rows the brief's policy fixes: unsupported features are logged.
        for id: MatrixRowID in [.S01, .S02, .S03, .S04, .S05, .D01, .D02, .M17, .U11, .U13, .G08, .E08, .I06, .C08, .E10, .M22] {
            #expect(matrix[id]?.status == .logged, "\(id)")
        }
        for row in matrix.rows {
            #expect((row.status == .notApplicable) == (row.reason != nil), "\(row.id)")
            #expect((row.status == .notApplicable) == (row.probe == nil), "\(row.id)")
            #expect(row.id.rawValue.first == Character(row.area == "behaviour" ? "B" : row.area.prefix(1).uppercased()), "\(row.id) area")
        }
    }

    static let row = """
          - id: M-01
            area: map
            feature: f
            legacy: l
            iommufd: i
            type1: t
            compat: c
            status: emulated
            notes: ""
            probe: map-read-write
        """

    static let badMatrices: [(String, String)] = [
        ("rows:\n" + row + "\n" + row + "\n", "row M-01: id: duplicate id"),
        ("rows:\n" + row.replacingOccurrences(of: "status: emulated", with: "status: partial") + "\n",
         "row M-01: status: \"partial\" is not one of emulated, divergent, logged, not-applicable"),
        ("rows:\n" + row.replacingOccurrences(of: "    probe: map-read-write", with: "") + "\n",
         "row M-01: probe: a emulated row needs a probe"),
        ("rows:\n" + row.replacingOccurrences(of: "status: emulated", with: "status: not-applicable") + "\n",
         "row M-01: reason: a not-applicable row needs a reason"),
        ("rows:\n" + row.replacingOccurrences(of: "    notes: \"\"\n", with: "") + "\n", "row M-01: notes: missing"),
        ("rows:\n" + row.replacingOccurrences(of: "area: map", with: "area: maps") + "\n",
         "row M-01: area: \"maps\" is not one of container, group, extension, info, map, unmap, dirty, spapr, behaviour"),
        ("rows:\n" + row.replacingOccurrences(of: "probe: map-read-write", with: "probe: MapReadWrite") + "\n",
         "row M-01: probe: \"MapReadWrite\" is not kebab-case"),
        ("rows:\n" + row.replacingOccurrences(of: "id: M-01", with: "id: M1") + "\n",
         "row M1: id: expected a letter of CGEIMUDSB, '-', two digits (e.g. M-04)"),
        ("rows:\n" + row + "\n    colour: red\n", "row M-01: colour: unknown field"),
    ]

    @Test(arguments: badMatrices)
    func validationNamesRowAndField(_ input: (String, String)) {
        do {
            _ = try CompatMatrix.parse(yaml: input.0)
            Issue.record("accepted: \(input.1)")
        } catch {
            #expect(error.description == input.1)
        }
    }

    @Test func goodSingleRowParses() throws {
        let matrix = try CompatMatrix.parse(yaml: "rows:\n" + Self.row + "\n")
        #expect(matrix.rows.count == 1)
        #expect(matrix.rows[0].probe == "map-read-write" && matrix.rows[0].reason == nil)
    }

    @Test func markdownHasTitleLegendAndOneTablePerArea() throws {
        let matrix = try CompatMatrix.parse(yaml: "rows:\n" + Self.row + "\n")
        let md = matrix.markdown()
        #expect(md.hasPrefix("# vfio-compat compatibility matrix\n"))
        #expect(md.contains("`vfio-compat matrix show --format md`"))
        #expect(md.contains("- **emulated** (1): "))
        #expect(md.contains("## VFIO_IOMMU_MAP_DMA\n"))
        #expect(!md.contains("## VFIO_IOMMU_UNMAP_DMA"))
        #expect(md.contains("| M-01 | f | l | t | c | i | emulated |  | `map-read-write` |"))
    }

    @Test func jsonIsValid() throws {
        let matrix = try CompatMatrix.load(path: Self.yamlPath)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(matrix.json().utf8)) as? [String: Any])
        let rows = try #require(parsed["rows"] as? [[String: String]])
        #expect(rows.map { $0["id"] } == matrix.rows.map(\.id.rawValue))
    }

    @Test func locatorOrder() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-loc-\(getpid())")
        let nested = tmp.appendingPathComponent("a/b/bin")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("compat-matrix"), withIntermediateDirectories: true)
        let yaml = tmp.appendingPathComponent("compat-matrix/matrix.yaml").path
        try "rows: []".write(toFile: yaml, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tmp) }
        #expect(try MatrixLocator.locate(explicit: Self.yamlPath, environment: [:], currentDirectory: "/", executablePath: nil) == Self.yamlPath)
        #expect(try MatrixLocator.locate(explicit: nil, environment: ["VFIO_COMPAT_MATRIX": yaml], currentDirectory: "/", executablePath: nil) == yaml)
        #expect(try MatrixLocator.locate(explicit: nil, environment: [:], currentDirectory: tmp.path, executablePath: nil) == yaml)
        #expect(try MatrixLocator.locate(explicit: nil, environment: [:], currentDirectory: "/", executablePath: nested.appendingPathComponent("vfio-compat").path) == yaml)
        #expect(throws: MatrixError.self) { try MatrixLocator.locate(explicit: nil, environment: [:], currentDirectory: "/", executablePath: "/usr/bin/x") }
        #expect(throws: MatrixError.self) { try MatrixLocator.locate(explicit: "/nonexistent", environment: [:], currentDirectory: "/", executablePath: nil) }
    }
}
