#!/usr/bin/env bash
# Usage: scripts/vm/differential.sh [--iommu intel|amd]
# The differential fidelity test against the real kernel (issue 7): boots the VM with the
# `differential` payload (static vfio-compat + static vfio-client; in the guest the CUSE
# frontend serves the nodes and every case runs against the real type1 and against the
# shim), then compares the answers on the host with the same static binary
# (`vfio-compat matrix differential compare`). Exit status 0 only if the payload passed
# and every difference is one the matrix documents (DifferentialAllowList).
# Environment: as run.sh; VFIO_COMPAT_VM_TIMEOUT defaults to 900 here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/vm/common.sh
source "${here}/common.sh"
export VFIO_COMPAT_VM_TIMEOUT="${VFIO_COMPAT_VM_TIMEOUT:-900}"
iommu=intel
[[ "${1:-}" == "--iommu" ]] && iommu="${2:?--iommu wants intel or amd}"
out="${VM_CACHE}/logs/differential-${iommu}.out"
mkdir -p "${VM_CACHE}/logs"
start="$(date +%s)"
# A VM that times out (124) or never reaches the payload (125) is an emulator hiccup under
# TCG, not an answer: boot once more. Any answer the guest gave is judged as it is.
for attempt in 1 2; do
    set +e
    "${here}/run.sh" "${here}/payloads/differential" --iommu "$iommu" | tee "$out"
    payload_status="${PIPESTATUS[0]}"
    set -e
    if [[ "$payload_status" -ne 124 && "$payload_status" -ne 125 ]]; then break; fi
    echo "differential: attempt ${attempt}: the VM did not complete the payload (status ${payload_status})" >&2
done
booted="$(date +%s)"
bin="${VM_CACHE}/run/differential/stage/vfio-compat"
compare_status=0
if [[ -x "$bin" ]]; then
    "$bin" matrix differential compare "$out" || compare_status=$?
else
    echo "differential: ${bin} is missing (prepare failed?)" >&2; compare_status=1
fi
echo "differential: ${iommu}-iommu, payload status ${payload_status}, compare status ${compare_status}, $((booted - start)) s build+boot+run, $(($(date +%s) - start)) s total; answers in ${out}"
[[ "$payload_status" -eq 0 && "$compare_status" -eq 0 ]]
