#!/usr/bin/env bash
# repack.sh SNAPSHOT.tar DEST.tar.gz: repack a snapshot the guest wrote (busybox
# tar) deterministically, as every fixture in tests/fixtures/captured is: GNU tar,
# sorted names, one fixed mtime, numeric owner 0, symlinks kept as links, the
# guest's modes kept, no gzip timestamp.
set -euo pipefail
src=${1:?usage: repack.sh SNAPSHOT.tar DEST.tar.gz}
dest=${2:?usage: repack.sh SNAPSHOT.tar DEST.tar.gz}
x=$(mktemp -d /tmp/passthru-repack.XXXXXX)
trap 'rm -rf "$x"' EXIT
tar -C "$x" -xpf "$src" --no-same-owner
tar -C "$x" --sort=name --mtime=@1704067200 --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf - . | gzip -9 -n > "$dest.tmp"
mv "$dest.tmp" "$dest"
