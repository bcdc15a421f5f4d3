#!/usr/bin/env bash
# Runs the whole test suite: engine, translation layer, and the FUSE integration
# tests (these need root and /dev/fuse; without them they skip and say why).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"
