# shellcheck shell=sh
# Mode "nested": this guest is L1. It passes the sound card 00:1b.0 (alone in its
# IOMMU group) to an L2 guest started with the host's own qemu and nested KVM
# (see lab_l2_* in guestlib.sh), and while L2 uses the card it records:
#   /out/interrupts/interrupts.N, uptime.N   L1's /proc/interrupts, 1 s apart
#   /out/interrupts/vfio-timeline.txt        L1's vfio-* lines whenever they changed while L2 booted
#   /out/interrupts/l1-intx.interrupts, .uptime  L1's /proc/interrupts when vfio-intx first showed
#   /out/snapshots/intel-vfio-guest.tar      a sysgrab tree of L1 (run: nested)
#   /out/l2/                                 L2's console, qemu log and /out files
# Then L2 finishes, the card goes back to snd_hda_intel, and init writes "ok".
# Needs lab.l2dir= (host dir with the lab's vmlinuz + initramfs.cpio.gz) on the
# kernel command line and 2 GiB of memory; tests/lab/capture-nested.sh sets both.
#
# L2 is started by lab_l2_qemu here; a libvirt variant would start it with virsh
# instead and can reuse the staging, the waiting and the sampling helpers.
set -e

DEV=$(lab_cmdline_arg lab.l2dev) || DEV=0000:00:1b.0
SAMPLES=$(lab_cmdline_arg lab.samples) || SAMPLES=8
ls -d /sys/class/iommu/dmar* >/dev/null 2>&1 || lab_die "the nested run expects the emulated VT-d (LAB_IOMMU=intel)"
mkdir -p /tmp/nested/irq /out/interrupts /out/l2

lab_l2_stage
lab_show_state
pci_bind_vfio "$DEV" || lab_die "could not bind $DEV to vfio-pci"
( cd -P "/sys/bus/pci/devices/$DEV/iommu_group" && lab_log "$DEV: iommu group ${PWD##*/}, /dev/vfio: $(ls /dev/vfio | tr '\n' ' ')" )

lab_l2_qemu l2 "$DEV"

# While L2 boots: note L1's vfio lines each time they change, until L2 says it is busy.
lab_log "waiting for L2 (its card up and busy)"
prev=""
read -r t0 _ < /proc/uptime; t0=${t0%.*}
while [ ! -e /host/run/l2/out/busy ]; do
  lab_l2_running || { cp /host/run/l2/console.log /host/run/l2/qemu.log /out/l2/ 2>/dev/null; lab_die "L2's qemu exited early"; }
  read -r up _ < /proc/uptime
  [ "${up%.*}" -lt $((t0 + 180)) ] || { lab_l2_stop 10 || true; cp /host/run/l2/console.log /host/run/l2/qemu.log /out/l2/ 2>/dev/null; lab_die "L2 not busy after 180 s"; }
  cur=$(grep vfio /proc/interrupts || true)
  if [ "$cur" != "$prev" ]; then
    { echo "== L1 uptime $up"; echo "$cur"; } >> /tmp/nested/vfio-timeline.txt
    lab_log "vfio lines changed: $(echo "$cur" | sed 's/  */ /g' | tr '\n' ';')"
    prev=$cur
    # The INTx phase (qemu has set up the card, L2's driver has not enabled MSI
    # yet) is short: keep L1's whole /proc/interrupts from the first time it shows.
    case "$cur" in *vfio-intx*)
      [ -e /tmp/nested/irq/l1-intx.interrupts ] || { cat /proc/uptime > /tmp/nested/irq/l1-intx.uptime; cat /proc/interrupts > /tmp/nested/irq/l1-intx.interrupts; } ;;
    esac
  fi
  usleep 500000
done
read -r up _ < /proc/uptime
{ echo "== L1 uptime $up (L2 busy)"; grep vfio /proc/interrupts || true; } >> /tmp/nested/vfio-timeline.txt
lab_log "L2 is busy"

lab_irq_samples /tmp/nested/irq "$SAMPLES"
lab_log "msi_irqs of $DEV: $(ls "/sys/bus/pci/devices/$DEV/msi_irqs" 2>/dev/null | tr '\n' ' ')"
lab_show_state
lab_l2_running || lab_die "L2 ended during the samples"
lab_snapshot intel-vfio-guest "00:1b.0 on vfio-pci and in use: an L2 guest (host qemu, nested KVM) runs snd_hda_intel on it" nested
lab_l2_running || lab_die "L2 ended during the snapshot"

stopped=ok
lab_l2_stop 60 || stopped=killed
cp /tmp/nested/irq/* /tmp/nested/vfio-timeline.txt /out/interrupts/
cp /host/run/l2/console.log /host/run/l2/qemu.log /host/run/l2/qemu-cmdline.txt /out/l2/
cp /host/run/l2/out/* /out/l2/ 2>/dev/null || true
l2result=$(cat /host/run/l2/out/result 2>/dev/null || echo "no result")
lab_log "L2 result: $l2result, qemu $stopped"

pci_restore "$DEV"
[ "$(pci_driver "$DEV")" = snd_hda_intel ] || lab_die "$DEV did not go back to snd_hda_intel"
lab_show_state
[ "$l2result" = ok ] || lab_die "L2 failed: $l2result"
[ "$stopped" = ok ] || lab_die "L2's qemu had to be killed"
grep -q "vfio-msi" /out/interrupts/interrupts.0 || lab_die "no vfio-msi line in L1's /proc/interrupts"
