#!/usr/bin/env bash
# Makes `FROM debian:bookworm-slim` buildable without a container registry (none is reachable from
# the project's machines): debootstrap a minimal Debian bookworm once, keep it as a tar in a cache
# that outlives test runs, and import it into podman's local storage under the name the
# Dockerfile asks for. Where podman already has debian:bookworm-slim (pulled from a registry, or
# imported by an earlier run) nothing is done.
#   tests/container/import-base-image.sh
# Cost: ~1 min the first time on a machine (debootstrap), ~4 s to import from the cached tar.
set -euo pipefail

image=docker.io/library/debian:bookworm-slim
cache=${PASSTHRU_BASE_IMAGE_CACHE:-/var/cache/passthru-test}
tarball=$cache/debian-bookworm-rootfs.tar

log() { echo "import-base-image: $*" >&2; }

if podman image exists "$image"; then
    exit 0
fi

# The mirror apt already uses here: the registry copies the project's machines reach.
mirror() {
    local uri
    uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\?[[:space:]]*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    [ -n "$uri" ] || uri=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\/debian\)\/\?[[:space:]]\+.*/\2/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
    echo "${uri:-http://deb.debian.org/debian}"
}

if [ ! -f "$tarball" ]; then
    rootfs=$(mktemp -d /var/tmp/passthru-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    log "debootstrap bookworm from $(mirror) (once per machine; cached in $tarball)"
    debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" > "$rootfs.log" 2>&1 \
        || { tail -n 20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
    rm -f "$rootfs.log"
    # What the slim image leaves out too: downloaded packages and package lists (a build runs apt-get update).
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    mkdir -p "$cache"
    tar -C "$rootfs" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
fi

log "importing $tarball as $image"
podman import --quiet "$tarball" "$image" >/dev/null
