# shellcheck shell=sh
# Mode "cli-capture": the published app's `scan --json` and `capture` against this kernel's real
# sysfs, in one boot, for LabCaptureTests on the host (which unpacks the archive, scans it with the
# same app and expects the same JSON). The app is the host's published build, run from the host's
# root over 9p: its path comes from lab.app= on the kernel command line. Writes to /out:
#   scan.json, scan.err, scan.rc             `scan --json` of the real /
#   capture.tar.gz, capture.out/.err/.rc     `capture`
#   kernel.txt, links.txt, attributes.txt    what the guest itself sees, to compare with the archive
APP=$(lab_cmdline_arg lab.app) || lab_die "no lab.app= on the kernel command line"
lab_host_chroot
# One card on vfio-pci, so the capture holds a group node (/dev/vfio/8) and a device ready for a guest.
pci_bind_vfio 0000:00:1b.0 || lab_die "00:1b.0 did not bind to vfio-pci"

# run NAME ARGS...: the app in the chroot, its output and exit code in /out.
run() {
  name=$1; shift
  lab_log "app: $*"
  rc=0
  chroot /host "$APP" "$@" > "/out/$name.out" 2> "/out/$name.err" || rc=$?
  echo "$rc" > "/out/$name.rc"
}

run scan scan --json
mv /out/scan.out /out/scan.json
run capture capture /tmp/capture.tar.gz
cp /host/tmp/capture.tar.gz /out/ 2>/dev/null || lab_log "no capture.tar.gz to copy"

uname -r > /out/kernel.txt
# Links as the kernel wrote them, each named by its real path (the archive's layout).
d=$(cd -P /sys/bus/pci/devices/0000:00:1b.0 && pwd)
for l in /sys/bus/pci/devices/0000:00:1b.0 "$d/driver" "$d/iommu_group" /sys/class/iommu/dmar0 /proc/mounts; do
  echo "$l $(readlink "$l")"
done > /out/links.txt
# Attributes whose size sysfs reports as 4096, with what a read really returns (a PCIe config space is 4096 for real).
for a in 0000:00:1b.0/vendor 0000:00:1b.0/config 0000:01:00.0/config 0000:01:00.0/class; do
  echo "$a $(cat "/sys/bus/pci/devices/$a" | wc -c) $(stat -c %s "/sys/bus/pci/devices/$a")"
done > /out/attributes.txt

pci_restore 0000:00:1b.0
