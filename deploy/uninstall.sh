#!/usr/bin/env bash
# Removes what deploy/install.sh installed, and nothing else: the paths in
# /opt/passthru/install-manifest.
#   sudo deploy/uninstall.sh            # keeps the history (/var/lib/passthru) and settings you changed
#   sudo deploy/uninstall.sh --purge    # removes those too
#   deploy/uninstall.sh --root DIR      # from a tree install.sh --root DIR made: no systemctl
# Claims at boot (/etc/passthru/boot-claims.json and the udev rules, module and initramfs files it lists)
# stay, still working, unless --purge.
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

# The claims at boot: the files their record lists, with the record. Without --purge they stay and keep working
# (plain udev rules and module options), unchecked.
claims=$root/etc/passthru/boot-claims.json
if [ -f "$claims" ]; then
    if [ "$purge" = 1 ]; then
        sed -n 's/^ *"\(etc\/[A-Za-z0-9._:\/-]*\)": *"[0-9a-f]\{64\}",\{0,1\}$/\1/p' "$claims" | while read -r path; do
            case $path in *..*) continue ;; esac
            rm -f -- "$root/$path" && log "removed /$path (a claim at boot)"
        done
        rm -f "$claims"
        rmdir "$root/etc/passthru" 2>/dev/null || true
        log "claims at boot removed: rebuild the initramfs before the next boot (update-initramfs -u -k all, dracut --regenerate-all --force or mkinitcpio -P)"
    else
        log "kept the claims at boot (/etc/passthru/boot-claims.json and the files it lists): they keep their devices on vfio-pci; --purge removes them"
    fi
fi

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
