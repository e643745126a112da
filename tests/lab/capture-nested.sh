#!/usr/bin/env bash
# capture-nested.sh: the nested run. Boots the lab guest (L1, emulated VT-d, TCG)
# in mode "nested": L1 binds 00:1b.0 to vfio-pci and starts an L2 guest with the
# host's own qemu (over the 9p-shared host root) and nested KVM, L2 runs
# snd_hda_intel on the passed card (mode "l2"), and L1 records its
# /proc/interrupts (vfio-intx / vfio-msi lines), a sysfs tree and L2's console.
#
# Writes (replacing what was there):
#   $NESTED_DEST/intel-vfio-guest.tar.gz          L1's tree while L2 runs (deterministic repack)
#   $NESTED_IRQ_DEST/interrupts.N, uptime.N       L1's /proc/interrupts, 1 s apart
#   $NESTED_IRQ_DEST/vfio-timeline.txt            L1's vfio lines as they changed while L2 booted
#   $NESTED_IRQ_DEST/l1-intx.interrupts, .uptime  L1's /proc/interrupts when vfio-intx first showed
#   $NESTED_IRQ_DEST/l2-guest.interrupts          L2's own /proc/interrupts at the end
#   $NESTED_IRQ_DEST/l2-console.log, capture-info.txt
# Defaults: tests/fixtures/captured and tests/fixtures/interrupts/l1-vfio-guest.
#
# L1 is booted with softlockup_panic=1 (and run.sh's panic=-1 -no-reboot): a
# vCPU hang under nested KVM in TCG then ends qemu instead of stalling until the
# timeout. A failed run is retried once, and that is said on stderr and in
# capture-info.txt.
#
# Environment: LAB_WORK (see build.sh), NESTED_DEST, NESTED_IRQ_DEST,
# NESTED_TIMEOUT (seconds per boot, default 240), NESTED_SAMPLES (default 8),
# NESTED_KEEP=1 keeps the run directories (console logs, dmesg) and prints where.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIX=$(cd "$LAB_DIR/../fixtures" && pwd)
DEST=${NESTED_DEST:-$FIX/captured}
IRQ_DEST=${NESTED_IRQ_DEST:-$FIX/interrupts/l1-vfio-guest}
WORK=${LAB_WORK:-/tmp/passthru-lab}
export LAB_WORK=$WORK
t0=$(date +%s)

"$LAB_DIR/build.sh"

tmp=$(mktemp -d /tmp/passthru-nested.XXXXXX)
if [ "${NESTED_KEEP:-0}" = 1 ]; then echo "capture-nested: run directories kept in $tmp" >&2
else trap 'rm -rf "$tmp"' EXIT; fi

# run.sh kills only its own qemu (by PID) on timeout, failure or interrupt.
boot() {
  LAB_IOMMU=intel LAB_MEM=2048 LAB_TIMEOUT=${NESTED_TIMEOUT:-240} \
  LAB_APPEND="softlockup_panic=1 lab.l2dir=$WORK/out lab.samples=${NESTED_SAMPLES:-8}" \
    "$LAB_DIR/run.sh" nested "$1"
}
attempt=1
run=$tmp/run1
if ! boot "$run"; then
  echo "capture-nested: RETRY: the first nested run failed (log above); trying once more" >&2
  attempt=2
  run=$tmp/run2
  boot "$run" || { echo "capture-nested: the retry failed too" >&2; exit 1; }
fi
wall=$(( $(date +%s) - t0 ))

snap=$run/snapshots/intel-vfio-guest.tar
[ -f "$snap" ] || { echo "capture-nested: no snapshot in $run" >&2; exit 1; }
mkdir -p "$DEST" "$IRQ_DEST"
"$LAB_DIR/repack.sh" "$snap" "$DEST/intel-vfio-guest.tar.gz"
echo "capture-nested: $DEST/intel-vfio-guest.tar.gz ($(stat -c %s "$DEST/intel-vfio-guest.tar.gz") bytes)" >&2

rm -f "$IRQ_DEST"/interrupts.* "$IRQ_DEST"/uptime.*
cp "$run"/interrupts/interrupts.* "$run"/interrupts/uptime.* "$run"/interrupts/vfio-timeline.txt "$IRQ_DEST/"
# Not every run catches the short INTx phase (L1 polls every 0.5 s while L2 boots).
rm -f "$IRQ_DEST"/l1-intx.*
cp "$run"/interrupts/l1-intx.* "$IRQ_DEST/" 2>/dev/null || echo "capture-nested: L1 never showed vfio-intx (no l1-intx.interrupts)" >&2
cp "$run/l2/l2-interrupts" "$IRQ_DEST/l2-guest.interrupts"
cp "$run/l2/console.log" "$IRQ_DEST/l2-console.log"

# What a reader of the samples needs to know about this run.
n=$(ls "$run"/interrupts/interrupts.* | wc -l)
{
  echo "captured: $(date -u +%Y-%m-%dT%H:%MZ) by tests/lab/capture-nested.sh"
  echo "host: $(uname -r), $(nproc) CPUs, $(qemu-system-x86_64 --version | head -n1)"
  echo "L1 kernel: $(sed -n 's/^kernel: //p' <(tar -xOf "$snap" ./lab-info.txt))  (TCG -cpu max, 2 vCPUs, 2048 MiB, emulated VT-d)"
  echo "L2: same kernel, nested KVM (-accel kvm -cpu host,-arch-capabilities), 1 vCPU, 512 MiB, 0000:00:1b.0 as vfio-pci at L2's 00:1b.0"
  echo "attempts: $attempt"
  echo "wall: $wall s (build + boot + repack)"
  echo "samples: $n, uptimes (L1 seconds): $(cat "$run"/interrupts/uptime.* | cut -d' ' -f1 | tr '\n' ' ')"
  echo "L1 vfio lines in interrupts.0 and interrupts.$((n - 1)):"
  grep vfio "$run/interrupts/interrupts.0" || true
  grep vfio "$run/interrupts/interrupts.$((n - 1))" || true
} > "$IRQ_DEST/capture-info.txt"
sed 's/^/capture-nested: /' "$IRQ_DEST/capture-info.txt" >&2

"$LAB_DIR/verify.sh" "$DEST/intel-vfio-guest.tar.gz"
echo "capture-nested: done in $(( $(date +%s) - t0 )) s" >&2
