#!/usr/bin/env bash
# Installs what vfio-compat needs on a Debian 12 machine that has only Swift:
# libfuse3 (headers and fusermount3), pkg-config, the kernel uAPI headers
# (<linux/vfio.h>) and a C compiler for the test client. Idempotent: packages
# already present are not touched. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(libfuse3-dev fuse3 pkg-config linux-libc-dev gcc libc6-dev)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "setup: all packages present (${packages[*]})"
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null; then sudo=(sudo); else
        echo "setup: need root to install: ${missing[*]}" >&2; exit 1
    fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: installed ${missing[*]}"
