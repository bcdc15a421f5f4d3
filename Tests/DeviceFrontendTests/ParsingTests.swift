import DeviceFrontend
import Foundation
import Testing
import VFIOCompat
import CLinuxShims

/// The procfs parsers and the process_vm memory object, in-process.
struct ParsingTests {
    @Test func procStatusFields() throws {
        let text = "Name:\tx\nTgid:\t4242\nPid:\t4250\nUid:\t1000\t1001\t1002\t1003\nGid:\t50\t51\t52\t53\nCapEff:\t0000000000004000\n"
        let status = try #require(ProcStatus(parsing: text))
        #expect(status.tgid == 4242)
        #expect(status.uid == 1001 && status.gid == 51)      // effective ids
        #expect(status.hasIPCLock)
        #expect(ProcStatus(parsing: text.replacingOccurrences(of: "0000000000004000", with: "00000000000003ff"))?.hasIPCLock == false)
        #expect(ProcStatus(parsing: "Tgid:\t1\n") == nil)
        #expect(ProcStatus(parsing: text.replacingOccurrences(of: "4242", with: "99999999999")) == nil)  // not an Int32
        // Our own thread, read from procfs: the thread group is this process.
        let own = try #require(ProcStatus.read(tid: clinux_gettid()))
        #expect(own.tgid == getpid() && own.uid == geteuid() && own.gid == getegid())
    }

    @Test func smapsHeadersPermsAndDeviceFlags() {
        let text = """
        7f0000000000-7f0000002000 rw-p 00000000 00:00 0 
        Size:                  8 kB
        VmFlags: rd wr mr mw me ac
        7f0000002000-7f0000003000 r--s 00000000 00:05 12 /dev/vfio/devices/bar0 (deleted)
        Size:                  4 kB
        VmFlags: rd sh mr io pf dd
        7f0000004000-7f0000005000 ---p 00000000 00:00 0
        VmFlags: mr
        """
        let maps = ProcessSmaps.parse(text)
        #expect(maps.count == 3)
        #expect(maps[0] == CallerMapping(start: 0x7f00_0000_0000, end: 0x7f00_0000_2000, readable: true, writable: true, isDevice: false))
        #expect(maps[1].isDevice && maps[1].readable && !maps[1].writable)
        #expect(maps[1].name == "/dev/vfio/devices/bar0 (deleted)")
        #expect(!maps[2].readable && !maps[2].isDevice)
        #expect(ProcessSmaps.mappings(in: text, overlapping: 0x7f00_0000_1fff, length: 2).count == 2)
        #expect(ProcessSmaps.mappings(in: text, overlapping: 0x7f00_0000_3000, length: 0x1000).isEmpty)
        #expect(ProcessSmaps.mappings(in: text, overlapping: .max - 1, length: 10).isEmpty)
    }

    @Test func processMemoryOnOurOwnThread() throws {
        let memory = ProcessMemory(tid: clinux_gettid())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024 + 8, alignment: 8)
        defer { buffer.deallocate() }
        for i in 0..<8 { buffer[i] = UInt8(i + 1) }
        let address = UInt64(UInt(bitPattern: buffer.baseAddress))
        #expect(try memory.read(at: address, count: 8) == [1, 2, 3, 4, 5, 6, 7, 8])
        try memory.write([9, 9], at: address + 2)
        #expect(Array(buffer[0..<8]) == [1, 2, 9, 9, 5, 6, 7, 8])
        #expect(try memory.read(at: address, count: 64 * 1024).count == 64 * 1024)
        #expect(throws: Errno.badAddress) { _ = try memory.read(at: address, count: 64 * 1024 + 1) }
        #expect(throws: Errno.badAddress) { try memory.write([UInt8](repeating: 0, count: 64 * 1024 + 1), at: address) }
        #expect(throws: Errno.badAddress) { _ = try memory.read(at: 8, count: 4) }
        #expect(throws: Errno.badAddress) { try memory.write([1], at: 8) }
    }
}
