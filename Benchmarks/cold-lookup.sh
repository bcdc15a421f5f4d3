#!/bin/sh
# The memory system's share of iopt-bench's 1M figure, measured in C with no Swift in the way:
# dependent loads to random lines of growing working sets (4 KiB pages, then transparent huge pages),
# what each further line of a cold 2.5 KiB node costs when its address is known with the first's,
# and random floor lookups in a B+-tree shaped like the engine's, at 1k, 100k and 1M keys.
# Every map at 1M live mappings begins with such a lookup, and waits for it, so the one-at-a-time
# lookup's cost at 1M over its cost at 1k is about the least a map+unmap pair at 1M can cost over
# one at 1k. The last part alternates that lookup with the engine's own benchmark, three rounds, and
# prints the 1M/1k rate ratio the engine reaches beside the best one a pair that also makes that one
# cold lookup could reach (the 1k pair's time over itself plus the lookup's extra time at 1M).
# Usage: Benchmarks/cold-lookup.sh [--no-engine]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -o "$TMP/cold-lookup" "$ROOT/Benchmarks/cold-lookup.c"
for kb in 256 1024 2048 4096 16384 65536; do "$TMP/cold-lookup" chase "$kb"; done
for more in 0 1 4 8; do "$TMP/cold-lookup" lines 131072 "$more"; done
for keys in 1000 100000 1000000; do "$TMP/cold-lookup" tree "$keys"; done
[ "${1:-}" = "--no-engine" ] && exit 0

echo
echo "side by side: one-at-a-time C lookup and the engine's map+unmap pairs (iopt-bench --quick)"
swift build -c release --package-path "$ROOT" --product iopt-bench >/dev/null
BENCH="$ROOT/.build/release/iopt-bench"
alone() { "$TMP/cold-lookup" tree "$1" alone | awk '{ print $6 }'; }
rate() { awk -v live="$2" '$2 == "live=" live { sub("median=", "", $3); print $3 }' "$1"; }
for round in 1 2 3; do
    c1k=$(alone 1000)
    c1m=$(alone 1000000)
    "$BENCH" --quick --rates-only --runs 3 --sizes 1000,1000000 > "$TMP/rates"
    awk -v round="$round" -v c1k="$c1k" -v c1m="$c1m" -v r1k="$(rate "$TMP/rates" 1000)" -v r1m="$(rate "$TMP/rates" 1000000)" 'BEGIN {
        extra = c1m - c1k; p1k = 1e9 / r1k; p1m = 1e9 / r1m
        printf "round %d: C lookup %.0f ns at 1M, %.0f at 1k (+%.0f); engine pair %.0f ns at 1k, %.0f at 1M;", round, c1m, c1k, extra, p1k, p1m
        printf " ratio %.3f, best reachable %.3f\n", p1k / p1m, p1k / (p1k + extra)
    }'
done
