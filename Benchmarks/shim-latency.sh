#!/bin/sh
# Median ioctl round trip, measured side by side in one run with the same client and
# the same CPU placement, through:
#   bare-libfuse    a minimal libfuse C server that answers every ioctl with 0
#   DeviceFrontend  the Swift frontend with a trivial handler (frontend-bench)
#   shim            `vfio-compat mount` (dispatcher, record building, no log file)
#   shim+log        `vfio-compat mount --log FILE` (every call written to the translation log)
# Each answers VFIO_GET_API_VERSION (an _IO ioctl returning 0) N times.
# Usage: Benchmarks/shim-latency.sh [N]   (root; release build into .build)
set -eu
N=${1:-20000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'for p in $(cat "$TMP"/pids 2>/dev/null); do kill "$p" 2>/dev/null || true; done; sleep 0.3; for m in "$TMP"/m*; do umount -l "$m" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT
cc -O2 $(pkg-config --cflags fuse3) -o "$TMP/bare" "$ROOT/Benchmarks/bare-ioctl-server.c" $(pkg-config --libs fuse3)
(cd "$ROOT" && swift build -c release --product frontend-bench >/dev/null && swift build -c release --product vfio-compat >/dev/null)
BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)

measure() { # label mountpoint cpu-list server-cmd...
    label=$1 mnt=$2 cpus=$3; shift 3
    taskset -c "$cpus" "$@" >"$TMP/$label.out" 2>/dev/null & echo $! >>"$TMP/pids"
    for _ in $(seq 100); do grep -q "ready\|serving" "$TMP/$label.out" 2>/dev/null && break; sleep 0.1; done
    printf 'open c %s/vfio\nbench 2000 c VFIO_GET_API_VERSION 0\nbench %s c VFIO_GET_API_VERSION 0\n' "$mnt" "$N" \
        | taskset -c "$cpus" "$BIN/vfio-client" | tail -1 \
        | awk -v l="$label" -v c="$cpus" '{printf "%-15s cpus %-4s median %6.1f us\n", l, c, $2/1000}'
}
for cpus in 0 0,1; do
    p=$TMP/m-$(echo "$cpus" | tr , _)   # fresh mountpoints per pass: the last pass may still be unmounting
    mkdir "$p-1" "$p-2" "$p-3" "$p-4"
    measure bare-libfuse "$p-1" "$cpus" "$TMP/bare" "$p-1"
    measure DeviceFrontend "$p-2" "$cpus" "$BIN/frontend-bench" "$p-2"
    measure shim "$p-3" "$cpus" "$BIN/vfio-compat" mount "$p-3"
    measure shim+log "$p-4" "$cpus" "$BIN/vfio-compat" mount "$p-4" --log "$p-log.jsonl"
    for p in $(cat "$TMP/pids"); do kill "$p" 2>/dev/null || true; done; : >"$TMP/pids"; sleep 0.5
done
