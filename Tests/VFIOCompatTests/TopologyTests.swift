import Foundation
import Testing
@testable import VFIOCompat

@Suite struct TopologyTests {
    @Test(arguments: Topology.presetNames)
    func presetsServeTwoViableAndOneNonViableGroup(_ name: String) throws {
        let topology = try Topology.load(name)
        #expect(topology.name == name)
        #expect(topology.groups.filter(\.viable).count >= 2)
        #expect(topology.groups.filter { !$0.viable }.count >= 1)
        #expect(topology.groups.allSatisfy { $0.mode == 0o600 && $0.uid == 0 && $0.gid == 0 && !$0.devices.isEmpty })
        try topology.validate()
    }

    @Test func presetDomains() throws {
        let vtd = try #require(Topology.preset(named: "x86-vtd")).groups[0].domain
        #expect(vtd.apertureStart == 0 && vtd.apertureLast == 0xffff_ffff_ffff)
        #expect(vtd.pgsizes == 0x4020_1000)
        #expect(vtd.coherent)
        #expect(vtd.reserved == [ReservedSpec(start: 0xfee0_0000, last: 0xfeef_ffff, type: .msi)])
        let amd = try #require(Topology.preset(named: "amd-vi")).groups[0].domain
        #expect(amd.reserved.contains(ReservedSpec(start: 0xfd_0000_0000, last: 0xff_ffff_ffff, type: .reserved)))
        let arm = try #require(Topology.preset(named: "arm-smmu")).groups[0].domain
        #expect(arm.reserved == [ReservedSpec(start: 0x800_0000, last: 0x80f_ffff, type: .swMSI)])
        let narrow = try #require(Topology.preset(named: "narrow-39")).groups[0].domain
        #expect(narrow.apertureLast == 0x7f_ffff_ffff)
        #expect(Topology.default == Topology.preset(named: "x86-vtd"))
    }

    @Test func yamlNumbersAsIntegersOrHexStrings() throws {
        let topology = try Topology.parse(yaml: """
            name: t
            groups:
              - id: 12
                devices: [no, "0000:01:00.0"]
                viable: false
                uid: 1000
                gid: 100
                mode: "0660"
                domain:
                  aperture: { start: 4096, last: "0xffff_ffff_ffff_ffff" }
                  pgsizes: 0x1000
                  coherent: false
                  reserved:
                    - { start: "0xfee00000", last: 4277141503, type: direct-relaxable }
            """)
        let group = try #require(topology.group(12))
        #expect(group.devices == ["no", "0000:01:00.0"]) // typed: `no` stays a string
        #expect(!group.viable && group.uid == 1000 && group.gid == 100 && group.mode == 0o660)
        #expect(group.domain == DomainSpec(apertureStart: 4096, apertureLast: .max, pgsizes: 4096, coherent: false,
                                           reserved: [ReservedSpec(start: 0xfee0_0000, last: 0xfeef_ffff, type: .directRelaxable)]))
    }

    @Test func defaultsApply() throws {
        let group = try #require(Topology.parse(yaml: "groups:\n  - id: 3\n    devices: [a]\n").group(3))
        #expect(group.viable && group.mode == 0o600 && group.uid == 0 && group.domain == .x86VTd)
    }

    static let badInputs: [(String, String)] = [
        ("groups:\n  - id: 7\n    devices: [a]\n  - id: 7\n    devices: [b]\n", "group 7: id: group 7 is listed more than once"),
        ("groups:\n  - id: 7\n    devices: [a]\n    domain: {aperture: {start: 9, last: 8}, pgsizes: 4096}\n",
         "group 7: domain.aperture: start 0x9 is above last 0x8"),
        ("groups:\n  - id: 8\n    devices: [a]\n    domain: {aperture: {start: 0, last: 8}, pgsizes: 0}\n",
         "group 8: domain.pgsizes: must have at least one page size bit set"),
        ("groups:\n  - id: 8\n    devices: [a]\n    domain: {aperture: {start: 0, last: 8}, pgsizes: 1, reserved: [{start: 0, last: \"0x10000000000000000\", type: msi}]}\n",
         "group 8: domain.reserved[0].last: \"0x10000000000000000\" is not a number that fits in 64 bits"),
        ("groups:\n  - id: 8\n    devices: [a]\n    domain: {aperture: {start: 0, last: 8}, pgsizes: 1, reserved: [{start: 5, last: 4, type: msi}]}\n",
         "group 8: domain.reserved[0]: start 0x5 is above last 0x4"),
        ("groups:\n  - id: 8\n    devices: [a]\n    domain: {aperture: {start: 0, last: 8}, pgsizes: 1, reserved: [{start: 0, last: 4, type: rmrr}]}\n",
         "group 8: domain.reserved[0].type: unknown reserved type \"rmrr\" (expected one of: msi, sw-msi, direct, direct-relaxable, reserved)"),
        ("groups:\n  - id: 8\n    devices: [a]\n    viabel: true\n",
         "group 8: viabel: unknown key \"viabel\" (expected one of: id, devices, viable, uid, gid, mode, domain)"),
        ("groups:\n  - id: 8\n    devices: []\n", "group 8: devices: a group holds at least one device"),
        ("groups:\n  - id: 8\n    devices: [a]\n  - id: 9\n    devices: [a]\n", "group 9: devices: a is already in group 8"),
        ("groups:\n  - id: 8\n", "group 8: devices: missing"),
        ("groups: []\n", "groups: at least one group is needed"),
    ]

    @Test(arguments: badInputs)
    func yamlErrorsNameGroupAndField(_ input: (String, String)) {
        #expect(throws: TopologyError.self) { try Topology.parse(yaml: input.0) }
        do {
            _ = try Topology.parse(yaml: input.0)
        } catch {
            #expect(error.description == input.1)
        }
    }

    @Test func loadNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("topo-\(getpid()).yaml").path
        try "groups:\n  - id: 4\n    devices: [a]\n    mode: \"0o17777\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TopologyError(location: "\(path): group 4: mode", message: "expected a mode such as \"0600\"")) {
            try Topology.load(path)
        }
        #expect(throws: TopologyError.self) { try Topology.load("/nonexistent/x.yaml") }
    }

    @Test func exampleFileLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let topology = try Topology.load(root.appendingPathComponent("examples/topology.yaml").path)
        #expect(topology.groups.map(\.id) == [7, 8, 9])
        #expect(topology.groups.map(\.viable) == [true, true, false])
    }

    @Test func jsonNumbersAreExactIntegers() throws {
        var topology = try #require(Topology.preset(named: "amd-vi"))
        topology.groups[0].domain.apertureLast = .max                 // above 2^53
        topology.groups[0].domain.reserved.append(ReservedSpec(start: (1 << 53) + 1, last: .max - 1, type: .direct))
        let json = topology.json()
        #expect(json.contains("\"aperture\": {\"start\": 0, \"last\": 18446744073709551615}"))
        #expect(json.contains("{\"start\": 9007199254740993, \"last\": 18446744073709551614, \"type\": \"direct\"}"))
        #expect(json.contains("{\"start\": 1086626725888, \"last\": 1099511627775, \"type\": \"reserved\"}"))
        #expect(json.contains("\"pgsizes\": 1075843072"))
        #expect(!json.contains("e+") && !json.contains(".0,"))
        // Valid JSON with the same structure.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let groups = try #require(parsed["groups"] as? [[String: Any]])
        #expect(groups.map { $0["id"] as? Int } == [7, 8, 9])
        #expect(groups.map { $0["viable"] as? Bool } == [true, true, false])
        #expect((groups[1]["devices"] as? [String]) == ["0000:00:02.0"])
    }

    @Test func jsonEscapesStrings() {
        let topology = Topology(name: "a\"b\\c\n", groups: [GroupSpec(id: 1, devices: ["x\u{1}"])])
        let json = topology.json()
        #expect(json.contains(#""name": "a\"b\\c\n""#))
        #expect(json.contains(#"["x\u0001"]"#))
    }

    @Test func textRendering() throws {
        let text = try #require(Topology.preset(named: "arm-smmu")).text()
        #expect(text.hasPrefix("topology arm-smmu: 3 groups\n"))
        #expect(text.contains("group 9  not viable  devices 0000:00:03.0  node /dev/vfio/9 0:0 0600"))
        #expect(text.contains("  aperture 0x0-0xffffffffffff  pgsizes 0x40201000 (4K 2M 1G)  coherent"))
        #expect(text.contains("  reserved 0x8000000-0x80fffff sw-msi"))
    }
}
