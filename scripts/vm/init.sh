#!/bin/busybox sh
# /init of the vfio-compat test VM (busybox ash, runs as PID 1 in the guest).
# Mounts the pseudo filesystems, loads the VFIO and CUSE modules in dependency
# order, binds QEMU's edu device (1234:11e8) to vfio-pci, runs /payload/run and
# frames its output with marker lines that scripts/vm/run.sh looks for, then
# powers off. The markers below must match run.sh.
# shellcheck shell=sh
/bin/busybox --install -s /bin
export PATH=/bin HOME=/ TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /run
mount -t tmpfs tmpfs /tmp
dmesg -n 1 # keep kernel messages off the console from here on

while read -r ko; do
    insmod "/lib/modules/${ko}" || echo "vm-init: insmod ${ko} failed"
done </lib/modules/load-order

# vfio-pci: driver_override, then let the PCI core probe the device again.
VM_EDU_BDF=
for dev in /sys/bus/pci/devices/*; do
    if [ "$(cat "${dev}/vendor")" = 0x1234 ] && [ "$(cat "${dev}/device")" = 0x11e8 ]; then
        VM_EDU_BDF="${dev##*/}"
        echo vfio-pci >"${dev}/driver_override"
        [ -e "${dev}/driver" ] && echo "${VM_EDU_BDF}" >"${dev}/driver/unbind"
        echo "${VM_EDU_BDF}" >/sys/bus/pci/drivers_probe
        VM_EDU_GROUP="/dev/vfio/$(basename "$(readlink "${dev}/iommu_group")")"
        export VM_EDU_BDF VM_EDU_GROUP
        break
    fi
done
[ -n "${VM_EDU_BDF}" ] || echo "vm-init: no edu device (1234:11e8) found"

echo "vm-init: payload starts at uptime $(cut -d' ' -f1 /proc/uptime) s"
echo "===== vfio-compat-vm: payload begin ====="
if [ -f /payload/run ]; then
    cd /payload && sh ./run 2>&1
    status=$?
else
    echo "vm-init: /payload/run is missing"
    status=127
fi
echo "===== vfio-compat-vm: payload end, status ${status} ====="
echo "vm-init: payload ended at uptime $(cut -d' ' -f1 /proc/uptime) s"
poweroff -f
