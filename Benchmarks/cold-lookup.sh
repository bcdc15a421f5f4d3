#!/bin/sh
# The memory system's share of iopt-bench's 1M figure, measured in C with no Swift in the way:
# dependent random loads over growing working sets (4 KiB pages, then transparent huge pages),
# and random floor lookups in a B+-tree shaped like the engine's, at 1k, 100k and 1M keys.
# Every map at 1M live mappings begins with such a lookup, so its cost over the 1k lookup is the
# least a map+unmap pair at 1M can cost over one at 1k.
# Usage: Benchmarks/cold-lookup.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -o "$TMP/cold-lookup" "$ROOT/Benchmarks/cold-lookup.c"
for mb in 1 16 48 128; do "$TMP/cold-lookup" chase "$mb"; done
for keys in 1000 100000 1000000; do "$TMP/cold-lookup" tree "$keys"; done
