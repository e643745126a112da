#!/usr/bin/env bash
# run.sh MODE OUTDIR: boot the lab guest in qemu (TCG) and run one mode in it.
#
#   OUTDIR/console.log   the guest's serial console
#   OUTDIR/result        "ok" or "fail N", written by the guest's init
#   OUTDIR/qemu.log, OUTDIR/qemu-cmdline.txt
#   OUTDIR/...           whatever the mode writes to /out (a writable 9p share)
#
# Exit code: 0 when the guest wrote "ok"; 1 otherwise (mode failed, kernel
# panic, timeout). Needs tests/lab/build.sh to have run.
#
# Environment:
#   LAB_WORK     work dir of build.sh (default /tmp/passthru-lab)
#   LAB_IOMMU    intel (default: emulated VT-d) or amd (emulated AMD-Vi)
#   LAB_TIMEOUT  seconds before qemu is killed (default 300)
#   LAB_MEM      guest memory in MiB (default 1024)
#   LAB_SMP      guest vCPUs (default 2)
#   LAB_IOMMU_MODE  default "iommu=pt" (identity default domains); set it empty
#                for DMA-translating default domains
#   LAB_APPEND   extra kernel command line words (e.g. lab.foo=bar)
#   LAB_QEMU_ARGS extra qemu arguments (word-split)
#   LAB_HOSTFWD  a qemu hostfwd rule (tcp:127.0.0.1:HOSTPORT-:GUESTPORT) on the NIC at
#                05:00.0, alone in its IOMMU group: a host program reaches the guest there
#                (restrict=on still keeps the guest from opening connections out)
#   LAB_CARD_0406 the qemu model of the sound card at 04:00.6 (default ich9-intel-hda, 8086:293e);
#                e.g. intel-hda (8086:2668) puts another card at that address, same group
#   LAB_UDEV     a directory under OUTDIR that stands for /etc at boot: the guest starts the real
#                systemd-udevd (Debian's udev package, unpacked by build.sh) BEFORE it loads the lab's
#                modules, with OUTDIR/LAB_UDEV/etc/{udev/rules.d,modprobe.d,modules-load.d} bind-mounted
#                over its own /etc (guestlib.sh lab_udev_boot); "none" for udev with no such files
#
# OUTDIR/qemu.pid holds qemu's PID while it runs, so a caller that has to can stop it by PID.
# shellcheck disable=SC2054  # the commas are inside qemu option values
set -euo pipefail

MODE=${1:?usage: run.sh MODE OUTDIR}
OUTDIR=${2:?usage: run.sh MODE OUTDIR}
WORK=${LAB_WORK:-/tmp/passthru-lab}
IMG=$WORK/out
IOMMU=${LAB_IOMMU:-intel}
TIMEOUT=${LAB_TIMEOUT:-300}

for f in vmlinuz initramfs.cpio.gz disk.img; do
  [ -f "$IMG/$f" ] || { echo "run: $IMG/$f missing; run tests/lab/build.sh first" >&2; exit 1; }
done
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)   # qemu's -fsdev needs an absolute path
rm -f "$OUTDIR/result" "$OUTDIR/console.log" "$OUTDIR/qemu.log" "$OUTDIR/qemu.pid"

append="console=ttyS0 panic=-1 loglevel=4 ${LAB_IOMMU_MODE-iommu=pt} lab.mode=$MODE"
case "$IOMMU" in
  # intremap needs the split irqchip; caching-mode lets vfio map guest memory
  # if a nested guest ever uses the device.
  intel) iommu_dev=(-device intel-iommu,intremap=on,caching-mode=on); append="$append intel_iommu=on" ;;
  # amd_iommu=on is not an option the kernel knows ("AMD-Vi: Unknown option -
  # 'on'"; AMD-Vi is on by default), but real hosts' command lines carry it.
  amd)   iommu_dev=(-device amd-iommu,intremap=on); append="$append amd_iommu=on" ;;
  *) echo "run: LAB_IOMMU must be intel or amd" >&2; exit 1 ;;
esac
[ -z "${LAB_UDEV:-}" ] || append="$append lab.udev=$LAB_UDEV lab.udevpkg=$WORK/udev"
[ -z "${LAB_APPEND:-}" ] || append="$append $LAB_APPEND"

# The topology. Fixed addresses keep bus numbers and IOMMU group numbers stable.
#  00:1b.0       ich9-intel-hda, alone in its group (RCiEP)
#  00:02.0 rp1 -> 01:00.0 e1000e + 01:00.1 ich9-intel-hda (multifunction, one group)
#  00:02.1 rp2 -> 02:00.0 pcie-pci-bridge -> 03:01.0 intel-hda + 03:02.0 e1000 (one group)
#  00:02.2 rp3 -> 04:00.0 VGA + 04:00.1 qemu-xhci + 04:00.6 ich9-intel-hda
#                 (Renoir-like APU: HD Audio at function 6 shares the group; LAB_CARD_0406 swaps its model)
#  00:02.3 rp4 -> 05:00.0 e1000e, alone
#  00:05.0 virtio-blk (ext4 + swap in the guest), 00:06.0/00:07.0 virtio-9p shares
#  00:1f.*       the ICH9's own LPC/SATA/SMBus
qemu_args=(
  -accel tcg,thread=multi -cpu max
  -machine q35,kernel-irqchip=split -smp "${LAB_SMP:-2}" -m "${LAB_MEM:-1024}"
  -nodefaults -no-user-config -display none -monitor none -no-reboot
  -serial "file:$OUTDIR/console.log"
  -audiodev none,id=au0
  -kernel "$IMG/vmlinuz" -initrd "$IMG/initramfs.cpio.gz" -append "$append"
  "${iommu_dev[@]}"
  -device ich9-intel-hda,id=snd0,bus=pcie.0,addr=0x1b -device hda-duplex,bus=snd0.0,audiodev=au0
  -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=0x2.0x0,multifunction=on
  -device e1000e,bus=rp1,addr=0x0.0x0,multifunction=on,romfile=,netdev=n1 -netdev user,id=n1,restrict=on
  -device ich9-intel-hda,id=snd1,bus=rp1,addr=0x0.0x1 -device hda-duplex,bus=snd1.0,audiodev=au0
  -device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,addr=0x2.0x1
  -device pcie-pci-bridge,id=br0,bus=rp2
  -device intel-hda,id=snd2,bus=br0,addr=0x1 -device hda-duplex,bus=snd2.0,audiodev=au0
  -device e1000,bus=br0,addr=0x2,romfile=,netdev=n2 -netdev user,id=n2,restrict=on
  -device pcie-root-port,id=rp3,bus=pcie.0,chassis=3,addr=0x2.0x2
  -device VGA,bus=rp3,addr=0x0.0x0,multifunction=on,romfile=
  -device qemu-xhci,bus=rp3,addr=0x0.0x1
  -device "${LAB_CARD_0406:-ich9-intel-hda},id=snd3,bus=rp3,addr=0x0.0x6" -device hda-duplex,bus=snd3.0,audiodev=au0
  -device pcie-root-port,id=rp4,bus=pcie.0,chassis=4,addr=0x2.0x3
  -device e1000e,bus=rp4,romfile=,netdev=n3 -netdev "user,id=n3,restrict=on${LAB_HOSTFWD:+,hostfwd=$LAB_HOSTFWD}"
  -drive "file=$IMG/disk.img,if=none,id=d0,format=raw,snapshot=on"
  -device virtio-blk-pci,drive=d0,bus=pcie.0,addr=0x5
  -fsdev "local,id=fsout,path=$OUTDIR,security_model=none"
  -device virtio-9p-pci,fsdev=fsout,mount_tag=labout,bus=pcie.0,addr=0x6
  -fsdev local,id=fshost,path=/,security_model=none,readonly=on
  -device virtio-9p-pci,fsdev=fshost,mount_tag=hostroot,bus=pcie.0,addr=0x7
)
read -r -a extra_args <<< "${LAB_QEMU_ARGS:-}"
qemu_args+=("${extra_args[@]}")

printf '%q ' qemu-system-x86_64 "${qemu_args[@]}" > "$OUTDIR/qemu-cmdline.txt"
start=$(date +%s%N)
qemu-system-x86_64 "${qemu_args[@]}" </dev/null >"$OUTDIR/qemu.log" 2>&1 &
qpid=$!
echo "$qpid" > "$OUTDIR/qemu.pid"
# Kill only the qemu we started, whatever way this script ends.
cleanup() {
  if kill "$qpid" 2>/dev/null; then sleep 1; kill -9 "$qpid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

timed_out=0
deadline=$(( $(date +%s) + TIMEOUT ))
while kill -0 "$qpid" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then timed_out=1; echo "run: timeout after ${TIMEOUT}s, killing qemu $qpid" >&2; break; fi
  sleep 0.2
done
cleanup
wait "$qpid" 2>/dev/null || true
rm -f "$OUTDIR/qemu.pid"
elapsed=$(( ($(date +%s%N) - start) / 100000000 ))  # tenths of a second

result=$(cat "$OUTDIR/result" 2>/dev/null || echo "no result")
printf 'run: mode=%s iommu=%s result="%s" %d.%ds (%s)\n' "$MODE" "$IOMMU" "$result" $((elapsed / 10)) $((elapsed % 10)) "$OUTDIR" >&2
if [ "$timed_out" = 1 ] || [ "$result" != ok ]; then
  echo "run: --- last console lines ---" >&2
  tail -n 30 "$OUTDIR/console.log" >&2 || true
  [ -s "$OUTDIR/qemu.log" ] && { echo "run: --- qemu.log ---" >&2; cat "$OUTDIR/qemu.log" >&2; }
  exit 1
fi
