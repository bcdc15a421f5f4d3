import IOPageTable
import Testing
@testable import VFIOCompat

/// The cold-plug sequence QEMU 7.2 sends (reference/vmm-clients.md), in process.
@Suite struct QEMUSequenceTests {
    @Test(arguments: SemanticsProfile.allCases)
    func fullColdPlugSequence(profile: SemanticsProfile) throws {
        let h = Harness(profile: profile)
        let g = h.openGroup(7)
        // GET_STATUS {argsz=8}: VIABLE only.
        let (st, statusBytes) = h.ioctl(g, .groupGetStatus, buffer: VFIOGroupStatus(argsz: 8).bytes)
        #expect(st.value == 0)
        #expect(VFIOGroupStatus(bytes: statusBytes) == VFIOGroupStatus(argsz: 8, flags: .viable))
        let c = h.openContainer()
        #expect(h.ioctl(c, .getAPIVersion).value == 0)
        #expect(h.ioctl(c, .checkExtension, UInt64(VFIOExtension.type1v2.rawValue)).value == 1)
        #expect(h.setContainer(g, c).value == 0)
        #expect(h.records.last?.iommufd.map(\.op) == ["IOMMU_IOAS_ALLOC", "IOMMU_VFIO_IOAS", "VFIO_DEVICE_BIND_IOMMUFD"]
                + (profile == .iommufd ? ["VFIO_DEVICE_ATTACH_IOMMUFD_PT"] : []))
        #expect(h.ioctl(c, .setIOMMU, UInt64(VFIOExtension.type1v2.rawValue)).value == 0)
        #expect(h.records.last?.rows.contains("C-04") == true)

        // GET_INFO {argsz=24}: success, argsz raised to what the caps need, no caps copied.
        let (r1, info1Bytes) = h.ioctl(c, .iommuGetInfo, buffer: VFIOIOMMUType1Info(argsz: 24).bytes)
        #expect(r1.value == 0)
        let info1 = VFIOIOMMUType1Info(bytes: info1Bytes)
        // DMA_AVAIL (12 → 16 padded) + IOVA_RANGE with two ranges (16 + 32) after the 24-byte header.
        #expect(info1.argsz == 24 + 16 + 48)
        #expect(info1.flags == [.pgsizes, .caps])
        #expect(info1.iovaPgsizes == 0x4020_1000)
        #expect(info1.capOffset == 0)

        // Second call with the grown argsz: caps at 24, DMA_AVAIL then IOVA_RANGE.
        let (r2, info2Bytes) = h.ioctl(c, .iommuGetInfo, buffer: VFIOIOMMUType1Info(argsz: info1.argsz).bytes,
                                       size: Int(info1.argsz))
        #expect(r2.value == 0)
        let info2 = VFIOIOMMUType1Info(bytes: Array(info2Bytes.prefix(24)))
        #expect(info2.argsz == info1.argsz)
        #expect(info2.capOffset == 24)
        let avail = VFIOInfoCapHeader(bytes: Array(info2Bytes[24..<32]))
        #expect(avail.id == VFIODMAAvailCap.capabilityID && avail.version == 1 && avail.next == 40)
        let availValue = RawBytes(Array(info2Bytes[32..<36])).u32(at: 0)
        #expect(availValue == (profile == .type1 ? 65535 : UInt32.max))
        let iova = VFIOIOVARangeCap(bytes: Array(info2Bytes[40...]))
        #expect(iova.next == 0)
        #expect(iova.ranges == [VFIOIOVARange(start: 0, end: 0xfedf_ffff),
                                VFIOIOVARange(start: 0xfef0_0000, end: (1 << 48) - 1)])

        // MAP guest RAM read-write and the BIOS read-only.
        let ram = h.process.mmap(0x2000_0000)
        let bios = h.process.mmap(0x40000)
        #expect(h.map(c, iova: 0, size: 0x2000_0000, vaddr: ram).value == 0)
        let mapRecord = try #require(h.records.last)
        #expect(mapRecord.iommufd == [IommufdOp(op: "IOMMU_IOAS_MAP", args: [
            "flags": .string("FIXED_IOVA|READABLE|WRITEABLE"), "iova": .uint(0), "length": .uint(0x2000_0000), "user_va": .uint(ram)])])
        #expect(mapRecord.rows.contains("M-01"))
        #expect(h.map(c, iova: 0xfffc_0000, size: 0x40000, vaddr: bios, flags: .read).value == 0)
        #expect(h.records.last?.rows.contains("M-02") == true)

        // GET_DEVICE_FD cannot be served: EOPNOTSUPP, logged against G-08.
        let name = h.process.buffer(Array("0000:00:01.0".utf8) + [0])
        #expect(h.ioctl(g, .groupGetDeviceFD, name).errno == .notSupported)
        #expect(h.records.last?.unsupported?.row == "G-08")

        // UNMAP each mapping in map order, exact pairs: size written back.
        let (u1, out1) = h.unmap(c, iova: 0, size: 0x2000_0000)
        #expect(u1.value == 0 && out1.size == 0x2000_0000)
        let (u2, out2) = h.unmap(c, iova: 0xfffc_0000, size: 0x40000)
        #expect(u2.value == 0 && out2.size == 0x40000)

        #expect(h.ioctl(g, .groupUnsetContainer).value == 0)
        h.dispatcher.release(handle: c)
        h.dispatcher.release(handle: g)
        let snap = h.dispatcher.snapshot()
        #expect(snap.containers.isEmpty)
        #expect(snap.openHandles == 0)
        #expect(snap.attachedGroups.isEmpty)
    }

    /// After a failed MAP QEMU closes the container without UNSET, then the group:
    /// the group's release is an implicit detach and nothing is left.
    @Test(arguments: SemanticsProfile.allCases)
    func closeWithoutUnsetLeavesNothing(profile: SemanticsProfile) {
        let h = Harness(profile: profile)
        let (c, g) = h.attachedContainer()
        let ram = h.process.mmap(0x10000)
        #expect(h.map(c, iova: 0x10000, size: 0x10000, vaddr: ram).value == 0)
        h.dispatcher.release(handle: c)
        // The container lives on while its group holds it.
        #expect(h.dispatcher.snapshot().containers.first?.areas.count == 1)
        h.dispatcher.release(handle: g)
        let snap = h.dispatcher.snapshot()
        #expect(snap.containers.isEmpty && snap.openHandles == 0 && snap.attachedGroups.isEmpty)
    }

    /// `-machine pc`: five maps, one host range mapped at two IOVAs.
    @Test func samePagesAtTwoIOVAs() {
        let h = Harness()
        let (c, _) = h.attachedContainer()
        let ram = h.process.mmap(0x2000_0000)
        let bios = h.process.mmap(0x40000)
        #expect(h.map(c, iova: 0, size: 0xc0000, vaddr: ram).value == 0)
        #expect(h.map(c, iova: 0xc0000, size: 0x20000, vaddr: ram + 0xc0000, flags: .read).value == 0)
        #expect(h.map(c, iova: 0xe0000, size: 0x20000, vaddr: bios + 0x20000, flags: .read).value == 0)
        #expect(h.map(c, iova: 0x100000, size: 0x1ff0_0000, vaddr: ram + 0x100000).value == 0)
        #expect(h.map(c, iova: 0xfffc_0000, size: 0x40000, vaddr: bios, flags: .read).value == 0)
        let snap = h.dispatcher.snapshot()
        #expect(snap.containers[0].areas.count == 5)
        // type1 charges each vfio_dma: the BIOS alias is charged twice.
        #expect(snap.containers[0].charged == 0xc0000 + 0x20000 + 0x20000 + 0x1ff0_0000 + 0x40000)
    }
}
