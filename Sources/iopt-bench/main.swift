// iopt-bench: map+unmap throughput of the IOPageTable engine at several live-mapping counts (pairs at
// random free slots, then at each free slot in IOVA order), bytes of heap per live mapping, and the cost
// of a 1 TiB map against a 4 KiB one.
// Run with `swift run -c release iopt-bench` (add `--quick` for a smaller run, `--runs N` for the number of
// timed runs per figure, whose median is reported: the machine is shared, so single runs are noisy;
// `--sizes N,M` to time only those counts; `--rates-only` for one line per size, to alternate two builds).
import Glibc  // /proc/self/statm and the thread CPU clock only: the engine itself never touches libc
import IOPageTable

/// SplitMix64, so every run times the same slot sequence.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let quick = CommandLine.arguments.contains("--quick")
let page: UInt64 = 4096
let charge = AccountingCharge(source: .process(pid: 1))
/// `--sizes 1000,1000000` times only those live-mapping counts (for profiling one of them).
let sizes: [Int] = {
    let arguments = CommandLine.arguments
    if let flag = arguments.firstIndex(of: "--sizes"), flag + 1 < arguments.count {
        let chosen = arguments[flag + 1].split(separator: ",").compactMap { Int($0) }
        if !chosen.isEmpty { return chosen }
    }
    return quick ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000]
}()
let pairs = quick ? 200_000 : 2_000_000
let runs: Int = {
    let arguments = CommandLine.arguments
    guard let flag = arguments.firstIndex(of: "--runs"), flag + 1 < arguments.count,
          let value = Int(arguments[flag + 1]), value > 0 else { return quick ? 3 : 5 }
    return value
}()

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Resident set size in bytes, from /proc/self/statm (mallinfo2 is not exported by Swift's Glibc module).
func residentBytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    precondition(fd >= 0, "cannot open /proc/self/statm")
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 255) }
    precondition(count > 0, "cannot read /proc/self/statm")
    let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
    return Int(fields[1])! * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// CPU time of this thread: the machine is shared with other builders, and wall time would count their turns.
func threadSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Thread CPU seconds spent in `body`.
func measure(_ body: () -> Void) -> Double {
    let start = threadSeconds()
    body()
    return threadSeconds() - start
}

/// Live mappings sit at even 4 KiB slots; timed pairs map and unmap random odd (free) slots.
func fill(_ count: Int) -> IOAS {
    var ioas = IOAS(entryLimit: nil)
    for slot in 0..<UInt64(count) {
        try! ioas.map(iova: slot * 2 * page, length: page, vaddr: slot * page, pid: 1, protection: [.read, .write], charge: charge)
    }
    return ioas
}

/// Median pairs/s over `runs` timed runs on one filled IOAS (each run leaves it as it found it). One untimed
/// pass over the same pairs comes first: a sequential fill leaves every leaf full, and the first pairs
/// reshape the tree (splits, shifts) into the state every later pass sees; the figure is that steady state.
/// Pairs go to random free slots, or with `inOrder` to each free slot in IOVA order (every pair next to
/// the previous one, so the path it walks is already cached: the tree's own cost without the memory's).
func pairsPerSecond(live: Int, inOrder: Bool = false) -> (median: Double, low: Double, high: Double) {
    var ioas = fill(live)
    var rng = SplitMix64(state: UInt64(live))
    let slots = (0..<pairs).map { pair in
        (inOrder ? UInt64(pair % live) : UInt64.random(in: 0..<UInt64(live), using: &rng)) * 2 * page + page
    }
    var rates: [Double] = []
    for run in 0...runs {
        let elapsed = measure {
            for iova in slots {
                try! ioas.map(iova: iova, length: page, vaddr: iova, pid: 1, protection: [.read, .write], charge: charge)
                try! ioas.unmap(IOVARange(start: iova, last: iova + page - 1))
            }
        }
        precondition(ioas.areaCount == live)
        if run > 0 { rates.append(Double(pairs) / elapsed) }
    }
    return (median(rates), rates.min()!, rates.max()!)
}

func bytesPerMapping(live: Int) -> Double {
    let before = residentBytes()
    let ioas = fill(live)
    let after = residentBytes()
    precondition(ioas.areaCount == live)
    return Double(after - before) / Double(live)
}

/// Median ns per map+unmap of one `length`-byte area next to 1k live ones.
func nanosecondsPerPair(length: UInt64, repetitions: Int) -> Double {
    var ioas = fill(1_000)
    let iova: UInt64 = 1 << 44
    let times = (0..<runs).map { _ in
        measure {
            for _ in 0..<repetitions {
                try! ioas.map(iova: iova, length: length, vaddr: 1 << 46, pid: 1, protection: [.read], charge: charge)
                try! ioas.unmap(IOVARange(start: iova, last: iova + length - 1))
            }
        }
    }
    return median(times) * 1e9 / Double(repetitions)
}

if CommandLine.arguments.contains("--rates-only") {
    // One line per size, for A/B comparisons that alternate two builds many times.
    for live in sizes {
        let (rate, low, high) = pairsPerSecond(live: live)
        print("rate live=\(live) median=\(Int(rate)) min=\(Int(low)) max=\(Int(high))")
    }
    exit(0)
}
let largest = sizes.last!
let bytes = bytesPerMapping(live: largest)  // first, while the heap holds nothing to reuse
var spreads: [(live: Int, low: Double, high: Double)] = []
var rates: [(Int, Double)] = []
for live in sizes {
    let (rate, low, high) = pairsPerSecond(live: live)
    rates.append((live, rate))
    spreads.append((live, low, high))
}
let inOrderRates = [sizes[0], largest].map { pairsPerSecond(live: $0, inOrder: true).median }
let inOrderRatio = inOrderRates[1] / inOrderRates[0]
let repetitions = quick ? 100_000 : 1_000_000
let smallNs = nanosecondsPerPair(length: page, repetitions: repetitions)
let tebiNs = nanosecondsPerPair(length: 1 << 40, repetitions: repetitions)
let ratio = rates.last!.1 / rates.first!.1

func label(_ n: Int) -> String { n >= 1_000_000 ? "\(n / 1_000_000)M" : "\(n / 1_000)k" }
func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    let rounded = (value * scale).rounded() / scale
    return digits == 0 ? String(Int(rounded)) : String(rounded)
}
func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

print("iopt-bench\(quick ? " (quick)" : ""): \(pairs) map+unmap pairs per size, 4 KiB mappings, thread CPU time,")
print("one untimed pass, then the median of \(runs) timed runs (min..max in pairs/s)")
print("")
print("  live mappings   pairs/s       ns/pair   spread")
for ((live, rate), spread) in zip(rates, spreads) {
    print("  \(pad(label(live), 13))   \(pad(fixed(rate, 0), 10))   \(pad(fixed(1e9 / rate, 1), 8))   \(fixed(spread.low, 0))..\(fixed(spread.high, 0))")
}
print("")
print("  rate \(label(largest)) / \(label(sizes[0]))          \(fixed(ratio, 3))")
print("")
print("  the same pairs at each free slot in IOVA order (each next to the last, its path")
print("  already cached: the tree's own scaling, without the memory latency above)")
print("  \(pad(label(sizes[0]), 13))   \(pad(fixed(inOrderRates[0], 0), 10))   \(pad(fixed(1e9 / inOrderRates[0], 1), 8))")
print("  \(pad(label(largest), 13))   \(pad(fixed(inOrderRates[1], 0), 10))   \(pad(fixed(1e9 / inOrderRates[1], 1), 8))")
print("  rate \(label(largest)) / \(label(sizes[0])) in order \(fixed(inOrderRatio, 3))")
print("")
print("  RSS bytes per live mapping  at \(label(largest))   \(fixed(bytes, 1))")
print("  map+unmap 4 KiB               \(fixed(smallNs, 1)) ns")
print("  map+unmap 1 TiB               \(fixed(tebiNs, 1)) ns")
print("")
for (live, rate) in rates { print("metric pairs_per_second_\(label(live))=\(fixed(rate, 0))") }
print("metric rate_ratio_\(label(largest))_over_\(label(sizes[0]))=\(fixed(ratio, 3))")
print("metric rate_ratio_in_order_\(label(largest))_over_\(label(sizes[0]))=\(fixed(inOrderRatio, 3))")
print("metric bytes_per_mapping_\(label(largest))=\(fixed(bytes, 1))")
print("metric map_unmap_4KiB_ns=\(fixed(smallNs, 1))")
print("metric map_unmap_1TiB_ns=\(fixed(tebiNs, 1))")
