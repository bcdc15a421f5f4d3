#!/usr/bin/env bash
# Usage: scripts/vm/build-initramfs.sh PAYLOAD_DIR OUT
# Writes OUT, the test VM's initramfs: two newc cpio archives back to back.
#   1. A base archive, cached under the VM cache and rebuilt only when init.sh,
#      the module list or the kernel changes: busybox, /init (init.sh), and the
#      modules.dep closure of vfio vfio_iommu_type1 vfio_pci fuse cuse
#      (decompressed, with /lib/modules/load-order listing them deps first).
#   2. The payload: PAYLOAD_DIR's files under /payload, uncompressed (a large
#      static binary would cost more to gunzip under TCG than to copy).
# Set VFIO_COMPAT_VM_GZIP_PAYLOAD=1 to gzip the payload too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/vm/common.sh
source "${here}/common.sh"

(($# == 2)) || vm_die "usage: ${0##*/} PAYLOAD_DIR OUT"
payload="$1" out="$2"
[[ -d "$payload" ]] || vm_die "payload directory ${payload} does not exist"
[[ -f "${payload}/run" ]] || vm_die "${payload}/run is missing (the guest runs it with sh)"
command -v cpio >/dev/null || vm_die "cpio is missing; run scripts/vm/fetch.sh"
vm_load_env

declare -A dep_line=() visited=()
load_order=()

# Module name as modprobe compares it: basename without .ko[.xz|.zst|.gz], '-' as '_'.
module_key() {
    local b="${1##*/}"
    b="${b%%.ko*}"
    printf '%s\n' "${b//-/_}"
}

read_modules_dep() {
    local target deps
    while IFS= read -r line; do
        target="${line%%:*}" deps="${line#*:}"
        dep_line["$(module_key "$target")"]="${target}${deps}"
    done <"${MODULES_DIR}/modules.dep"
}

# Depth-first: every dependency lands in load_order before its user.
visit() {
    local key="$1" entry path dep
    [[ -n "${visited[$key]:-}" ]] && return 0
    visited["$key"]=1
    entry="${dep_line[$key]:-}"
    [[ -n "$entry" ]] || vm_die "module ${key} is not in ${MODULES_DIR}/modules.dep (built in? then drop it from VM_MODULES)"
    read -r path entry <<<"$entry"
    for dep in $entry; do visit "$(module_key "$dep")"; done
    load_order+=("$path")
}

# Copies module $1 (relative to MODULES_DIR) to $2 as a plain .ko.
install_module() {
    local src="${MODULES_DIR}/$1" dst="$2"
    case "$src" in
        *.ko) cp "$src" "$dst" ;;
        *.ko.xz) xz -dc "$src" >"$dst" ;;
        *.ko.zst) zstd -dcq "$src" >"$dst" ;;
        *.ko.gz) gzip -dc "$src" >"$dst" ;;
        *) vm_die "unknown module format: $src" ;;
    esac
}

build_base() {
    local base="$1" root ko name
    root="$(mktemp -d)"
    mkdir -p "${root}"/{bin,dev,proc,sys,tmp,lib/modules,payload}
    cp "${BUSYBOX}" "${root}/bin/busybox"
    install -m 0755 "${here}/init.sh" "${root}/init"
    for ko in "${load_order[@]}"; do
        name="$(module_key "$ko").ko"
        install_module "$ko" "${root}/lib/modules/${name}"
        printf '%s\n' "$name" >>"${root}/lib/modules/load-order"
    done
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) >"${base}.tmp"
    # The kernel looks for the next archive's "070701" only at a 4-byte-aligned offset
    # (zeros in between are skipped): pad the gzip member to a multiple of 4.
    truncate -s "%4" "${base}.tmp"
    mv "${base}.tmp" "$base"
    rm -rf "$root"
}

main() {
    read_modules_dep
    local m
    for m in "${VM_MODULES[@]}"; do visit "$m"; done

    local key base
    key="$({ printf '%s\n' "$KVER" "${load_order[@]}"; cat "${here}/init.sh" "${BUSYBOX}"; } | sha256sum | cut -c1-16)"
    mkdir -p "${VM_CACHE}/initramfs"
    base="${VM_CACHE}/initramfs/base-${key}.cpio.gz"
    if [[ ! -f "$base" ]]; then
        vm_log "building base initramfs (${#load_order[@]} modules: $(printf '%s ' "${load_order[@]##*/}"))"
        build_base "$base"
    fi

    stage="$(mktemp -d)"
    trap 'rm -rf "$stage"' EXIT
    mkdir -p "${stage}/payload"
    cp -a "${payload}/." "${stage}/payload/"
    {
        cat "$base"
        if [[ "${VFIO_COMPAT_VM_GZIP_PAYLOAD:-0}" == 1 ]]; then
            (cd "$stage" && find payload | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1)
        else
            (cd "$stage" && find payload | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
        fi
    } >"${out}.tmp"
    mv "${out}.tmp" "$out"
    vm_log "wrote ${out} ($(du -h "$out" | cut -f1))"
}

main "$@"
