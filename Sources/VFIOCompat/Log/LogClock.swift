#if canImport(Glibc)
import Glibc
#endif

/// The two clocks a translation record carries: CLOCK_MONOTONIC nanoseconds
/// (for ordering and intervals) and the wall clock as RFC 3339 UTC with
/// microseconds (for people), e.g. `2025-01-31T12:00:00.123456Z`.
enum LogClock {
    /// CLOCK_MONOTONIC in nanoseconds.
    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// CLOCK_REALTIME now, formatted by `rfc3339(seconds:nanoseconds:)`.
    static func wallClockRFC3339() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return rfc3339(seconds: Int(ts.tv_sec), nanoseconds: Int(ts.tv_nsec))
    }

    /// Seconds since the epoch as `YYYY-MM-DDThh:mm:ss.uuuuuuZ` (UTC, microseconds, truncated).
    static func rfc3339(seconds: Int, nanoseconds: Int) -> String {
        var t = time_t(seconds)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let micros = Int32(nanoseconds / 1000)
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))"
            + "T\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2)).\(pad(micros, 6))Z"
    }
}
