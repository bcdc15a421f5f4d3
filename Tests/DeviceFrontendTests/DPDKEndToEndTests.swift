import Foundation
import Testing
import VFIOCompat

/// DPDK 22.11 (Debian's dpdk-dev: dpdk-testpmd) probing an e1000 through `vfio-compat exec`,
/// without hardware or hugepages: a fake PCI device under $SYSFS_PCI_DEVICES, /sys/module/vfio
/// and vfio_pci faked in the private namespace, `--no-huge --no-shconf --iova-mode=va`.
/// It asks for TYPE1 (v1), maps all its memory in one call and stops at GET_DEVICE_FD.
extension ExecSuites {
    @Suite(.enabled(if: VMMEnvironment.canRunDPDK,
                    "needs root, a usable /dev/fuse and dpdk-testpmd (scripts/setup.sh installs dpdk-dev)"))
    struct DPDKEndToEndTests {
        static let testpmd = VMMEnvironment.testpmd

        /// `devices/0000:00:01.0` as DPDK's PCI scan reads it: ids of an Intel 82540EM (net_e1000_em),
        /// six BAR lines in `resource`, `driver` → …/vfio-pci, `iommu_group` → …/7.
        static func fakePCIDevices() throws -> String {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-dpdk-\(UUID().uuidString.prefix(8))").path
            let device = root + "/devices/0000:00:01.0"
            try FileManager.default.createDirectory(atPath: device, withIntermediateDirectories: true)
            let files = ["vendor": "0x8086", "device": "0x100e", "subsystem_vendor": "0x8086", "subsystem_device": "0x001e",
                         "class": "0x020000", "numa_node": "0"]
            for (name, value) in files { try (value + "\n").write(toFile: device + "/" + name, atomically: false, encoding: .utf8) }
            let bar0 = "0x00000000febc0000 0x00000000febdffff 0x0000000000040200\n"
            let empty = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
            try (bar0 + String(repeating: empty, count: 6)).write(toFile: device + "/resource", atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: device + "/driver", withDestinationPath: "../../drivers/vfio-pci")
            try FileManager.default.createSymbolicLink(atPath: device + "/iommu_group", withDestinationPath: "../../groups/7")
            return root
        }

        /// Runs inside exec's namespace: a tmpfs over /sys/module re-binding the originals plus vfio and
        /// vfio_pci (DPDK checks both are loaded), a private /run (DPDK writes /run/dpdk), then testpmd.
        static func script(devices: String) -> String {
            """
            set -e
            mount -t tmpfs -o mode=0700 tmpfs /mnt
            mkdir /mnt/m && mount --rbind /sys/module /mnt/m
            mount -t tmpfs -o mode=0755 tmpfs /sys/module
            for e in /mnt/m/*; do n=/sys/module/${e#/mnt/m/}; mkdir "$n"; mount --rbind "$e" "$n"; done
            mkdir -p /sys/module/vfio /sys/module/vfio_pci
            umount -l /mnt
            mount -t tmpfs -o mode=0755 tmpfs /run
            export SYSFS_PCI_DEVICES=\(devices)
            exec \(testpmd) --no-huge -m 64 --iova-mode=va --no-shconf \
                -a 0000:00:01.0 -l 0 -- --total-num-mbufs=2048 </dev/null
            """
        }

        @Test func testpmdAsksForType1AndMapsItsMemoryOnce() throws {
            let root = try Self.fakePCIDevices()
            let log = root + ".jsonl"
            defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: log) }
            let output = try Exec.run(["exec", "--log", log, "--", "sh", "-c", Self.script(devices: root + "/devices")], timeout: 60)
            let all = output.stdout + output.stderr
            let records = try VMMEnvironment.records(log)

            // EAL probes VFIO early: all three extensions, type 1 accepted.
            let checks = records.filter { $0.ioctl == "VFIO_CHECK_EXTENSION" }
            #expect(checks.map { $0.args["extension"] } == [.uint(1), .uint(7), .uint(8)])
            #expect(checks.map(\.result) == [.success(1), .success(0), .success(0)])
            #expect(records.prefix(2).map(\.ioctl) == ["open", "VFIO_GET_API_VERSION"] && records.first?.node == "container")

            // At PCI probe: the group, SET_IOMMU(1) accepted and logged against C-08.
            let calls = records.map(\.ioctl).filter { $0 != "VFIO_CHECK_EXTENSION" }
            #expect(Array(calls.prefix(9)) == ["open", "VFIO_GET_API_VERSION", "open", "VFIO_GROUP_GET_STATUS",
                                               "VFIO_GROUP_SET_CONTAINER", "VFIO_SET_IOMMU", "VFIO_IOMMU_MAP_DMA",
                                               "VFIO_GROUP_GET_DEVICE_FD", "release"])
            let setIOMMU = records.first { $0.ioctl == "VFIO_SET_IOMMU" }
            #expect(setIOMMU?.args["type"] == .uint(1) && setIOMMU?.result == .success(0))
            #expect(setIOMMU?.unsupported?.row == "C-08")
            #expect(all.contains("EAL: Using IOMMU type 1 (Type 1)"))

            // One MAP_DMA of all its memory: 64 MiB, VA mode (iova == vaddr), read-write.
            let maps = records.filter { $0.ioctl == "VFIO_IOMMU_MAP_DMA" }
            #expect(maps.count == 1)
            #expect(maps.first?.args["size"] == .uint(64 << 20) && maps.first?.args["flags"] == .uint(3))
            #expect(maps.first?.args["iova"] != nil && maps.first?.args["iova"] == maps.first?.args["vaddr"])
            #expect(maps.first?.result == .success(0))

            // GET_DEVICE_FD fails (G-08); DPDK gives the device up and exits; nothing is left.
            let getDeviceFD = records.first { $0.ioctl == "VFIO_GROUP_GET_DEVICE_FD" }
            #expect(getDeviceFD?.args["device"] == .string("0000:00:01.0"))
            #expect(getDeviceFD?.result == .failure(.notSupported) && getDeviceFD?.unsupported?.row == "G-08")
            #expect(all.contains("EAL: Getting a vfio_dev_fd for 0000:00:01.0 failed"))
            #expect(!records.contains { $0.ioctl == "VFIO_IOMMU_UNMAP_DMA" || $0.ioctl == "VFIO_GROUP_UNSET_CONTAINER" })
            #expect(Set(records.suffix(2).map { "\($0.ioctl) \($0.node)" }) == ["release container", "release group"])
            #expect(output.stderr.contains("  C-08  SET_IOMMU"))
            #expect(output.stderr.contains("\nleft in the shim: nothing\n"))
            #expect(output.status != 0 && output.stderr.contains("vfio-compat exec: sh exited with status \(output.status) after "))
            #expect(Exec.leftoverWorkspaces().isEmpty && Exec.hostMountsOfExec().isEmpty)
        }
    }
}
