import Testing
@testable import VFIOCompat

/// Byte-exact capability chains (kernel-semantics §1.4, §3.2, §9).
@Suite struct CapabilityChainTests {
    static let ranges: [VFIOIOVARange] = [.init(start: 0, end: 0xfedf_ffff), .init(start: 0xfef0_0000, end: (1 << 48) - 1)]

    /// type1 order: MIGRATION, DMA_AVAIL, IOVA_RANGE.
    static func type1Chain() -> CapabilityChainBuilder {
        CapabilityChainBuilder([
            VFIOMigrationCap(pgsizeBitmap: 0x1000, maxDirtyBitmapSize: 1 << 28),
            VFIODMAAvailCap(avail: 65534),
            VFIOIOVARangeCap(ranges: ranges),
        ])
    }

    static func request(argsz: UInt32) -> VFIOIOMMUType1Info {
        VFIOIOMMUType1Info(argsz: argsz, flags: [.pgsizes], iovaPgsizes: 0x4020_1000)
    }

    @Test func paddedOffsetsMatchUpstream() {
        // Upstream ≥ 6.6 with two IOVA ranges: caps at 24 → 56 → 72, argsz 120.
        let chain = Self.type1Chain()
        #expect(chain.offsets == [24, 56, 72])
        #expect(chain.requiredSize == 120)
    }

    @Test func type1FullBufferGetsEveryCapAt24() {
        let chain = Self.type1Chain()
        let reply = chain.reply(to: Self.request(argsz: 120), flavour: .type1)
        #expect(reply.info.argsz == 120)
        #expect(reply.info.capOffset == 24)
        #expect(reply.info.flags == [.pgsizes, .caps])
        let buffer = reply.applied(to: [UInt8](repeating: 0xAA, count: 120))
        var expected = VFIOIOMMUType1Info(argsz: 120, flags: [.pgsizes, .caps], iovaPgsizes: 0x4020_1000, capOffset: 24).bytes
        expected += VFIOMigrationCap(pgsizeBitmap: 0x1000, maxDirtyBitmapSize: 1 << 28, next: 56).bytes
        expected += VFIODMAAvailCap(avail: 65534, next: 72).bytes + [0, 0, 0, 0] // padded to 16
        expected += VFIOIOVARangeCap(ranges: Self.ranges, next: 0).bytes
        #expect(buffer == expected)
        // Header written last, 24 bytes.
        #expect(reply.writes.last == VFIOUserWrite(offset: 0, bytes: Array(expected.prefix(24))))
    }

    @Test func type1ShortBufferOnlyGrowsArgsz() {
        let reply = Self.type1Chain().reply(to: Self.request(argsz: 24), flavour: .type1)
        #expect(reply.info.argsz == 120)
        #expect(reply.info.capOffset == 0)
        #expect(reply.info.flags == [.pgsizes, .caps])
        #expect(reply.writes == [VFIOUserWrite(offset: 0, bytes: reply.info.bytes)])
        let short = Self.type1Chain().reply(to: Self.request(argsz: 16), flavour: .type1)
        #expect(short.writes == [VFIOUserWrite(offset: 0, bytes: Array(short.info.bytes.prefix(16)))])
        #expect(short.info.argsz == 120)
    }

    @Test func type1LargerBufferKeepsCallerArgsz() {
        let reply = Self.type1Chain().reply(to: Self.request(argsz: 4096), flavour: .type1)
        #expect(reply.info.argsz == 4096)
        #expect(reply.info.capOffset == 24)
    }

    @Test func type1WithoutCapsLeavesCapsFlagClear() {
        let reply = CapabilityChainBuilder().reply(to: Self.request(argsz: 24), flavour: .type1)
        #expect(reply.info.flags == [.pgsizes])
        #expect(reply.info.argsz == 24)
    }

    /// compat order: DMA_AVAIL (U32_MAX), IOVA_RANGE; argsz always overwritten.
    static func compatChain() -> CapabilityChainBuilder {
        CapabilityChainBuilder([VFIODMAAvailCap(avail: .max), VFIOIOVARangeCap(ranges: ranges)])
    }

    @Test func compatFullBuffer() {
        let chain = Self.compatChain()
        #expect(chain.offsets == [24, 40])
        #expect(chain.requiredSize == 88)
        let reply = chain.reply(to: Self.request(argsz: 200), flavour: .iommufdCompat)
        #expect(reply.info.argsz == 88) // overwritten even though the caller's buffer was larger
        #expect(reply.info.capOffset == 24)
        let buffer = reply.applied(to: [UInt8](repeating: 0xAA, count: 88))
        var expected = VFIOIOMMUType1Info(argsz: 88, flags: [.pgsizes, .caps], iovaPgsizes: 0x4020_1000, capOffset: 24).bytes
        expected += VFIODMAAvailCap(avail: .max, next: 40).bytes + [0xAA, 0xAA, 0xAA, 0xAA] // padding not written
        expected += VFIOIOVARangeCap(ranges: Self.ranges).bytes
        #expect(buffer == expected)
    }

    @Test func compatPartialBufferWritesCapsThatFit() {
        // Room for DMA_AVAIL (12 bytes at 24) but not for IOVA_RANGE at 40; next of DMA_AVAIL
        // is set only when argsz reaches 40.
        let reply = Self.compatChain().reply(to: Self.request(argsz: 40), flavour: .iommufdCompat)
        #expect(reply.info.argsz == 88)
        #expect(reply.info.capOffset == 0)
        #expect(reply.writes.count == 2)
        #expect(reply.writes[0] == VFIOUserWrite(offset: 24, bytes: VFIODMAAvailCap(avail: .max, next: 40).bytes))
        let tight = Self.compatChain().reply(to: Self.request(argsz: 36), flavour: .iommufdCompat)
        #expect(tight.writes[0] == VFIOUserWrite(offset: 24, bytes: VFIODMAAvailCap(avail: .max, next: 0).bytes))
        let none = Self.compatChain().reply(to: Self.request(argsz: 30), flavour: .iommufdCompat)
        #expect(none.writes == [VFIOUserWrite(offset: 0, bytes: none.info.bytes)])
        let minimum = Self.compatChain().reply(to: Self.request(argsz: 16), flavour: .iommufdCompat)
        #expect(minimum.writes == [VFIOUserWrite(offset: 0, bytes: Array(minimum.info.bytes.prefix(16)))])
        #expect(minimum.info.flags == [.pgsizes, .caps])
    }
}
