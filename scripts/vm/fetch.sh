#!/usr/bin/env bash
# Fetches what the small VM needs, into a cache outside the repository
# (VFIO_COMPAT_VM_CACHE, default ~/.cache/vfio-compat-vm):
#   - installs qemu-system-x86 and cpio (Debian packages) if they are missing;
#   - downloads Debian bookworm's newest linux-image-6.1.*-amd64-unsigned and
#     busybox-static with `apt-get download`, and unpacks them with dpkg-deb -x;
#   - extracts an uncompressed vmlinux from the bzImage (QEMU boots it through
#     PVH, skipping ~4 s of in-guest decompression); keeps the bzImage if that fails.
# Idempotent: a second run only checks and prints where everything is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/vm/common.sh
source "${here}/common.sh"

host_packages=(qemu-system-x86 cpio)

install_host_packages() {
    local missing=() p
    for p in "${host_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || vm_die "need root to install: ${missing[*]}"
        sudo=(sudo)
    fi
    vm_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The newest Debian 6.1 kernel package name (not 6.12: the pattern pins 6.1.N-ABI).
newest_kernel_package() {
    local name
    name="$(apt-cache pkgnames linux-image-6.1. \
        | grep -E '^linux-image-6\.1\.[0-9]+-[0-9]+-amd64-unsigned$' | sort -V | tail -n 1 || true)"
    if [[ -z "$name" ]]; then
        vm_log "no linux-image-6.1.*-amd64-unsigned in the apt lists; running apt-get update"
        apt-get update -qq || vm_die "apt-get update failed (need root?)"
        name="$(apt-cache pkgnames linux-image-6.1. \
            | grep -E '^linux-image-6\.1\.[0-9]+-[0-9]+-amd64-unsigned$' | sort -V | tail -n 1 || true)"
    fi
    [[ -n "$name" ]] || vm_die "Debian has no linux-image-6.1.*-amd64-unsigned package here (is this bookworm?)"
    printf '%s\n' "$name"
}

# Downloads package $1 into the cache unless a .deb of it is already there; prints its path.
download_deb() {
    local pkg="$1" deb
    deb="$(find "${VM_CACHE}/debs" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n 1)"
    if [[ -z "$deb" ]]; then
        vm_log "downloading ${pkg}"
        # As root, apt drops to the _apt user, which cannot write into a home directory.
        local sandbox=()
        ((EUID == 0)) && sandbox=(-o APT::Sandbox::User=root)
        (cd "${VM_CACHE}/debs" && apt-get download -qq "${sandbox[@]}" "$pkg") \
            || vm_die "apt-get download ${pkg} failed"
        deb="$(find "${VM_CACHE}/debs" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n 1)"
        [[ -n "$deb" ]] || vm_die "apt-get download ${pkg} left no .deb"
    fi
    printf '%s\n' "$deb"
}

# Unpacks $1 into directory $2 once (a stamp file records which .deb it came from).
unpack_deb() {
    local deb="$1" dir="$2"
    if [[ -f "${dir}/.unpacked-from" && "$(cat "${dir}/.unpacked-from")" == "${deb##*/}" ]]; then
        return 0
    fi
    vm_log "unpacking ${deb##*/}"
    rm -rf "$dir" && mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    printf '%s\n' "${deb##*/}" >"${dir}/.unpacked-from"
}

is_elf() { [[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" == "7f454c46" ]]; }

# Writes the ELF vmlinux inside bzImage $1 to $2: finds each compressed-stream
# magic in the image and decompresses from there until one yields an ELF file.
extract_vmlinux() {
    local image="$1" out="$2" tmp="$2.tmp" magic tool offset
    local -a formats=(
        '\xfd7zXZ\x00' 'xz -dc --single-stream'
        '\x28\xb5\x2f\xfd' 'zstd -dcq'
        '\x1f\x8b\x08' 'gzip -dcq'
    )
    for ((i = 0; i < ${#formats[@]}; i += 2)); do
        magic="${formats[i]}" tool="${formats[i + 1]}"
        command -v "${tool%% *}" >/dev/null || continue
        while IFS=: read -r offset _; do
            # A decompressor complains about the bytes after its stream; the ELF check decides.
            tail -c "+$((offset + 1))" "$image" | ${tool} >"$tmp" 2>/dev/null || true
            if [[ -s "$tmp" ]] && is_elf "$tmp"; then
                mv "$tmp" "$out"
                return 0
            fi
        done < <(LC_ALL=C grep -aboP "$magic" "$image" || true)
    done
    rm -f "$tmp"
    return 1
}

main() {
    install_host_packages
    mkdir -p "${VM_CACHE}/debs"

    local kpkg kdeb bdeb kver image kernel
    kpkg="$(newest_kernel_package)"
    kdeb="$(download_deb "$kpkg")"
    bdeb="$(download_deb busybox-static)"
    unpack_deb "$kdeb" "${VM_CACHE}/kernel"
    unpack_deb "$bdeb" "${VM_CACHE}/busybox"

    kver="${kpkg#linux-image-}"
    kver="${kver%-unsigned}"
    image="${VM_CACHE}/kernel/boot/vmlinuz-${kver}"
    [[ -f "$image" ]] || vm_die "${kdeb##*/} holds no boot/vmlinuz-${kver}"

    # The .deb ships no modules.dep (the package's postinst runs depmod): busybox's depmod writes it.
    if [[ ! -f "${VM_CACHE}/kernel/lib/modules/${kver}/modules.dep" ]]; then
        vm_log "writing modules.dep"
        "${VM_CACHE}/busybox/bin/busybox" depmod -b "${VM_CACHE}/kernel" "$kver"
    fi

    kernel="${VM_CACHE}/vmlinux-${kver}"
    if [[ ! -f "$kernel" ]]; then
        vm_log "extracting vmlinux from ${image##*/}"
        if ! extract_vmlinux "$image" "$kernel"; then
            vm_log "could not extract vmlinux; booting the bzImage (slower: it decompresses in the guest)"
            kernel="$image"
        fi
    fi

    cat >"${VM_ENV}.tmp" <<ENV
# Written by scripts/vm/fetch.sh; read by build-initramfs.sh and run.sh.
KVER='${kver}'
KERNEL_IMAGE='${kernel}'
MODULES_DIR='${VM_CACHE}/kernel/lib/modules/${kver}'
BUSYBOX='${VM_CACHE}/busybox/bin/busybox'
ENV
    mv "${VM_ENV}.tmp" "${VM_ENV}"
    vm_load_env
    vm_log "kernel ${kver}: ${KERNEL_IMAGE}"
    vm_log "busybox: ${BUSYBOX}"
    vm_log "cache: ${VM_CACHE}"
}

main "$@"
