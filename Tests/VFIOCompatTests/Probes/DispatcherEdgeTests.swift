import IOPageTable
import Testing
@testable import VFIOCompat

/// Dispatcher paths the probes do not reach naturally: accounting across
/// containers, limits, atomicity of failures, and hostile arguments.
@Suite struct DispatcherEdgeTests {
    /// type1 charges one mm->locked_vm per process across all its containers; unmapping frees it.
    @Test func memlockIsSharedByTwoContainersOfOnePid() {
        let h = Harness(process: SimulatedProcess(pid: 77, memlockLimit: 0x30_0000))
        let (c1, _) = h.attachedContainer(group: 7)
        let (c2, _) = h.attachedContainer(group: 8)
        let ram = h.process.mmap(0x40_0000)
        #expect(h.map(c1, iova: 0, size: 0x20_0000, vaddr: ram).value == 0)
        #expect(h.map(c2, iova: 0, size: 0x20_0000, vaddr: ram + 0x20_0000).errno == .outOfMemory)
        #expect(h.unmap(c1, iova: 0, size: 0x20_0000).1.size == 0x20_0000)
        #expect(h.map(c2, iova: 0, size: 0x20_0000, vaddr: ram + 0x20_0000).value == 0)
        // Another process has its own locked_vm.
        let other = SimulatedProcess(pid: 78, memlockLimit: 0x30_0000)
        let ram2 = other.mmap(0x20_0000)
        let arg = other.buffer(VFIODMAMap(flags: [.read, .write], vaddr: ram2, iova: 0x40_0000, size: 0x20_0000).bytes)
        let r = h.dispatcher.ioctl(handle: c1, request: VFIOIoctl.mapDMA.request, argument: arg, caller: other) { _ throws(Errno) in .foreign }
        #expect(r.value == 0)
    }

    @Test(arguments: SemanticsProfile.allCases)
    func ipcLockSkipsTheLimitButStillCharges(profile: SemanticsProfile) {
        let h = Harness(profile: profile, process: SimulatedProcess(memlockLimit: 0x1000, hasIPCLock: true))
        let (c, _) = h.attachedContainer()
        let ram = h.process.mmap(0x20_0000)
        #expect(h.map(c, iova: 0, size: 0x20_0000, vaddr: ram).value == 0)
        #expect(h.records.last?.rows.contains("B-07") == true)
        #expect(h.records.last?.divergence?.row == "B-13")
        #expect(h.dispatcher.snapshot().containers[0].charged == 0x20_0000)
    }

    /// A small --dma-entry-limit: ENOSPC at limit + 1 (type1), DMA_AVAIL counts down to 0 and back.
    @Test func entryLimitAndDMAAvail() {
        let h = Harness(dmaEntryLimit: 3)
        let (c, _) = h.attachedContainer()
        let ram = h.process.mmap(0x10000)
        func avail() -> UInt32 {
            let (r, bytes) = h.ioctl(c, .iommuGetInfo, buffer: VFIOIOMMUType1Info(argsz: 88).bytes, size: 88)
            #expect(r.value == 0)
            return RawBytes(Array(bytes[32..<36])).u32(at: 0)
        }
        #expect(avail() == 3)
        for i in 0..<3 {
            #expect(h.map(c, iova: UInt64(i) * 0x1000, size: 0x1000, vaddr: ram).value == 0)
            #expect(avail() == UInt32(2 - i))
        }
        #expect(h.map(c, iova: 0x10_0000, size: 0x1000, vaddr: ram).errno == .noSpace)
        #expect(avail() == 0)
        #expect(h.unmap(c, iova: 0, size: 0x1000).0.value == 0)
        #expect(avail() == 1)
    }

    /// Every failing MAP leaves every container exactly as it was.
    @Test(arguments: SemanticsProfile.allCases)
    func failedMapsChangeNothing(profile: SemanticsProfile) {
        let h = Harness(profile: profile, process: SimulatedProcess(memlockLimit: 0x30_0000))
        let (c, _) = h.attachedContainer()
        let ram = h.process.mmap(0x40_0000)
        let rom = h.process.mmap(0x1000, writable: false)
        #expect(h.map(c, iova: 0x10_0000, size: 0x20_0000, vaddr: ram).value == 0)
        let before = h.dispatcher.snapshot()
        h.process.munmap(ram + 0x30_0000, length: 0x1000)
        let bad: [(UInt64, UInt64, UInt64, VFIOMapFlags, Errno)] = [
            (0x20_0000, 0x1000, ram, [.read, .write], .exists),
            (0x40_0000, 0x20_0000, ram + 0x20_0000, [.read, .write], .badAddress),
            (0x40_0000, 0x1000, rom, [.read, .write], .badAddress),
            (0x40_0000, 0x20_0000, ram, [.read, .write], .outOfMemory),
            (0xfee0_0000, 0x1000, ram, [.read], .invalidArgument),
            (0x40_0800, 0x1000, ram, [.read], .invalidArgument),
            (0xffff_ffff_ffff_f000, 0x2000, ram, [.read], .overflow),
        ]
        for (iova, size, vaddr, flags, errno) in bad {
            #expect(h.map(c, iova: iova, size: size, vaddr: vaddr, flags: flags).errno == errno, "map \(iova)")
            let after = h.dispatcher.snapshot()
            #expect(after.containers[0].areas == before.containers[0].areas)
            #expect(after.containers[0].charged == before.containers[0].charged)
            #expect(after.containers[0].iovaRanges == before.containers[0].iovaRanges)
        }
    }

    /// argsz 0xffffffff on GET_INFO: the dispatcher reads the 16-byte minimum and
    /// writes no more than the header and the chain it reports.
    @Test(arguments: SemanticsProfile.allCases)
    func hugeArgszStaysInsideTheStruct(profile: SemanticsProfile) {
        let h = Harness(profile: profile)
        let (c, _) = h.attachedContainer()
        let address = h.process.buffer(VFIOIOMMUType1Info(argsz: 0xffff_ffff).bytes, size: 4096)
        let readsBefore = h.process.reads.count, writesBefore = h.process.writes.count
        #expect(h.ioctl(c, .iommuGetInfo, address).value == 0)
        let reads = h.process.reads[readsBefore...], writes = h.process.writes[writesBefore...]
        #expect(reads.allSatisfy { $0.0 >= address && $0.0 + UInt64($0.1) <= address + 16 })
        #expect(writes.allSatisfy { $0.0 >= address && $0.0 + UInt64($0.1) <= address + 88 })
        #expect(!writes.isEmpty)
        let header = VFIOIOMMUType1Info(bytes: h.process.peek(address, 24))
        #expect(header.argsz == (profile == .type1 ? 0xffff_ffff : 88))
        #expect(header.capOffset == 24)
    }

    /// Every container request touches at most the struct the uAPI defines for it.
    @Test(arguments: SemanticsProfile.allCases)
    func accessesNeverExceedTheUAPIStructs(profile: SemanticsProfile) {
        let h = Harness(profile: profile)
        let (c, g) = h.attachedContainer()
        let ram = h.process.mmap(0x20_0000)
        let cases: [(UInt64, VFIOIoctl, [UInt8], Int)] = [
            (c, .mapDMA, VFIODMAMap(argsz: 0xffff_ffff, flags: [.read], vaddr: ram, iova: 0, size: 0x1000).bytes, 32),
            (c, .unmapDMA, VFIODMAUnmap(argsz: 0xffff_ffff, flags: [], iova: 0, size: 0x1000).bytes, 24),
            (c, .dirtyPages, [0xff, 0xff, 0xff, 0xff, 4, 0, 0, 0], 8),
            (g, .groupGetStatus, VFIOGroupStatus(argsz: 0xffff_ffff).bytes, 8),
        ]
        for (handle, request, bytes, limit) in cases {
            let address = h.process.buffer(bytes, size: 4096)
            let r0 = h.process.reads.count, w0 = h.process.writes.count
            _ = h.ioctl(handle, request, address)
            for (a, n) in h.process.reads[r0...] + h.process.writes[w0...] {
                #expect(a >= address && a + UInt64(n) <= address + UInt64(limit), "\(request) touched \(n) bytes at +\(a - address)")
            }
        }
    }

    /// A bad pointer is EFAULT and changes nothing, for every pointer request.
    @Test(arguments: SemanticsProfile.allCases)
    func badPointersAreEFAULTWithNothingChanged(profile: SemanticsProfile) {
        let h = Harness(profile: profile)
        let (c, g) = h.attachedContainer()
        let ram = h.process.mmap(0x10000)
        #expect(h.map(c, iova: 0, size: 0x10000, vaddr: ram).value == 0)
        let g8 = h.openGroup(8)
        let before = h.dispatcher.snapshot()
        let bad = h.process.unmappedAddress
        for (handle, request) in [(c, VFIOIoctl.iommuGetInfo), (c, .mapDMA), (c, .unmapDMA), (g, .groupGetStatus),
                                  (g8, .groupSetContainer), (g, .groupGetDeviceFD)] {
            #expect(h.ioctl(handle, request, bad).errno == .badAddress, "\(request)")
        }
        let after = h.dispatcher.snapshot()
        #expect(after.containers.map(\.areas) == before.containers.map(\.areas))
        #expect(after.attachedGroups == before.attachedGroups)
    }
}
