#!/usr/bin/env bash
# capture.sh: regenerate the sysfs/procfs fixtures in tests/fixtures/captured/.
#
# Builds the lab (build.sh), boots it twice in capture mode (emulated Intel
# VT-d, then emulated AMD-Vi), repacks every snapshot the guest
# wrote as a deterministic <name>.tar.gz, and checks them with verify.sh.
#
# Environment: LAB_WORK (see build.sh), CAPTURE_DEST (default: the repo's
# tests/fixtures/captured), CAPTURE_KEEP=1 keeps the raw run directories
# (console logs, guest dmesg) and prints where they are.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEST=${CAPTURE_DEST:-$(cd "$LAB_DIR/../fixtures" && pwd)/captured}
mkdir -p "$DEST"
t0=$(date +%s)

"$LAB_DIR/build.sh"

tmp=$(mktemp -d /tmp/passthru-capture.XXXXXX)
if [ "${CAPTURE_KEEP:-0}" = 1 ]; then echo "capture: run directories kept in $tmp" >&2
else trap 'rm -rf "$tmp"' EXIT; fi

# One boot per IOMMU flavour, one after the other: each guest has 2 vCPUs, and
# two TCG guests on the 2 cores are slower together than in turn.
for iommu in intel amd; do
  LAB_IOMMU=$iommu "$LAB_DIR/run.sh" capture "$tmp/$iommu"
done

# The runs succeeded: replace the previous set (a snapshot may have been renamed),
# but keep the nested run's trees (capture-nested.sh; "run: nested" in lab-info.txt).
for old in "$DEST"/*.tar.gz; do
  [ -e "$old" ] || continue
  tar -xzOf "$old" ./lab-info.txt 2>/dev/null | grep -qx 'run: nested' || rm -f "$old"
done

for snap in "$tmp"/*/snapshots/*.tar; do
  name=$(basename "$snap" .tar)
  "$LAB_DIR/repack.sh" "$snap" "$DEST/$name.tar.gz"
  echo "capture: $DEST/$name.tar.gz ($(stat -c %s "$DEST/$name.tar.gz") bytes)" >&2
done

"$LAB_DIR/verify.sh" "$DEST"/*.tar.gz
echo "capture: done in $(( $(date +%s) - t0 )) s" >&2
