#!/bin/sh
# Median ioctl round trip (N _IO ioctls from vfio-client) through DeviceFrontend
# (frontend-bench, trivial handler) vs a bare libfuse C server, same placement.
# Usage: Benchmarks/frontend-latency.sh [N] [SCRATCH]   (root; builds into a temp dir)
set -eu
N=${1:-20000}
SCRATCH=${2:-.build-fuse}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'for p in $(cat "$TMP"/pids 2>/dev/null); do kill "$p" 2>/dev/null || true; done; umount -l "$TMP"/m1 "$TMP"/m2 2>/dev/null || true; rm -rf "$TMP"' EXIT
cc -O2 -pthread -o "$TMP/vfio-client" "$ROOT/Tests/DeviceFrontendTests/Client/vfio-client.c"
cc -O2 $(pkg-config --cflags fuse3) -o "$TMP/bare" "$ROOT/Benchmarks/bare-ioctl-server.c" $(pkg-config --libs fuse3)
(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --product frontend-bench >/dev/null)
BENCH=$(cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/frontend-bench
mkdir "$TMP/m1" "$TMP/m2"

measure() { # label server-cmd mountpoint cpu-list
    $2 "$3" >"$TMP/$1.out" 2>/dev/null & echo $! >>"$TMP/pids"
    for _ in $(seq 50); do grep -q ready "$TMP/$1.out" 2>/dev/null && break; sleep 0.1; done
    printf 'open c %s/vfio\nbench 2000 c 0x3b64 0\nbench %s c 0x3b64 0\n' "$3" "$N" \
        | taskset -c "$4" "$TMP/vfio-client" | tail -1 | awk -v l="$1" -v c="$4" '{printf "%-16s cpus %-4s median %6.1f us\n", l, c, $2/1000}'
}
for cpus in 0 0,1; do
    measure "bare-libfuse" "taskset -c $cpus $TMP/bare" "$TMP/m1" "$cpus"
    measure "DeviceFrontend" "taskset -c $cpus $BENCH" "$TMP/m2" "$cpus"
    for p in $(cat "$TMP/pids"); do kill "$p" 2>/dev/null || true; done; : >"$TMP/pids"; sleep 0.5
done
