# shellcheck shell=sh
# Mode "capture": fixture snapshots of this guest in several binding states.
# Sourced by /init (guestlib.sh loaded); /out/snapshots/<name>.tar per snapshot.
#
# Topology (run.sh): 00:1b.0 HDA alone; 01:00.0 e1000e + 01:00.1 HDA;
# 02:00.0 PCIe-PCI bridge -> 03:01.0 HDA + 03:02.0 e1000; the Renoir-like card
# 04:00.0 VGA + 04:00.1 xHCI + 04:00.6 HDA; 05:00.0 e1000e alone.
set -e

RENOIR="0000:04:00.0 0000:04:00.1 0000:04:00.6"
BRIDGE_HDA=0000:03:01.0
SOLO_HDA=0000:00:1b.0

if ls -d /sys/class/iommu/dmar* >/dev/null 2>&1; then iommu=intel
elif ls -d /sys/class/iommu/ivhd* >/dev/null 2>&1; then iommu=amd
else lab_die "no IOMMU in /sys/class/iommu"; fi
[ -n "$(ls /sys/kernel/iommu_groups)" ] || lab_die "IOMMU $iommu present but no IOMMU groups"

lab_show_state
initial=$(lab_drivers)
lab_snapshot "$iommu-initial" "every device on its host driver ($iommu IOMMU)"

if [ "$iommu" = intel ]; then
  # One function of each shared group on vfio-pci: the groups are not viable.
  pci_bind_vfio 0000:04:00.6
  pci_bind_vfio $BRIDGE_HDA
  lab_show_state
  lab_snapshot intel-vfio-partial "04:00.6 and 03:01.0 on vfio-pci, their group mates on host drivers"

  # The whole Renoir-like group and the solo card on vfio-pci: viable groups.
  pci_restore $BRIDGE_HDA
  for a in $RENOIR $SOLO_HDA; do
    [ "$(pci_driver $a)" = vfio-pci ] || pci_bind_vfio $a
  done
  lab_show_state
  lab_snapshot intel-vfio-group "04:00.0/.1/.6 and 00:1b.0 on vfio-pci, the rest on host drivers"

  # Give everything back and check that the host drivers return.
  for a in $RENOIR $SOLO_HDA; do pci_restore $a; done
  final=$(lab_drivers)
  [ "$initial" = "$final" ] || { echo "$initial" > /tmp/a; echo "$final" > /tmp/b; diff /tmp/a /tmp/b || true; lab_die "restore did not bring back the initial drivers"; }
  lab_log "restore: all drivers back"
fi
