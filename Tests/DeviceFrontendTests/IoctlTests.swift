import DeviceFrontend
import Foundation
import Testing

/// ioctls from a separate process: caller memory, identity, mappings, opens and releases.
@Suite(.enabled(if: Environment.canMount, "needs root and a usable /dev/fuse"))
struct IoctlTests {
    @Test func argumentRoundTripsThroughCallerMemory() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open c \(mount.node("vfio"))",
                // argsz = 8, flags = 0x11 (little endian), in an 12-byte buffer.
                "ioctl-buf c \(TestHandler.roundTrip) 0800000011000000aabbccdd",
                "ioctl c VFIO_GET_API_VERSION 0",
            ])
            #expect(out.count == 3)
            #expect(out[1] == "ok 0 1000000011010000aabbccdd")   // argsz 16, flags 0x111, tail untouched
            #expect(out[2] == "err ENOTTY 25")                  // the test handler's unknown request
        }
    }

    @Test func badPointerIsEFAULTAndLargeAccessRefused() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open c \(mount.node("vfio"))",
                "ioctl-badptr c \(TestHandler.roundTrip)",
                "mmap m 0x30000",
                "munmap $m+0x20000 0x10000",                    // a hole right after 128 KiB
                "poke $m 5a",
                "ioctl c \(TestHandler.fullRead) $m",
                "ioctl c \(TestHandler.oversizedRead) $m",
                "ioctl c \(TestHandler.fullRead) $m+0x10000",  // ends exactly at the hole
                "ioctl c \(TestHandler.fullRead) $m+0x10001",  // one byte into the hole
            ])
            #expect(out.count == 9)
            #expect(out[1] == "err EFAULT 14")
            #expect(out[3] == "ok 0" && out[4] == "ok 0")       // munmap, poke
            #expect(out[5] == "ok 90")                          // 0x5a, read through 64 KiB
            #expect(out[6] == "err EFAULT 14")                  // > 64 KiB refused
            #expect(out[7] == "ok 0")
            #expect(out[8] == "err EFAULT 14")                  // short transfer
        }
    }

    @Test func identityComesFromTheCallingProcess() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "pid",
                "memlock 0x10000",
                "open c \(mount.node("vfio"))",
                "ioctl-buf c \(TestHandler.identity) - 48",
                "thread tid",
                "thread ioctl-buf c \(TestHandler.identity) - 48",
            ])
            #expect(out.count == 6)
            let pid = UInt64(out[0].split(separator: " ")[1])!
            let main = hexBytes(out[3]), threaded = hexBytes(out[5])
            func word(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(littleEndianBytes: b[(8 * i)..<(8 * i + 8)]) }
            #expect(word(main, 0) == pid)
            #expect(word(main, 1) == pid)                 // issued from the main thread
            #expect(word(main, 2) == 0 && word(main, 3) == 0)
            #expect(word(main, 4) == 0x10000)             // prlimit(RLIMIT_MEMLOCK) soft
            #expect(word(main, 5) == 1)                   // root: CAP_IPC_LOCK
            #expect(word(threaded, 0) == pid)             // Tgid, not the thread id
            #expect(word(threaded, 1) != pid)
        }
    }

    @Test func identityOfAnUnprivilegedCaller() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "setid 65534 65534",
                "open c \(mount.node("vfio"))",
                "ioctl-buf c \(TestHandler.identity) - 48",
            ])
            let b = hexBytes(out[2])
            #expect(out[2].hasPrefix("ok 0"))
            #expect(UInt64(littleEndianBytes: b[16..<24]) == 65534)
            #expect(UInt64(littleEndianBytes: b[24..<32]) == 65534)
            #expect(UInt64(littleEndianBytes: b[40..<48]) == 0)   // no CAP_IPC_LOCK
        }
    }

    @Test func mappingsAreReadFromSmaps() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open c \(mount.node("vfio"))",
                "mmap rw 4096",
                "mmap ro 4096 ro",
                "ioctl c \(TestHandler.mappings) $rw",
                "ioctl c \(TestHandler.mappings) $ro",
                "ioctl c \(TestHandler.mappings) 0x1000",      // nothing mapped at 4 KiB
            ])
            #expect(out[3] == "ok 11")   // found | readable | writable
            #expect(out[4] == "ok 9")    // found | readable
            #expect(out[5] == "ok 0")
        }
    }

    @Test func secondGroupOpenIsBusyAndModesAreEnforced() throws {
        try withMount(TestHandler()) { mount in
            let out = try Client.run([
                "open g \(mount.node("12"))",
                "open g2 \(mount.node("12"))",
                "close g",
                "open g3 \(mount.node("12"))",
            ])
            #expect(out[0].hasPrefix("ok "))
            #expect(out[1] == "err EBUSY 16")
            #expect(out[3].hasPrefix("ok "))                    // released on close, so free again
            let nobody = try Client.run([
                "setid 65534 65534",
                "open g \(mount.node("7"))",                      // 0600 root
                "open c \(mount.node("vfio"))",                   // 0666
                "open c \(mount.node("vfio")) rdonly",
            ])
            #expect(nobody[0] == "ok 0")
            #expect(nobody[1] == "err EACCES 13")
            #expect(nobody[2].hasPrefix("ok "))
            #expect(nobody[3].hasPrefix("ok "))
        }
    }

    @Test func compatIoctlAndPrivateRequestAreNotForwarded() throws {
        try withMount(TestHandler()) { mount in
            // _IOR(';', 0xE0, u64): the frontend's private request, from a foreign pid.
            let out = try Client.run([
                "open c \(mount.node("vfio"))",
                "ioctl-buf c 0x80083be0 0000000000000000",
            ])
            #expect(out[1] == "err ENOTTY 25 0000000000000000")
        }
    }

    @Test func killedClientReleasesEveryHandle() throws {
        let handler = TestHandler()
        try withMount(handler) { mount in
            let out = try Client.run([
                "open c \(mount.node("vfio"))",
                "open c2 \(mount.node("vfio"))",
                "open g \(mount.node("12"))",
                "dup d c",
                "kill-self",
            ])
            #expect(out.count == 4)
            #expect(eventually { handler.liveCount == 0 })
            #expect(Set(handler.released) == Set(handler.opened))
            #expect(handler.opened.count == 3)
        }
    }
}
