# Shared settings for the scripts/vm/ harness. Sourced, not run.
# The cache lives outside the repository: nothing downloaded is ever committed.
# shellcheck shell=bash

VM_CACHE="${VFIO_COMPAT_VM_CACHE:-${HOME}/.cache/vfio-compat-vm}"
# The file fetch.sh writes once everything is unpacked; the other scripts read it.
VM_ENV="${VM_CACHE}/vm.env"
# The kernel modules the guest needs, in the order they are asked for; their
# modules.dep closure goes into the initramfs.
# shellcheck disable=SC2034  # used by build-initramfs.sh
VM_MODULES=(vfio vfio_iommu_type1 vfio_pci fuse cuse)

vm_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
vm_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Loads vm.env (KVER, KERNEL_IMAGE, MODULES_DIR, BUSYBOX) or says how to get it.
vm_load_env() {
    [[ -r "${VM_ENV}" ]] || vm_die "no kernel in ${VM_CACHE}; run scripts/vm/fetch.sh first"
    # shellcheck source=/dev/null
    source "${VM_ENV}"
    local f
    for f in "${KERNEL_IMAGE}" "${MODULES_DIR}/modules.dep" "${BUSYBOX}"; do
        [[ -e "$f" ]] || vm_die "${f} is missing; run scripts/vm/fetch.sh again"
    done
}
