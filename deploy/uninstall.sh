#!/usr/bin/env bash
# Removes what deploy/install.sh installed, and nothing else: the paths in
# /opt/passthru/install-manifest.
#   sudo deploy/uninstall.sh            # keeps the history (/var/lib/passthru) and settings you changed
#   sudo deploy/uninstall.sh --purge    # removes those too
#   deploy/uninstall.sh --root DIR      # from a tree install.sh --root DIR made: no systemctl
# libvirt's hook (/etc/libvirt/hooks/qemu.d/passthru) goes with the other files; libvirt looks for the hook
# at each guest start, so it needs no restart to stop running it.
# Settings files (/etc/passthru/appsettings.json, /etc/pam.d/passthru) are removed only while they are
# as installed: one you edited is yours, and stays (with its folder) unless --purge.
set -euo pipefail

root=/
purge=0
while [ $# -gt 0 ]; do
    case $1 in
        --root) root=$2; shift 2 ;;
        --purge) purge=1; shift ;;
        *) echo "usage: $0 [--purge] [--root DIR]" >&2; exit 64 ;;
    esac
done
root=$(cd "$root" && pwd)
[ "$root" = / ] && root=

log() { echo "uninstall.sh: $*" >&2; }

manifest=$root/opt/passthru/install-manifest
if [ ! -f "$manifest" ]; then
    log "no $manifest: Passthru was not installed here by deploy/install.sh"
    exit 1
fi

if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    systemctl disable --now passthru.service || true
fi

dirs=()
files=()
while IFS=$'\t' read -r kind path sum; do
    case $kind in
        file) files+=("$root$path") ;;
        config)
            if [ ! -e "$root$path" ]; then
                :
            elif [ "$purge" = 1 ] || [ "$(sha256sum < "$root$path" | cut -d' ' -f1)" = "$sum" ]; then
                rm -f "$root$path"
            else
                log "kept $path: changed since it was installed (--purge removes it)"
            fi
            ;;
        dir) dirs=("$path" "${dirs[@]}") ;;
    esac
done < "$manifest"
rm -f -- "${files[@]}" "$manifest"

# Deepest first; a folder that still holds something not ours (or a kept settings file) stays.
for path in "${dirs[@]}"; do
    rmdir "$root$path" 2>/dev/null || log "kept $path: not empty"
done

if [ "$purge" = 1 ]; then
    rm -rf "$root/var/lib/passthru"
elif [ -d "$root/var/lib/passthru" ]; then
    log "kept /var/lib/passthru (the history; --purge removes it)"
fi

if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl reset-failed passthru.service 2>/dev/null || true
fi
log "removed"
