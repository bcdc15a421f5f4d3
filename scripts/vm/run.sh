#!/usr/bin/env bash
# Usage: scripts/vm/run.sh PAYLOAD_DIR [--iommu intel|amd] [--timeout SECONDS]
# Boots Debian's 6.1 kernel under QEMU TCG with an emulated IOMMU and QEMU's edu
# PCI device bound to vfio-pci, runs PAYLOAD_DIR/run (a shell script) in the guest
# and exits with its status. Only the payload's output (between the markers
# printed by init.sh) goes to stdout; the whole serial console goes to
# $VFIO_COMPAT_VM_CACHE/logs/<payload>-<iommu>.log.
# If PAYLOAD_DIR/prepare exists, it runs first on the host as `prepare STAGE_DIR`
# (STAGE_DIR holds a copy of the payload; add built files there), with
# REPO_ROOT set to this repository.
# Exit status: the payload's; 124 if the VM hit the timeout; 125 if it never
# reached the payload (kernel or /init failure).
# Environment: VFIO_COMPAT_VM_TIMEOUT (default 120), VFIO_COMPAT_VM_CACHE,
# VFIO_COMPAT_VM_APPEND (extra kernel command-line words).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/vm/common.sh
source "${here}/common.sh"

usage() { vm_die "usage: ${0##*/} PAYLOAD_DIR [--iommu intel|amd] [--timeout SECONDS]"; }

payload="" iommu=intel timeout_s="${VFIO_COMPAT_VM_TIMEOUT:-120}"
while (($#)); do
    case "$1" in
        --iommu) (($# >= 2)) || usage; iommu="$2"; shift 2 ;;
        --timeout) (($# >= 2)) || usage; timeout_s="$2"; shift 2 ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) usage ;;
        *) [[ -z "$payload" ]] || usage; payload="$1"; shift ;;
    esac
done
[[ -n "$payload" ]] || usage
[[ -d "$payload" ]] || vm_die "payload directory ${payload} does not exist"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || vm_die "--timeout wants whole seconds, got ${timeout_s}"
payload="$(cd "$payload" && pwd)"
name="${payload##*/}"

iommu_args=()
case "$iommu" in
    intel) iommu_args=(-device "intel-iommu,intremap=on,caching-mode=on") ;;
    amd) iommu_args=(-device "amd-iommu,intremap=on") ;;
    *) vm_die "--iommu must be intel or amd, got ${iommu}" ;;
esac

command -v qemu-system-x86_64 >/dev/null || "${here}/fetch.sh"
[[ -r "${VM_ENV}" ]] || "${here}/fetch.sh"
vm_load_env

work="${VM_CACHE}/run/${name}"
stage="${work}/stage"
rm -rf "$stage" && mkdir -p "$stage" "${VM_CACHE}/logs"
cp -a "${payload}/." "${stage}/"
if [[ -f "${payload}/prepare" ]]; then
    vm_log "preparing ${name}"
    REPO_ROOT="$(cd "${here}/../.." && pwd)" "${payload}/prepare" "$stage" \
        || vm_die "${payload}/prepare failed"
fi
initrd="${work}/initrd.img"
"${here}/build-initramfs.sh" "$stage" "$initrd"

log="${VM_CACHE}/logs/${name}-${iommu}.log"
status_file="${work}/status"
rm -f "$status_file"
begin='===== vfio-compat-vm: payload begin ====='
end_prefix='===== vfio-compat-vm: payload end, status '

qemu=(
    qemu-system-x86_64 -nodefaults -no-user-config -display none -serial stdio
    -machine "q35,kernel-irqchip=split" -accel tcg -cpu max -m 1024 -no-reboot
    "${iommu_args[@]}" -device edu
    -kernel "${KERNEL_IMAGE}" -initrd "$initrd"
    -append "console=ttyS0 quiet intel_iommu=on panic=-1 ${VFIO_COMPAT_VM_APPEND:-}"
)

vm_log "booting ${KVER} (${iommu}-iommu, TCG, timeout ${timeout_s} s); console log: ${log}"
start_ns="$(date +%s%N)"
set +e
timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 \
    | tr -d '\r' | tee "$log" \
    | awk -v begin="$begin" -v endp="$end_prefix" -v sf="$status_file" '
        index($0, endp) == 1 { s = substr($0, length(endp) + 1); sub(/ .*/, "", s); print s > sf; inside = 0; next }
        $0 == begin { inside = 1; next }
        inside { print; fflush() }'
qemu_status="${PIPESTATUS[0]}"
set -e
elapsed="$(( ($(date +%s%N) - start_ns) / 1000000 ))"
guest_times="$(grep -h '^vm-init: payload' "$log" | sed 's/^vm-init: //' | paste -sd ',' - | sed 's/,/, /g')"
vm_log "qemu ran $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s wall; guest: ${guest_times:-no payload markers}"

if [[ -s "$status_file" ]]; then
    status="$(cat "$status_file")"
    [[ "$status" =~ ^[0-9]+$ ]] || vm_die "unreadable payload status '${status}'; see ${log}"
    ((status == 0)) || vm_log "payload ${name} exited with status ${status}"
    exit "$status"
fi
if ((qemu_status == 124 || qemu_status == 137)); then
    vm_log "error: the VM did not finish within ${timeout_s} s; last console lines (${log}):"
    tail -n 15 "$log" >&2
    exit 124
fi
if grep -qxF "$begin" "$log"; then
    vm_log "error: the VM stopped inside the payload (qemu status ${qemu_status}); last console lines (${log}):"
else
    vm_log "error: the VM never reached the payload (qemu status ${qemu_status}); last console lines (${log}):"
fi
tail -n 15 "$log" >&2
exit 125
