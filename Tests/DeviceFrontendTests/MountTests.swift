import DeviceFrontend
import Foundation
import Testing

/// The mount itself: nodes and attributes, mount-point errors, clean unmount.
@Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
struct MountTests {
    @Test func listsNodesWithTheirModes() throws {
        let handler = TestHandler()
        try withMount(handler) { mount in
            let names = try FileManager.default.contentsOfDirectory(atPath: mount.directory).sorted()
            #expect(names == ["12", "7", "vfio"])
            var inodes = Set<UInt64>()
            for entry in handler.nodes {
                var st = stat()
                #expect(stat(mount.node(entry.name), &st) == 0)
                #expect(st.st_mode & S_IFMT == S_IFREG)
                #expect(UInt32(st.st_mode & 0o7777) == entry.mode)
                #expect(st.st_uid == entry.uid && st.st_gid == entry.gid)
                inodes.insert(UInt64(st.st_ino))
            }
            #expect(inodes.count == handler.nodes.count)
            // Inode numbers are stable across lookups.
            var again = stat()
            #expect(stat(mount.node("7"), &again) == 0)
            #expect(inodes.contains(UInt64(again.st_ino)))
            #expect(access(mount.node("missing"), F_OK) != 0 && errno == ENOENT)
        }
    }

    @Test func stopUnmountsCleanly() throws {
        let mount = try MountedServer(handler: TestHandler())
        #expect(mount.isMounted)
        let directory = mount.directory
        #expect(mount.shutDown(), "run() returned after stop()")
        let info = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!info.contains(" \(directory) "))
    }

    @Test func mountPointErrorsNameTheirCause() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-mp-\(getpid())-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let file = base + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))

        #expect(throws: FrontendError.mountpointMissing(base + "/nope")) {
            try FUSEServer(mountpoint: base + "/nope", handler: TestHandler(), options: FUSEServerOptions())
        }
        #expect(throws: FrontendError.mountpointNotDirectory(file)) {
            try FUSEServer(mountpoint: file, handler: TestHandler(), options: FUSEServerOptions())
        }
        try withMount(TestHandler()) { mount in
            do throws(FrontendError) {
                _ = try FUSEServer(mountpoint: mount.directory, handler: TestHandler(), options: FUSEServerOptions())
                Issue.record("mounting over a live mount succeeded")
            } catch {
                #expect(error == .mountpointBusy(mount.directory))
                #expect(error.description.contains("already a mount point"))
                #expect(!error.description.contains("\n"))
            }
        }
    }
}
