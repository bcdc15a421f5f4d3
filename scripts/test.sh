#!/usr/bin/env bash
# Runs the whole test suite: engine, translation layer, and the FUSE integration
# tests (these need root and /dev/fuse; without them they skip and say why).
# Builds every product first: some tests run the built tools as separate processes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
