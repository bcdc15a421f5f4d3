import CVFIO
import Testing
@testable import VFIOCompat

@Suite struct UAPICodecTests {
    @Test func groupStatusRoundTrip() {
        let status = VFIOGroupStatus(argsz: 8, flags: [.viable, .containerSet])
        #expect(status.bytes == [8, 0, 0, 0, 3, 0, 0, 0])
        #expect(VFIOGroupStatus(bytes: status.bytes) == status)
    }

    @Test func dmaMapRoundTrip() {
        let map = VFIODMAMap(argsz: 32, flags: [.read], vaddr: 0x7f00_0000_0000, iova: .max - 0xfff, size: 0x1000)
        #expect(map.bytes.count == 32)
        #expect(VFIODMAMap(bytes: map.bytes) == map)
    }

    @Test func dmaUnmapRoundTripAndBitmapTail() {
        let unmap = VFIODMAUnmap(argsz: 48, flags: [.getDirtyBitmap], iova: 0x10_0000, size: 0x20_0000)
        let bitmap = VFIOBitmap(pgsize: 4096, size: 64, data: 0x5555_0000)
        let bytes = unmap.bytes + bitmap.bytes
        #expect(bytes.count == VFIODMAUnmap.minimumSizeWithBitmap)
        #expect(VFIODMAUnmap(bytes: bytes) == unmap)
        #expect(VFIOBitmap(bytes: Array(bytes[VFIODMAUnmap.Layout.data...])) == bitmap)
    }

    @Test func shortInputReadsZeroes() {
        // Like a kernel struct zeroed before a minsz copy: only the present bytes are read.
        let map = VFIODMAMap(bytes: [32, 0, 0, 0, 3, 0, 0, 0, 0x00, 0x10])
        #expect(map.argsz == 32)
        #expect(map.flags == [.read, .write])
        #expect(map.vaddr == 0x1000)
        #expect(map.iova == 0 && map.size == 0)
    }

    @Test func infoRoundTrip() {
        let info = VFIOIOMMUType1Info(argsz: 16, flags: [.pgsizes], iovaPgsizes: 0x4020_1000, capOffset: 0)
        #expect(VFIOIOMMUType1Info(bytes: info.bytes) == info)
        #expect(VFIOIOMMUType1Info(bytes: Array(info.bytes.prefix(16))) == info)
    }

    @Test func dirtyBitmapRoundTrip() {
        let dirty = VFIODirtyBitmap(argsz: 48, flags: [.getBitmap])
        let get = VFIODirtyBitmapGet(iova: 0x1000, size: 0x8000, bitmap: VFIOBitmap(pgsize: 4096, size: 8, data: 0xdead_0000))
        let bytes = dirty.bytes + get.bytes
        #expect(bytes.count == 48)
        #expect(VFIODirtyBitmap(bytes: bytes) == dirty)
        #expect(VFIODirtyBitmapGet(bytes: Array(bytes[VFIODirtyBitmap.Layout.data...])) == get)
    }

    @Test func capsRoundTrip() {
        let iova = VFIOIOVARangeCap(ranges: [.init(start: 0, end: 0xfedf_ffff), .init(start: 0xfef0_0000, end: (1 << 48) - 1)], next: 0)
        #expect(iova.bytes.count == 16 + 32)
        #expect(VFIOIOVARangeCap(bytes: iova.bytes) == iova)
        let avail = VFIODMAAvailCap(avail: 65535, next: 72)
        #expect(avail.bytes.count == 12)
        #expect(VFIODMAAvailCap(bytes: avail.bytes) == avail)
        let mig = VFIOMigrationCap(pgsizeBitmap: 4096, maxDirtyBitmapSize: 1 << 28)
        #expect(VFIOMigrationCap(bytes: mig.bytes) == mig)
        #expect(VFIOInfoCapHeader(bytes: mig.bytes) == VFIOInfoCapHeader(id: cvfio_cap_migration, version: 1, next: 0))
    }

    @Test func flagConstantsComeFromTheHeader() {
        #expect(VFIOMapFlags.read.rawValue == 1 << 0 && VFIOMapFlags.write.rawValue == 1 << 1 && VFIOMapFlags.vaddr.rawValue == 1 << 2)
        #expect(VFIOUnmapFlags.getDirtyBitmap.rawValue == 1 && VFIOUnmapFlags.all.rawValue == 2 && VFIOUnmapFlags.vaddr.rawValue == 4)
        #expect(VFIODirtyFlags.known.rawValue == 7)
        #expect(VFIOGroupStatusFlags.all.rawValue == 3)
        #expect(VFIOInfoFlags.caps.rawValue == 2)
    }
}

@Suite struct VFIOIoctlTests {
    @Test func numbersAreIOOfSemicolon() {
        // _IO(';', 100 + n): type byte 0x3B in bits 8..15, no size, no direction.
        #expect(VFIOIoctl.getAPIVersion.request == 0x3B64)
        #expect(VFIOIoctl.groupGetDeviceFD.request == 0x3B6A)
        #expect(VFIOIoctl.eehPEOp.request == 0x3B79)
        #expect(VFIOIoctl.apiVersion == 0)
    }

    @Test(arguments: VFIOIoctl.allCases)
    func everyRequestDecodesBackUnderItsContainerType(_ ioctl: VFIOIoctl) {
        let type: VFIOExtension? = (ioctl == .spaprTCEGetInfo || ioctl == .spaprRegisterMemory) ? .spaprTCEv2 : .type1v2
        #expect(VFIOIoctl(request: ioctl.request, containerType: type) == ioctl)
    }

    @Test func sharedNumbersFollowTheContainerType() {
        let info = cvfio_iommu_get_info, dirty = cvfio_iommu_dirty_pages
        #expect(info == 0x3B70 && dirty == 0x3B75)
        #expect(VFIOIoctl(request: info, containerType: nil) == .iommuGetInfo)
        #expect(VFIOIoctl(request: info, containerType: .type1) == .iommuGetInfo)
        #expect(VFIOIoctl(request: info, containerType: .type1v2) == .iommuGetInfo)
        #expect(VFIOIoctl(request: info, containerType: .spaprTCE) == .spaprTCEGetInfo)
        #expect(VFIOIoctl(request: info, containerType: .spaprTCEv2) == .spaprTCEGetInfo)
        #expect(VFIOIoctl(request: dirty, containerType: nil) == .dirtyPages)
        #expect(VFIOIoctl(request: dirty, containerType: .type1Nesting) == .dirtyPages)
        #expect(VFIOIoctl(request: dirty, containerType: .spaprTCE) == .spaprRegisterMemory)
        #expect(VFIOIoctl(request: dirty, containerType: .spaprTCEv2) == .spaprRegisterMemory)
    }

    @Test func unknownNumbersDecodeToNil() {
        #expect(VFIOIoctl(request: 0x3B6B, containerType: .type1v2) == nil) // 107: a device ioctl
        #expect(VFIOIoctl(request: 0x3B80, containerType: nil) == nil)       // iommufd's base
        #expect(VFIOIoctl(request: 0, containerType: nil) == nil)
    }

    @Test func extensionsHaveHeaderValuesAndNames() {
        #expect(VFIOExtension.allCases.map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100_001, 30])
        #expect(VFIOExtension(rawValue: 3) == .type1v2)
        #expect(VFIOExtension(rawValue: 11) == nil)
        #expect(VFIOExtension.type1v2.description == "VFIO_TYPE1v2_IOMMU(3)")
        #expect(VFIOExtension.allCases.filter(\.isSPAPR) == [.spaprTCE, .spaprTCEv2])
        #expect(VFIOExtension.allCases.filter(\.isVendor) == [.type1ChromeOS, .pkvmPVIOMMU])
    }
}
