import Testing
@testable import IOPageTable

@Suite struct IOVARangeTests {
    @Test func checkedRejectsZeroLengthAndWrap() {
        #expect(error { try IOVARange.checked(start: 0x1000, length: 0) } == .zeroLength)
        #expect(error { try IOVARange.checked(start: .max, length: 2) } == .overflow)
        #expect(error { try IOVARange.checked(start: 0x1000, length: .max) } == .overflow)
    }

    @Test func checkedAcceptsRangeEndingAtTopOfSpace() throws {
        let top = try IOVARange.checked(start: .max - 0xFFF, length: 0x1000)
        #expect(top.start == UInt64.max - 0xFFF)
        #expect(top.last == .max)
        #expect(top.length == 0x1000)
        let everythingButZero = try IOVARange.checked(start: 1, length: .max)
        #expect(everythingButZero.last == .max)
        #expect(everythingButZero.length == .max)
    }

    @Test func wholeSpaceHasNoLength() {
        let all = range(0, .max)
        #expect(all.lengthMinusOne == .max)
        #expect(all.length == nil)
        #expect(range(5, 5).length == 1)
    }

    @Test func containmentAndOverlapUseInclusiveEnds() {
        let r = range(0x1000, 0x1FFF)
        #expect(r.contains(0x1000) && r.contains(0x1FFF))
        #expect(!r.contains(0xFFF) && !r.contains(0x2000))
        #expect(r.contains(range(0x1000, 0x1FFF)))
        #expect(!r.contains(range(0x1000, 0x2000)))
        #expect(r.overlaps(range(0x1FFF, 0x5000)))
        #expect(r.overlaps(range(0, 0x1000)))
        #expect(!r.overlaps(range(0x2000, 0x3000)))
        #expect(!r.overlaps(range(0, 0xFFF)))
        #expect(r.description == "[0x1000, 0x1fff]")
    }
}
