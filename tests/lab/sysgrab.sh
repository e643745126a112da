#!/bin/sh
# sysgrab.sh DEST: mirror the sysfs/procfs files a PCI-passthrough tool reads
# into DEST, as a fixture tree (DEST/sys/..., DEST/proc/..., DEST/etc/os-release,
# DEST/dev/vfio/*, plus lspci outputs from this kernel as the oracle).
# Runs in the lab guest under busybox sh.
#
# How it copies, and why:
# - Files are read to EOF (busybox cp does), never trusting st_size: sysfs
#   reports 4096 for every attribute, so tar would pad or cut them.
# - Symlinks are copied verbatim (sysfs links are relative), never followed.
# - Never opened, only recreated empty with their original mode ("placeholders"):
#   resource0..N (BAR files: reading an I/O BAR does port I/O on the device),
#   rom, vpd (slow, can block), and the write-only files (bind, unbind, new_id,
#   remove, rescan, reset, drivers_probe, ...: opening them for reading just
#   fails). Files whose read fails (e.g. EIO) also end up as empty placeholders.
# - Forks are slow under TCG, so whole subtrees go through one `cp -a` each; only
#   PCI device directories (the ones holding the files above) are walked by hand.
# shellcheck disable=SC3043  # busybox sh has `local`
set -eu
# stamp WHAT: progress with guest uptime on the console (builtins only).
stamp() { read -r _up _ < /proc/uptime; echo "sysgrab: [$_up] $*"; }

DEST=${1:?usage: sysgrab.sh DEST}
ERR=/tmp/sysgrab.err
: > "$ERR"
mkdir -p "$DEST"

# copy_tree PATH...: copy whole subtrees (or files/links) with their parents.
copy_tree() {
  for p in "$@"; do
    [ -e "$p" ] || [ -L "$p" ] || continue
    mkdir -p "$DEST${p%/*}"
    cp -a "$p" "$DEST${p%/*}/" 2>>"$ERR" || true
  done
}

# pci_tree DIR: a PCI device directory (or the root bus pci0000:00). Copies all
# of it in one cp call, except the never-read files above and the nested PCI
# device directories (below a bridge), which it recurses into.
pci_tree() {
  local dir="$1" e n subs=""
  mkdir -p "$DEST$dir"
  set --
  for e in "$dir"/*; do
    n=${e##*/}
    case "$n" in
      resource[0-9]*|rom|vpd|remove|rescan|reset) continue ;;
    esac
    if [ -d "$e" ] && [ ! -L "$e" ] && [ -f "$e/config" ]; then
      subs="$subs $e"
      continue
    fi
    set -- "$@" "$e"
  done
  [ $# -eq 0 ] || cp -a "$@" "$DEST$dir/" 2>>"$ERR" || true
  for e in $subs; do pci_tree "$e"; done
}

# ------------------------------------------------------------------- sysfs
stamp start
for root in /sys/devices/pci0000:*; do pci_tree "$root"; done
stamp "PCI device tree copied"
copy_tree /sys/bus/pci /sys/kernel/iommu_groups /sys/class/iommu /sys/devices/virtual/iommu
# vfio's char devices and the class links of the PCI functions' children.
copy_tree /sys/class/vfio /sys/class/vfio-dev /sys/devices/virtual/vfio /sys/devices/virtual/misc/vfio
copy_tree /sys/class/net /sys/class/block /sys/class/sound /sys/class/drm
# What the safety rules read: input devices (a keyboard on a USB controller), the consoles (fbcon on the boot VGA).
copy_tree /sys/class/input /sys/class/vtconsole /sys/devices/virtual/vtconsole
# vfio modules (vfio, vfio_pci, vfio_pci_core, vfio_iommu_type1, ...), without
# their ELF notes and section addresses.
for m in /sys/module/vfio*; do
  [ -d "$m" ] || continue
  for e in "$m"/*; do
    case "${e##*/}" in notes|sections) continue ;; esac
    copy_tree "$e"
  done
done

stamp "other sysfs copied"
# Placeholders: every regular file in the sources that was not copied.
find /sys/devices/pci0000:* /sys/bus/pci /sys/kernel/iommu_groups \
     /sys/devices/virtual/iommu /sys/devices/virtual/vfio /sys/devices/virtual/misc/vfio \
     /sys/module/vfio* \( -name notes -o -name sections \) -prune -o -type f -print 2>/dev/null > /tmp/sysgrab.files || true
stamp "source files listed"
find "$DEST/sys" -type f | sed "s|^$DEST||" > /tmp/sysgrab.have
# Lines that appear once: in the source list and not in the copy.
sort /tmp/sysgrab.files /tmp/sysgrab.have /tmp/sysgrab.have | uniq -u > /tmp/sysgrab.missing
stamp "missing files found"
xargs -r stat -c '%a %n' < /tmp/sysgrab.missing > /tmp/sysgrab.modes
while read -r mode f; do : > "$DEST$f"; done < /tmp/sysgrab.modes
for mode in $(cut -d' ' -f1 /tmp/sysgrab.modes | sort -u); do
  grep "^$mode " /tmp/sysgrab.modes | cut -d' ' -f2- | sed "s|^|$DEST|" | xargs chmod "$mode"
done

stamp "placeholders made"
# ------------------------------------------------------------ procfs, etc
mkdir -p "$DEST/proc/net" "$DEST/proc/bus/input" "$DEST/etc" "$DEST/usr/lib" "$DEST/dev/vfio"
for f in interrupts cmdline cpuinfo mounts swaps modules iomem ioports version \
         net/route net/if_inet6 net/fib_trie bus/input/devices; do
  cat "/proc/$f" > "$DEST/proc/$f" 2>/dev/null || : > "$DEST/proc/$f"
done
cp -a /etc/os-release "$DEST/etc/"          # a relative link, as on Debian
cp -a /usr/lib/os-release "$DEST/usr/lib/"
# /dev/vfio: empty files named like the real nodes, with their modes.
for n in /dev/vfio/*; do
  [ -e "$n" ] || continue
  : > "$DEST/dev/vfio/${n##*/}"
  chmod "$(stat -c %a "$n")" "$DEST/dev/vfio/${n##*/}"
done

stamp "procfs copied"
# ------------------------------------------------- the oracle: lspci here
lspci -nnk > "$DEST/lspci-nnk.txt"
lspci -vmm -nn -k -D > "$DEST/lspci-vmm-nn-k-D.txt"
lspci -nnvvv > "$DEST/lspci-nnvvv.txt"

stamp "lspci written"
echo "sysgrab: $(wc -l < /tmp/sysgrab.missing) placeholders, $(wc -l < "$ERR") cp messages"
