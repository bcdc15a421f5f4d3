import Foundation
import Testing
import VFIOCompat

/// What an end-to-end test with a real VMM needs, and if something is missing, what.
enum VMMEnvironment {
    static let qemu = "/usr/bin/qemu-system-x86_64"
    static var canRunQEMU: Bool { Environment.canMount && FileManager.default.isExecutableFile(atPath: qemu) }
    static let testpmd = "/usr/bin/dpdk-testpmd"
    static var canRunDPDK: Bool { Environment.canMount && FileManager.default.isExecutableFile(atPath: testpmd) }

    /// A fake sysfs PCI device directory `…/devices/0000:00:01.0` whose `iommu_group` link ends in `/<group>`:
    /// all QEMU reads of a `sysfsdev=` device before GET_DEVICE_FD.
    static func fakeSysfsDevice(group: UInt32, name: String = "0000:00:01.0") throws -> (device: String, root: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-sysfs-\(UUID().uuidString.prefix(8))").path
        let device = root + "/devices/" + name
        try FileManager.default.createDirectory(atPath: device, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: device + "/iommu_group",
                                                   withDestinationPath: "../../kernel/iommu_groups/\(group)")
        return (device, root)
    }

    /// The translation log's records, in order.
    static func records(_ path: String) throws -> [TranslationRecord] {
        let decoder = JSONDecoder()
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(TranslationRecord.self, from: Data($0.utf8))
        }
    }
}

/// QEMU 7.2 (Debian's qemu-system-x86) cold-plugging a vfio-pci device through `vfio-compat exec`:
/// the container sequence it sends, read back from the translation log, up to the GET_DEVICE_FD
/// the shim cannot serve, and the clean-up after it.
extension ExecSuites {
    @Suite(.enabled(if: VMMEnvironment.canRunQEMU,
                    "needs root, a usable /dev/fuse and qemu-system-x86_64 (scripts/setup.sh installs qemu-system-x86)"),
           .serialized)
    struct QEMUEndToEndTests {
        struct Run {
            var output: Exec.Output
            var records: [TranslationRecord]
        }

        /// `vfio-compat exec --log L -- qemu-system-x86_64 -machine MACHINE -m 512M -nodefaults -display none -S
        /// -device vfio-pci,sysfsdev=DIR`; QEMU exits by itself at GET_DEVICE_FD.
        func runQEMU(machine: String, profile: String = "type1") throws -> Run {
            let (device, root) = try VMMEnvironment.fakeSysfsDevice(group: 7)
            let log = root + ".jsonl"
            defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: log) }
            let output = try Exec.run(["exec", "--profile", profile, "--log", log, "--", VMMEnvironment.qemu,
                                       "-machine", machine, "-m", "512M", "-nodefaults", "-display", "none", "-S",
                                       "-device", "vfio-pci,sysfsdev=\(device)"], timeout: 30)
            return Run(output: output, records: try VMMEnvironment.records(log))
        }

        /// The calls QEMU made, as `NAME key=value…` with the arguments a test pins, and their outcome.
        func steps(_ records: [TranslationRecord]) -> [String] {
            records.map { r in
                var s = (r.ioctl == "open" || r.ioctl == "release" ? "\(r.ioctl) \(r.node)" : LogRendering.shortName(r.ioctl))
                for key in ["extension", "type", "argsz", "iova", "size", "flags", "device"] {
                    switch r.args[key] {
                    case .uint(let v)?: s += " \(key)=\(LogRendering.hex(v))"
                    case .string(let v)?: s += " \(key)=\(v)"
                    default: break
                    }
                }
                return s + " = " + r.result.summary
            }
        }

        /// What is common to every run: QEMU's own message, its status passed through, nothing left.
        func expectCleanFailureAtGetDeviceFD(_ run: Run) {
            #expect(run.output.status == 1, "QEMU exits 1 after the failed GET_DEVICE_FD; exec returns it")
            #expect(run.output.stderr.contains("vfio 0000:00:01.0: error getting device from group 7: Operation not supported"))
            #expect(run.output.stderr.contains("vfio-compat exec: qemu-system-x86_64 exited with status 1 after "))
            #expect(run.output.stderr.contains("\nleft in the shim: nothing\n"))
            #expect(run.output.stderr.contains("  G-08  GET_DEVICE_FD"))
            #expect(run.output.stderr.contains("a FUSE/CUSE reply cannot carry a file descriptor"))
            #expect(run.output.stderr.split(separator: "\n").contains {
                $0.hasPrefix("  G-06,G-08 ") && $0.hasSuffix(" replace GROUP_GET_DEVICE_FD by opening /dev/vfio/devices/vfioN, "
                                                           + "VFIO_DEVICE_BIND_IOMMUFD and VFIO_DEVICE_ATTACH_IOMMUFD_PT")
            })
            // The log's final records: the last two files released, nothing attached or open afterwards.
            #expect(Set(run.records.suffix(2).map { "\($0.ioctl) \($0.node)" }) == ["release container", "release group"])
            let getDeviceFD = run.records.first { $0.ioctl == "VFIO_GROUP_GET_DEVICE_FD" }
            #expect(getDeviceFD?.unsupported?.row == "G-08")
            #expect(getDeviceFD?.result == .failure(.notSupported))
            #expect(Exec.leftoverWorkspaces().isEmpty && Exec.hostMountsOfExec().isEmpty)
        }

        @Test(arguments: ["type1", "iommufd"])
        func q35ColdPlugSequence(profile: String) throws {
            let run = try runQEMU(machine: "q35", profile: profile)
            #expect(steps(run.records) == [
                "open group = 0",
                "GET_STATUS argsz=0x8 flags=0x1 = 0",
                "open container = 0",
                "GET_API_VERSION = 0",
                "CHECK_EXTENSION extension=0x3 = 1",
                "SET_CONTAINER = 0",
                "SET_IOMMU type=0x3 = 0",
                "GET_INFO argsz=0x18 = 0",
                "GET_INFO argsz=0x58 = 0",
                "MAP_DMA argsz=0x20 iova=0x0 size=0x20000000 flags=0x3 = 0",
                "MAP_DMA argsz=0x20 iova=0xfffc0000 size=0x40000 flags=0x1 = 0",
                "GET_DEVICE_FD device=0000:00:01.0 = EOPNOTSUPP(95)",
                "UNMAP_DMA argsz=0x18 iova=0x0 size=0x20000000 flags=0x0 = 0",
                "UNMAP_DMA argsz=0x18 iova=0xfffc0000 size=0x40000 flags=0x0 = 0",
                "UNSET_CONTAINER = 0",
            ] + steps(Array(run.records.suffix(2))))
            // The first GET_INFO grew argsz to what the capability chain needs; the second one read it.
            let infos = run.records.filter { $0.ioctl == "VFIO_IOMMU_GET_INFO" }
            #expect(infos.map { $0.args["argsz_out"] } == [.uint(0x58), .uint(0x58)])
            #expect(infos.map { $0.args["cap_offset"] } == [.uint(0), .uint(0x18)])
            #expect(run.records.allSatisfy { $0.profile == profile })
            #expect(run.output.stderr.contains("mappings made: 2 (0x20040000 bytes)"))
            expectCleanFailureAtGetDeviceFD(run)
        }

        /// `-machine pc`: five maps; the 0xe0000 alias maps host pages that are inside the BIOS mapping too.
        @Test func pcMapsOneHostRangeAtTwoIOVAs() throws {
            let run = try runQEMU(machine: "pc")
            let maps = run.records.filter { $0.ioctl == "VFIO_IOMMU_MAP_DMA" }
            #expect(maps.map { [$0.args["iova"], $0.args["size"], $0.args["flags"]] } == [
                [.uint(0), .uint(0xc0000), .uint(3)],
                [.uint(0xc0000), .uint(0x20000), .uint(1)],
                [.uint(0xe0000), .uint(0x20000), .uint(1)],
                [.uint(0x100000), .uint(0x1ff0_0000), .uint(3)],
                [.uint(0xfffc_0000), .uint(0x40000), .uint(1)],
            ])
            #expect(maps.allSatisfy { !$0.result.isError })
            if maps.count == 5, case .uint(let alias)? = maps[2].args["vaddr"], case .uint(let bios)? = maps[4].args["vaddr"] {
                #expect(alias == bios + 0x20000, "the 0xe0000 alias is the BIOS image's second half")
            }
            let unmaps = run.records.filter { $0.ioctl == "VFIO_IOMMU_UNMAP_DMA" }
            #expect(unmaps.map { $0.args["iova"] } == maps.map { $0.args["iova"] })
            #expect(unmaps.allSatisfy { !$0.result.isError })
            #expect(run.output.stderr.contains("mappings made: 5 (0x20040000 bytes)"))
            expectCleanFailureAtGetDeviceFD(run)
        }
    }
}
