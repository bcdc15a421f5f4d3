// iopt-bench: map+unmap throughput of the IOPageTable engine at several live-mapping counts (pairs at
// random free slots, then at each free slot in IOVA order), bytes of heap per live mapping, and the cost
// of a 1 TiB map against a 4 KiB one.
// Run with `swift run -c release iopt-bench` (add `--quick` for a smaller run, `--runs N` for the number of
// rounds, each timing every size side by side, whose medians are reported: the machine is shared, so single
// runs are noisy; `--sizes N,M` to time only those counts; `--rates-only` for one line per size and one for
// the ratio, to alternate two builds).
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

/// One filled IOAS and the free slots its timed pairs go to.
struct Workload {
    let live: Int
    var ioas: IOAS
    let slots: [UInt64]

    /// Pairs go to random free slots, or with `inOrder` to each free slot in IOVA order (every pair next to
    /// the previous one, so the path it walks is already cached: the tree's own cost without the memory's).
    /// One untimed pass over the pairs follows the fill: a sequential fill leaves every leaf full, and the
    /// first pairs reshape the tree (splits, shifts) into the state every later pass sees; the figures are
    /// that steady state.
    init(live: Int, inOrder: Bool) {
        self.live = live
        ioas = fill(live)
        var rng = SplitMix64(state: UInt64(live))
        slots = (0..<pairs).map { pair in
            (inOrder ? UInt64(pair % live) : UInt64.random(in: 0..<UInt64(live), using: &rng)) * 2 * page + page
        }
        _ = pass(slots[...])
    }

    /// Thread CPU seconds of one map+unmap pair per slot (the IOAS ends as it began).
    mutating func pass(_ chosen: ArraySlice<UInt64>) -> Double {
        let elapsed = measure {
            for iova in chosen {
                try! ioas.map(iova: iova, length: page, vaddr: iova, pid: 1, protection: [.read, .write], charge: charge)
                try! ioas.unmap(IOVARange(start: iova, last: iova + page - 1))
            }
        }
        precondition(ioas.areaCount == live)
        return elapsed
    }
}

/// Pairs/s of every size, `runs` rounds of them: each round times every size once, one right after the
/// other (each after a short untimed pass that brings its tree back into the caches the other sizes used),
/// so a drift in the machine's speed reaches the sizes of a round alike and a ratio is taken within a round.
func sideBySide(_ sizes: [Int], inOrder: Bool = false) -> [[Double]] {
    var workloads = sizes.map { Workload(live: $0, inOrder: inOrder) }
    return (0..<runs).map { _ in
        workloads.indices.map { index in
            _ = workloads[index].pass(workloads[index].slots.prefix(pairs / 10))
            return Double(pairs) / workloads[index].pass(workloads[index].slots[...])
        }
    }
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

/// Median, min and max of column `index` of `rounds`.
func spread(_ rounds: [[Double]], _ index: Int) -> (median: Double, low: Double, high: Double) {
    let column = rounds.map { $0[index] }
    return (median(column), column.min()!, column.max()!)
}
/// The largest size's rate over the smallest one's, taken within each round.
func ratios(_ rounds: [[Double]]) -> (median: Double, low: Double, high: Double) {
    spread(rounds.map { [$0.last! / $0.first!] }, 0)
}

if CommandLine.arguments.contains("--rates-only") {
    // One line per size and one for the ratio, for A/B comparisons that alternate two builds many times.
    let rounds = sideBySide(sizes)
    for (index, live) in sizes.enumerated() {
        let (rate, low, high) = spread(rounds, index)
        print("rate live=\(live) median=\(Int(rate)) min=\(Int(low)) max=\(Int(high))")
    }
    let (ratio, low, high) = ratios(rounds)
    print("ratio median=\(ratio) min=\(low) max=\(high)")
    exit(0)
}
let largest = sizes.last!
let bytes = bytesPerMapping(live: largest)  // first, while the heap holds nothing to reuse
let rounds = sideBySide(sizes)
let ratio = ratios(rounds)
let inOrderRounds = sideBySide([sizes[0], largest], inOrder: true)
let inOrderRatio = ratios(inOrderRounds)
let repetitions = quick ? 100_000 : 1_000_000
let smallNs = nanosecondsPerPair(length: page, repetitions: repetitions)
let tebiNs = nanosecondsPerPair(length: 1 << 40, repetitions: repetitions)

func label(_ n: Int) -> String { n >= 1_000_000 ? "\(n / 1_000_000)M" : "\(n / 1_000)k" }
func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
    let rounded = (value * scale).rounded() / scale
    return digits == 0 ? String(Int(rounded)) : String(rounded)
}
func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

print("iopt-bench\(quick ? " (quick)" : ""): \(pairs) map+unmap pairs per size, 4 KiB mappings, thread CPU time;")
print("\(runs) rounds, each timing every size once, side by side; medians over the rounds (min..max)")
print("")
print("  live mappings   pairs/s       ns/pair   spread")
for (index, live) in sizes.enumerated() {
    let (rate, low, high) = spread(rounds, index)
    print("  \(pad(label(live), 13))   \(pad(fixed(rate, 0), 10))   \(pad(fixed(1e9 / rate, 1), 8))   \(fixed(low, 0))..\(fixed(high, 0))")
}
print("")
print("  rate \(label(largest)) / \(label(sizes[0])), within each round   \(fixed(ratio.median, 3))   \(fixed(ratio.low, 3))..\(fixed(ratio.high, 3))")
print("")
print("  the same pairs at each free slot in IOVA order (each next to the last, its path")
print("  already cached: the tree's own scaling, without the memory latency above)")
for (index, live) in [sizes[0], largest].enumerated() {
    let rate = spread(inOrderRounds, index).median
    print("  \(pad(label(live), 13))   \(pad(fixed(rate, 0), 10))   \(pad(fixed(1e9 / rate, 1), 8))")
}
print("  rate \(label(largest)) / \(label(sizes[0])) in order          \(fixed(inOrderRatio.median, 3))   \(fixed(inOrderRatio.low, 3))..\(fixed(inOrderRatio.high, 3))")
print("")
print("  RSS bytes per live mapping  at \(label(largest))   \(fixed(bytes, 1))")
print("  map+unmap 4 KiB               \(fixed(smallNs, 1)) ns")
print("  map+unmap 1 TiB               \(fixed(tebiNs, 1)) ns")
print("")
for (index, live) in sizes.enumerated() { print("metric pairs_per_second_\(label(live))=\(fixed(spread(rounds, index).median, 0))") }
print("metric rate_ratio_\(label(largest))_over_\(label(sizes[0]))=\(fixed(ratio.median, 3))")
print("metric rate_ratio_in_order_\(label(largest))_over_\(label(sizes[0]))=\(fixed(inOrderRatio.median, 3))")
print("metric bytes_per_mapping_\(label(largest))=\(fixed(bytes, 1))")
print("metric map_unmap_4KiB_ns=\(fixed(smallNs, 1))")
print("metric map_unmap_1TiB_ns=\(fixed(tebiNs, 1))")
