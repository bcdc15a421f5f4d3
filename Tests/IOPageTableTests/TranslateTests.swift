import Testing
@testable import IOPageTable

@Suite struct TranslateTests {
    @Test func segmentsFollowAreas() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0x10000, length: 0x2000, vaddr: 0x500_0000, pid: 11, protection: readWrite, charge: unlimited)
        try ioas.map(iova: 0x12000, length: 0x1000, vaddr: 0x900_0000, pid: 12, protection: .read, charge: unlimited)
        let segments = try ioas.translate(range(0x10800, 0x127FF), access: .read)
        #expect(segments == [
            TranslationSegment(iova: 0x10800, vaddr: 0x500_0800, length: 0x1800, pid: 11),
            TranslationSegment(iova: 0x12000, vaddr: 0x900_0000, length: 0x800, pid: 12),
        ])
        #expect(try ioas.translate(range(0x10004, 0x10007), access: readWrite)
                == [TranslationSegment(iova: 0x10004, vaddr: 0x500_0004, length: 4, pid: 11)])
    }

    @Test func holesAndPermissions() throws {
        var ioas = IOAS()
        try ioas.map(iova: 0x10000, length: 0x1000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        try ioas.map(iova: 0x12000, length: 0x1000, vaddr: 0, pid: pid, protection: .write, charge: unlimited)
        #expect(error { try ioas.translate(range(0x10000, 0x12FFF), access: .read) } == .notMapped(range(0x11000, 0x11FFF)))
        #expect(error { try ioas.translate(range(0xF000, 0x10FFF), access: .read) } == .notMapped(range(0xF000, 0xFFFF)))
        #expect(error { try ioas.translate(range(0x12000, 0x13000), access: .write) } == .notMapped(range(0x13000, 0x13000)))
        #expect(error { try ioas.translate(range(0x10000, 0x10FFF), access: .write) } == .protectionViolation)
        #expect(error { try ioas.translate(range(0x12000, 0x12FFF), access: .read) } == .protectionViolation)
        #expect(try ioas.translate(range(0x12000, 0x12FFF), access: .write).count == 1)
    }

    @Test func translateAtTopOfSpace() throws {
        var ioas = IOAS()
        try ioas.map(iova: .max - 0xFFF, length: page, vaddr: 0x1000, pid: pid, protection: .read, charge: unlimited)
        #expect(try ioas.translate(range(.max, .max), access: .read)
                == [TranslationSegment(iova: .max, vaddr: 0x1FFF, length: 1, pid: pid)])
    }

    @Test func areasOverlappingQuery() throws {
        var ioas = IOAS()
        for i in 0..<10 as Range<UInt64> {
            try ioas.map(iova: i * 0x4000, length: 0x2000, vaddr: 0, pid: pid, protection: .read, charge: unlimited)
        }
        #expect(ioas.areas(overlapping: range(0x5000, 0xC000)).map(\.range.start) == [0x4000, 0x8000, 0xC000])
        #expect(ioas.areas(overlapping: range(0x2000, 0x3FFF)).isEmpty)
        #expect(ioas.areas(overlapping: range(0, .max)).count == 10)
    }
}
