import Testing
@testable import IOPageTable

/// SplitMix64: a tiny deterministic PRNG so every property run is reproducible from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let page: UInt64 = 0x1000
let pid: Int32 = 4242
let processSource = AccountingSource.process(pid: pid)
let unlimited = AccountingCharge(source: processSource)
let readWrite: IOMMUProtection = [.read, .write]

/// The error a throwing call produced, or nil when it succeeded.
/// (Engine calls throw only IOPageTableError; anything else would fail the comparison.)
func error<T>(_ body: () throws -> T) -> IOPageTableError? {
    do {
        _ = try body()
        return nil
    } catch let error as IOPageTableError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func range(_ start: UInt64, _ last: UInt64) -> IOVARange { IOVARange(start: start, last: last) }

/// An x86 VT-d-like domain: 39-bit aperture, MSI window reserved.
func vtdDomain(_ id: UInt32 = 1) -> Domain {
    Domain(id: DomainID(id), aperture: range(0, 0x7F_FFFF_FFFF), pageSizes: 0x4020_1000,
           reservedRegions: [ReservedRegion(range: range(0xFEE0_0000, 0xFEEF_FFFF), kind: .msi)])
}

/// An AMD-Vi-like domain: 64-bit aperture, MSI window and HyperTransport hole reserved.
func amdDomain(_ id: UInt32 = 2) -> Domain {
    Domain(id: DomainID(id), aperture: range(0, .max), pageSizes: 0x4020_1000,
           reservedRegions: [ReservedRegion(range: range(0xFEE0_0000, 0xFEEF_FFFF), kind: .msi),
                             ReservedRegion(range: range(0xFD_0000_0000, 0xFF_FFFF_FFFF), kind: .reserved)])
}
