#!/usr/bin/env bash
# verify.sh FIXTURE.tar.gz...: check captured fixtures against the guest's own
# lspci, using the host's lspci on the captured tree as the reader:
#   lspci -A linux-sysfs -O sysfs.path=$DIR/sys/bus/pci -O hwdb.disable=1 ...
# Only the "Module:" / "Kernel modules:" lines may differ: those come from the
# reader's libkmod, which looks at the host's /lib/modules, not the fixture's.
# hwdb.disable=1 because udev's hwdb renames some devices (the guest has none).
# Also checks that the links a scanner follows resolve inside the fixture,
# and prints each snapshot's IOMMU groups with the driver of every member.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: verify.sh FIXTURE.tar.gz..." >&2; exit 2; }
command -v lspci >/dev/null || { echo "verify: needs lspci (apt-get install pciutils)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/passthru-verify.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bad=0

for tgz in "$@"; do
  name=$(basename "$tgz" .tar.gz)
  d=$tmp/$name
  mkdir -p "$d"
  tar -C "$d" -xzf "$tgz"
  lsp() { lspci -A linux-sysfs -O "sysfs.path=$d/sys/bus/pci" -O hwdb.disable=1 "$@" 2>/dev/null; }

  echo "== $name ($(stat -c %s "$tgz") bytes, $(tar -tzf "$tgz" | wc -l) entries)"
  sed -n 's/^description: /   /p' "$d/lab-info.txt"

  status=ok
  for v in "vmm-nn-k-D:-vmm -nn -k -D:^Module:" "nnk:-nnk:Kernel modules:" "nnvvv:-nnvvv:Kernel modules:"; do
    IFS=: read -r file args ignore <<<"$v"
    # shellcheck disable=SC2086  # $args is a list of lspci options
    if ! diff <(grep -v "$ignore" "$d/lspci-$file.txt") <(lsp $args | grep -v "$ignore") > "$tmp/diff"; then
      echo "   lspci $args: DIFFERS from the guest's output:"; sed 's/^/     /' "$tmp/diff" | head -20
      status=bad
    fi
  done
  [ "$status" = ok ] && echo "   lspci -vmm -nn -k -D, -nnk, -nnvvv: same as the guest's (Module lines aside)"

  # The links a scanner follows must resolve inside the fixture.
  dangling=0
  for dev in "$d"/sys/bus/pci/devices/*; do
    for l in "$dev" "$dev/iommu_group" "$dev/subsystem" "$dev/driver"; do
      [ -L "$l" ] || continue
      t=$(readlink -f "$l" || true)
      case "$t" in "$d"/*) [ -e "$t" ] || { echo "   dangling: ${l#"$d"/}"; dangling=1; } ;;
                   *) echo "   escapes the fixture: ${l#"$d"/}"; dangling=1 ;; esac
    done
  done
  [ "$dangling" = 0 ] || status=bad

  # IOMMU groups with each member's driver; /dev/vfio/N must exist for groups
  # that have a member on vfio-pci.
  for g in $(ls "$d/sys/kernel/iommu_groups" | sort -n); do
    line="   group $g:"
    vfio=0
    for m in "$d/sys/kernel/iommu_groups/$g/devices"/*; do
      a=${m##*/}
      drv=$(basename "$(readlink "$d/sys/bus/pci/devices/$a/driver" 2>/dev/null)" 2>/dev/null || true)
      [ "$drv" = vfio-pci ] && vfio=1
      line="$line ${a#0000:}=${drv:--}"
    done
    if [ "$vfio" = 1 ]; then
      if [ -e "$d/dev/vfio/$g" ]; then line="$line  [/dev/vfio/$g]"; else line="$line  [/dev/vfio/$g MISSING]"; status=bad; fi
    fi
    echo "$line"
  done
  echo "   iommu: $(ls "$d/sys/class/iommu" | tr '\n' ' ')  dev/vfio: $(ls "$d/dev/vfio" | tr '\n' ' ')"
  echo "   result: $status"
  [ "$status" = ok ] || bad=1
done
exit $bad
