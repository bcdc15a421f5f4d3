import DeviceFrontend
import Foundation
import Testing

/// The CUSE frontend where the kernel has no CUSE (this host): the error paths, which must
/// name the cause in one line before anything is created. The served path is exercised in
/// the VM (VMDifferentialTests).
struct CUSETests {
    static let hasCUSE = access("/dev/cuse", F_OK) == 0

    @Test(.enabled(if: !hasCUSE, "this host has /dev/cuse; the missing-CUSE path cannot be reached"))
    func missingCUSEIsOneClearError() {
        #expect(throws: FrontendError.cuseUnavailable("/dev/cuse does not exist (load the cuse module: modprobe cuse)")) {
            _ = try CUSEServer(handler: TestHandler(), options: CUSEServerOptions())
        }
    }

    @Test(arguments: ["", "/vfio", "vfio/", "a/../b", "./x", "a b", "vfio//x"])
    func badPrefixesAreRefusedFirst(prefix: String) {
        #expect(throws: FrontendError.invalidDeviceName(
            "prefix '\(prefix)' must be names of [A-Za-z0-9._-] joined by '/', relative to /dev")) {
            _ = try CUSEServer(handler: TestHandler(), options: CUSEServerOptions(prefix: prefix))
        }
    }

    @Test(.enabled(if: !hasCUSE, "this host has /dev/cuse"))
    func goodPrefixesGetPastValidation() {
        for prefix in ["vfio", "vfio-compat", "a/b_c.d"] {
            #expect(throws: FrontendError.cuseUnavailable("/dev/cuse does not exist (load the cuse module: modprobe cuse)")) {
                _ = try CUSEServer(handler: TestHandler(), options: CUSEServerOptions(prefix: prefix))
            }
        }
    }

    @Test(.enabled(if: !hasCUSE, "this host has /dev/cuse"))
    func commandPrintsTheCauseAndFails() throws {
        try #require(FileManager.default.isExecutableFile(atPath: MountCommandTests.toolPath), "build vfio-compat first")
        let (status, out, err) = try MountCommandTests.run(["cuse", "--prefix", "vfio"])
        #expect(status == 1)
        #expect(out.isEmpty)
        #expect(err == "Error: CUSE is unavailable: /dev/cuse does not exist (load the cuse module: modprobe cuse)\n")
    }
}

/// The differential test against the real kernel in a VM (scripts/vm/differential.sh):
/// minutes under TCG, so opt-in.
@Suite(.serialized)
struct VMDifferentialTests {
    static let enabled = ProcessInfo.processInfo.environment["VFIO_COMPAT_VM"] == "1"

    @Test(.enabled(if: enabled, "set VFIO_COMPAT_VM=1 to boot the VM and run the differential against the real 6.1 type1"),
          arguments: ["intel", "amd"])
    func differentialAgainstRealKernel(iommu: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let p = Process()
        p.executableURL = root.appendingPathComponent("scripts/vm/differential.sh")
        p.arguments = ["--iommu", iommu]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let summary = text.split(separator: "\n").filter { $0.hasPrefix("differential:") || $0.hasPrefix("DIFF") || $0.contains("UNDOCUMENTED") }
        #expect(p.terminationStatus == 0, "\(summary.joined(separator: "\n"))")
        #expect(text.contains(" 0 with undocumented differences"))
    }
}
