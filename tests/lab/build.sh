#!/usr/bin/env bash
# Build the lab's guest: the stock Debian kernel plus a busybox initramfs that
# carries the vfio/sound/net/disk modules, lspci, and the scripts in tests/lab/.
#
#   tests/lab/build.sh            -> $LAB_WORK/out/{vmlinuz,initramfs.cpio.gz,disk.img}
#
# Idempotent: the kernel .deb, its unpacked tree and the initramfs are cached in
# $LAB_WORK (default /tmp/passthru-lab, never inside the repo) and rebuilt only
# when their inputs change. Installs its host tools with apt-get when missing.
# Nothing here touches the host's own PCI devices; all binding happens in the guest.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${LAB_WORK:-/tmp/passthru-lab}
OUT=$WORK/out
mkdir -p "$WORK/debs" "$OUT"

log() { echo "build: $*" >&2; }

# Modules the guest loads, in this order (modorder.py adds their dependencies
# first). snd_hda_codec_generic must precede snd_hda_intel: with no udev in the
# guest nobody would load the codec driver when the controller probes.
WANTED_MODULES=(
  crc32c_generic ext4                      # the virtio disk's filesystem
  9p 9pnet_virtio                          # host shares: labout (output), hostroot
  virtio_pci virtio_blk
  vfio vfio_iommu_type1 vfio_pci pci_stub
  snd_hda_codec_generic snd_hda_intel
  e1000e e1000 xhci_pci bochs
  kvm kvm_amd                              # -cpu max under TCG offers svm, not vmx
)
# In the initramfs but loaded only by the modes that ask for them (/etc/modules.ondemand), so
# every other run's kernel (and the captured fixtures' /proc/modules) stays as it was. The ACPI
# power button and evdev let an L2 guest notice `virsh shutdown` (modes/l2.sh).
ONDEMAND_MODULES=(button evdev)
# What the guest needs to mount the 9p shares. A boot with udev (run.sh LAB_UDEV) loads only these
# before it starts udevd from the host's share, so udev, not the lab, loads the device drivers.
EARLY_MODULES=(virtio_pci 9p 9pnet_virtio)

# ---------------------------------------------------------------- host tools
need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
# busybox-static, not busybox: the guest has no libc for a dynamic busybox.
dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
command -v lspci >/dev/null && [ -f /usr/share/misc/pci.ids ] || need_pkgs+=(pciutils pci.ids)
command -v mke2fs >/dev/null || need_pkgs+=(e2fsprogs)
command -v python3 >/dev/null || need_pkgs+=(python3)
# gcc and the kernel headers build vfiochk (static) for the binding tests.
command -v gcc >/dev/null && [ -f /usr/include/linux/vfio.h ] && [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need_pkgs+=(gcc libc6-dev linux-libc-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2 ||
    { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2; }
fi

# ------------------------------------------- kernel + kmod .debs (cached)
# linux-image-amd64 is a metapackage; its Depends names the versioned image.
resolve_kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
KPKG=${LAB_KPKG:-$(resolve_kpkg)}
if [ -z "$KPKG" ]; then apt-get update -q >&2; KPKG=$(resolve_kpkg); fi
[ -n "$KPKG" ] || { log "cannot resolve the kernel package from linux-image-amd64"; exit 1; }
KVER=${KPKG#linux-image-}

fetch_deb() {  # fetch_deb PACKAGE -> prints the .deb path
  local f
  f=$(ls "$WORK/debs/$1"_*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$f" ]; then
    log "downloading $1"
    (cd "$WORK/debs" && apt-get download -q "$1" >&2) ||
      { apt-get update -q >&2 && (cd "$WORK/debs" && apt-get download -q "$1" >&2); }
    f=$(ls "$WORK/debs/$1"_*.deb | head -n1)
  fi
  echo "$f"
}
KDEB=$(fetch_deb "$KPKG")
KMODDEB=$(fetch_deb kmod)
# Debian's udev (systemd-udevd, udevadm, the stock rules), unpacked here and never installed: the
# guest runs it over 9p for the boot-claim runs (guestlib.sh lab_udev_boot). Installing it on this
# machine would start a udevd against the machine's own devices.
UDEVDEB=$(fetch_deb udev)
if [ ! -f "$WORK/udev/.done" ] || [ "$(cat "$WORK/udev/.done")" != "$(basename "$UDEVDEB")" ]; then
  log "unpacking $(basename "$UDEVDEB")"
  rm -rf "$WORK/udev"
  dpkg -x "$UDEVDEB" "$WORK/udev"
  basename "$UDEVDEB" > "$WORK/udev/.done"
fi

# ------------------------------------------------ unpack + depmod (cached)
KROOT=$WORK/kroot-$KVER
if [ ! -f "$KROOT/.done" ]; then
  log "unpacking $(basename "$KDEB")"
  rm -rf "$KROOT" "$WORK/kmod"
  dpkg -x "$KDEB" "$KROOT"
  dpkg -x "$KMODDEB" "$WORK/kmod"
  # The .deb ships no modules.dep; kmod's sbin links are absolute (/bin/kmod),
  # so call the binary by its applet name through a local link.
  ln -sf bin/kmod "$WORK/kmod/depmod"
  "$WORK/kmod/depmod" -b "$KROOT" "$KVER"
  touch "$KROOT/.done"
fi
KMOD_BIN=$WORK/kmod/bin/kmod
[ -x "$KMOD_BIN" ] || { rm -rf "$WORK/kmod"; dpkg -x "$KMODDEB" "$WORK/kmod"; ln -sf bin/kmod "$WORK/kmod/depmod"; }

# ------------------------------------------------------------- initramfs
# Rebuilt only when the kernel or a file that goes into it changes.
inputs_hash=$( { echo "$KPKG $(basename "$KDEB") ${WANTED_MODULES[*]} ${ONDEMAND_MODULES[*]} ${EARLY_MODULES[*]}";
                 cd "$LAB_DIR" && sha1sum build.sh modorder.py init guestlib.sh sysgrab.sh os-release vfiochk.c modes/*.sh; } |
               sha1sum | cut -d' ' -f1)
if [ -f "$OUT/initramfs.cpio.gz" ] && [ "$(cat "$OUT/.inputs" 2>/dev/null)" = "$inputs_hash" ]; then
  log "initramfs up to date ($KVER)"
else
  log "building initramfs for $KVER"
  R=$WORK/initramfs-root
  rm -rf "$R"
  mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/lib,etc,proc,sys,dev,tmp,run,root,mnt,out,host,lab/modes,usr/share/misc}
  mkdir -p "$R/var/lib/libvirt/images" "$R/lib/modules/$KVER"

  # busybox + one symlink per applet (busybox --list-full gives their usual dirs).
  cp /bin/busybox "$R/bin/busybox"
  /bin/busybox --list-full | while read -r a; do
    [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"
  done

  # Modules: the closure only, at their real paths, with kmod's own indexes
  # (modules.*.bin) so the guest's `lspci -k` can print "Kernel modules:".
  KMODS=$KROOT/lib/modules/$KVER
  python3 "$LAB_DIR/modorder.py" "$KMODS" "${WANTED_MODULES[@]}" > "$R/etc/modules.load"
  python3 "$LAB_DIR/modorder.py" "$KMODS" "${ONDEMAND_MODULES[@]}" > "$R/etc/modules.ondemand"
  python3 "$LAB_DIR/modorder.py" "$KMODS" "${EARLY_MODULES[@]}" > "$R/etc/modules.early"
  not_loaded=$(grep -vxFf "$R/etc/modules.load" "$R/etc/modules.early" || true)
  [ -z "$not_loaded" ] || { log "early modules missing from modules.load: $not_loaded"; exit 1; }
  cat "$R/etc/modules.load" "$R/etc/modules.ondemand" | while read -r m; do
    mkdir -p "$R/lib/modules/$KVER/$(dirname "$m")"
    cp "$KMODS/$m" "$R/lib/modules/$KVER/$m"
  done
  cp "$KMODS"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KVER/"
  "$WORK/kmod/depmod" -b "$R" "$KVER"

  # kmod as the guest's modprobe (the kernel calls /sbin/modprobe for
  # request_module), and lspci as the oracle; both with their shared libraries.
  cp "$KMOD_BIN" "$R/sbin/kmod"
  for a in modprobe lsmod modinfo rmmod depmod; do ln -sf kmod "$R/sbin/$a"; done
  rm -f "$R/sbin/insmod"; ln -s /bin/busybox "$R/sbin/insmod"
  cp "$(command -v lspci)" "$R/usr/bin/lspci"
  cp -L /usr/share/misc/pci.ids "$R/usr/share/misc/pci.ids"
  { ldd "$(command -v lspci)"; ldd "$KMOD_BIN"; } | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
    sort -u | while read -r lib; do
      mkdir -p "$R$(dirname "$lib")"
      cp -L "$lib" "$R$lib"
    done
  # vfiochk: VFIO_GROUP_GET_STATUS and a group holder for the binding tests, static so it needs no libraries.
  gcc -static -O2 -Wall -o "$R/usr/bin/vfiochk" "$LAB_DIR/vfiochk.c"

  # Debian's usrmerge layout: /lib64 holds the loader.
  [ -e "$R/lib64/ld-linux-x86-64.so.2" ] || { mkdir -p "$R/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"; }

  # A realistic /etc: Debian 12's os-release (a relative link, as on Debian).
  cp "$LAB_DIR/os-release" "$R/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$R/etc/os-release"
  echo lab > "$R/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
  printf 'root:x:0:\n' > "$R/etc/group"

  # The harness itself.
  install -m 0755 "$LAB_DIR/init" "$R/init"
  install -m 0755 "$LAB_DIR/sysgrab.sh" "$R/lab/sysgrab.sh"
  install -m 0644 "$LAB_DIR/guestlib.sh" "$R/lab/guestlib.sh"
  for m in "$LAB_DIR"/modes/*.sh; do install -m 0755 "$m" "$R/lab/modes/"; done

  # Sorted file list + gzip -n: the archive depends only on its contents.
  (cd "$R" && find . -mindepth 1 | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2>/dev/null) | gzip -1 -n > "$OUT/initramfs.cpio.gz.tmp"
  mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
  echo "$inputs_hash" > "$OUT/.inputs"
fi
cp -u "$KROOT/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
echo "$KVER" > "$OUT/kernel-version"

# ------------------------------------------------------------ disk image
# 64 MiB, MBR: p1 = ext4 (mounted in the guest), p2 = swap (mkswap'd in the guest),
# so /proc/mounts and /proc/swaps name partitions of the virtio disk.
# run.sh attaches it with snapshot=on, so this template never changes.
if [ ! -f "$OUT/disk.img" ]; then
  log "making disk.img"
  truncate -s 64M "$OUT/disk.img.tmp"
  python3 - "$OUT/disk.img.tmp" <<'PY'
import struct, sys
def entry(ptype, start, count):  # CHS fields unused (0xfe/0xff = use LBA)
    return struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", ptype, b"\xfe\xff\xff", start, count)
mbr = bytearray(512)
struct.pack_into("<I", mbr, 440, 0x7A55D15C)               # disk identifier
mbr[446:462] = entry(0x83, 2048, 96 * 1024 - 2048)          # p1: 1 MiB .. 48 MiB, Linux
mbr[462:478] = entry(0x82, 96 * 1024, 128 * 1024 - 96 * 1024)  # p2: 48 .. 64 MiB, swap
mbr[510:512] = b"\x55\xaa"
with open(sys.argv[1], "r+b") as f:
    f.write(mbr)
PY
  mke2fs -q -F -t ext4 -L vmstore -U 6a1c0de0-5a55-4e1a-9b8a-000000000001 \
    -E offset=$((2048 * 512)) "$OUT/disk.img.tmp" $(((96 * 1024 - 2048) / 2))k
  mv "$OUT/disk.img.tmp" "$OUT/disk.img"
fi
log "ready: $OUT (kernel $KVER)"
