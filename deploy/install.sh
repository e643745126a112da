#!/usr/bin/env bash
# Installs Passthru on this host as a systemd service.
#   sudo deploy/install.sh                   # publish src/Web (needs the .NET SDK), install, enable and start
#   sudo deploy/install.sh --framework-dependent  # the same, built to run on this host's ASP.NET Core 10 runtime
#   sudo deploy/install.sh --published DIR   # install what `dotnet publish src/Web -c Release -o DIR` made
#   deploy/install.sh --root DIR ...         # install into DIR as if it were / (packaging, tests): no systemctl
#   --no-start                               # install only: no systemctl enable --now
#
# What goes where:
#   /opt/passthru/                        the self-contained app (no .NET needed on the host)
#   /etc/systemd/system/passthru.service  deploy/systemd/passthru.service
#   /etc/passthru/appsettings.json        deploy/appsettings.json: this host's settings (never overwritten)
#   /etc/pam.d/passthru                   the login's PAM service: deploy/pam.d/passthru where the host has
#                                         /etc/pam.d/common-auth (Debian, Ubuntu, Proxmox), else
#                                         deploy/pam.d/passthru.system-auth (Fedora, RHEL, Arch); never overwritten
#   /usr/local/bin/passthru               deploy/cli/passthru: the command line with the service's settings
#   /etc/libvirt/hooks/qemu.d/passthru    deploy/libvirt/qemu.d-passthru: libvirt's hook that refuses to start a guest
#                                         whose host device address holds another card than the one Passthru gave it
#                                         (libvirt 6.5 and later; an older libvirt gets it as /etc/libvirt/hooks/qemu
#                                         when it has no qemu hook yet). Only where libvirt is installed (/etc/libvirt);
#                                         a hook Passthru did not write is never replaced.
#   /var/lib/passthru/                    made by systemd (StateDirectory=): the database
# The build is self-contained by default: it carries the .NET runtime patch it was built with, runs on any
# distribution, and gets runtime security fixes with a new Passthru build. A framework-dependent build
# (--framework-dependent, or a DIR published with -p:SelfContained=false) runs on the host's own
# ASP.NET Core 10 runtime (Debian/Ubuntu/Fedora's aspnetcore-runtime-10.0, or Microsoft's packages) and gets
# its security fixes with the distribution's updates, without a rebuild; it needs that runtime installed.
# Every file and folder it creates is listed in /opt/passthru/install-manifest, with the checksum of
# each settings file, so deploy/uninstall.sh removes exactly those (and keeps settings changed since).
# Running it again upgrades: the app, unit and command are replaced; the settings files are kept.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

root=/
published=
start=1
self_contained=true
while [ $# -gt 0 ]; do
    case $1 in
        --root) root=$2; shift 2 ;;
        --published) published=$2; shift 2 ;;
        --framework-dependent) self_contained=false; shift ;;
        --no-start) start=0; shift ;;
        *) echo "usage: $0 [--published DIR | --framework-dependent] [--root DIR] [--no-start]" >&2; exit 64 ;;
    esac
done
root=$(cd "$root" && pwd)
[ "$root" = / ] && root=

log() { echo "install.sh: $*" >&2; }

manifest_path=/opt/passthru/install-manifest
manifest=$root$manifest_path
if [ -e "$root/opt/passthru" ] && [ ! -f "$manifest" ]; then
    log "$root/opt/passthru exists but was not installed by this script (no $manifest_path): move it away first"
    exit 1
fi

# The ASP.NET Core 10 runtimes this host has for a framework-dependent build ("10.0.12" ...), newest last.
host_runtimes() {
    command -v dotnet >/dev/null && dotnet --list-runtimes 2>/dev/null | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ { print $2 }'
}

if [ -z "$published" ]; then
    published=$(mktemp -d "${TMPDIR:-/tmp}/passthru-publish.XXXXXX")
    trap 'rm -rf "$published"' EXIT
    log "dotnet publish src/Web -c Release -p:SelfContained=$self_contained"
    dotnet publish "$repo/src/Web" -c Release -p:SelfContained="$self_contained" -o "$published" -nologo -clp:ErrorsOnly
fi
[ -x "$published/Passthru.Web" ] || { log "no Passthru.Web in $published: not a published build"; exit 1; }

# Which runtime the build runs on: the one it carries ("includedFrameworks"), or the host's ("frameworks").
if grep -q '"includedFrameworks"' "$published/Passthru.Web.runtimeconfig.json"; then
    runtime=$(grep -A1 '"Microsoft.NETCore.App"' "$published/Passthru.Web.runtimeconfig.json" | grep -o '[0-9][0-9.]*' | head -n1)
    log "self-contained build: it carries the .NET $runtime runtime; runtime security fixes come with a new Passthru build"
elif [ -n "$root" ]; then
    log "framework-dependent build: the host under $root must have the ASP.NET Core 10 runtime (aspnetcore-runtime-10.0)"
elif [ -z "$(host_runtimes)" ]; then
    log "framework-dependent build, but this host has no ASP.NET Core 10 runtime: install your distribution's aspnetcore-runtime-10.0 (or Microsoft's), or install the self-contained build"
    exit 1
else
    log "framework-dependent build: it runs on this host's ASP.NET Core $(host_runtimes | tail -n1); runtime security fixes come with the distribution's updates"
fi

# The new manifest: what an earlier install recorded and is still there (folders, settings files),
# then what this run creates. Lines are "KIND<TAB>PATH[<TAB>SHA256]", paths as on the target host.
entries=()
old_files=()
if [ -f "$manifest" ]; then
    while IFS=$'\t' read -r kind path sum; do
        case $kind in
            file) old_files+=("$path") ;;
            dir) [ -d "$root$path" ] && entries+=("dir	$path") ;;
            config) [ -f "$root$path" ] && entries+=("config	$path	$sum") ;;
        esac
    done < "$manifest"
fi

# An upgrade replaces the app: files of the previous version that the new one lacks must not linger.
rm -f -- "${old_files[@]/#/$root}"

# Creates a folder and any missing parents, recording each one it created.
make_dir() {
    local path=$1 missing=()
    while [ -n "$path" ] && [ "$path" != / ] && [ ! -d "$root$path" ]; do
        missing=("$path" "${missing[@]}")
        path=$(dirname "$path")
    done
    for path in "${missing[@]}"; do
        mkdir -m 0755 "$root$path"
        entries+=("dir	$path")
    done
}

# Installs a file that install owns (replaced on every install, removed on uninstall).
put_file() {
    local source=$1 path=$2 mode=$3
    make_dir "$(dirname "$path")"
    install -m "$mode" "$source" "$root$path"
    entries+=("file	$path")
}

# Installs a settings file unless one is there: the host's own settings win over ours. Its checksum
# tells uninstall whether it was changed since.
put_config() {
    local source=$1 path=$2 mode=$3
    if [ -e "$root$path" ]; then
        log "kept the existing $path"
        return
    fi
    make_dir "$(dirname "$path")"
    install -m "$mode" "$source" "$root$path"
    entries+=("config	$path	$(sha256sum < "$root$path" | cut -d' ' -f1)")
}

log "installing into ${root:-/}"
make_dir /opt/passthru
while IFS= read -r -d '' folder; do
    make_dir "/opt/passthru/${folder#"$published"/}"
done < <(find "$published" -mindepth 1 -type d -print0 | sort -z)
cp -a --no-preserve=ownership "$published/." "$root/opt/passthru/"
while IFS= read -r -d '' item; do
    entries+=("file	/opt/passthru/${item#"$published"/}")
done < <(find "$published" -mindepth 1 ! -type d -print0 | sort -z)

put_file "$repo/deploy/systemd/passthru.service" /etc/systemd/system/passthru.service 0644
put_file "$repo/deploy/cli/passthru" /usr/local/bin/passthru 0755
# 0600: it may come to hold a certificate's password.
put_config "$repo/deploy/appsettings.json" /etc/passthru/appsettings.json 0600
if [ -e "$root/etc/pam.d/common-auth" ]; then
    put_config "$repo/deploy/pam.d/passthru" /etc/pam.d/passthru 0644
else
    put_config "$repo/deploy/pam.d/passthru.system-auth" /etc/pam.d/passthru 0644
fi

# libvirt's hook. libvirt runs every program in hooks/qemu.d since 6.5; an older one runs hooks/qemu alone.
libvirt_version() {
    local daemon
    for daemon in virtqemud libvirtd; do
        if command -v "$daemon" >/dev/null; then
            "$daemon" --version 2>/dev/null | grep -o '[0-9][0-9]*\.[0-9][0-9]*' | head -n1
            return
        fi
    done
}
hook_installed=0  # 1: a hook libvirt does not know of yet
if [ ! -d "$root/etc/libvirt" ]; then
    log "libvirt is not installed (no /etc/libvirt): no libvirt hook; run install.sh again after installing libvirt"
else
    hook=/etc/libvirt/hooks/qemu.d/passthru
    version=
    # Under --root the target's libvirt cannot be asked: it is taken to be 6.5 or later, like every supported distribution's.
    [ -z "$root" ] && version=$(libvirt_version)
    if [ -n "$version" ] && [ "$(printf '%s\n' "$version" 6.5 | sort -V | head -n1)" != 6.5 ]; then
        hook=/etc/libvirt/hooks/qemu
    fi
    # An earlier install's hook was removed above with its other files: one still there is someone else's.
    if [ -e "$root$hook" ]; then
        if [ "$hook" = /etc/libvirt/hooks/qemu ]; then
            log "libvirt $version runs /etc/libvirt/hooks/qemu alone, and this host has its own: left alone. To have Passthru refuse a start on a changed card, add to it:"
            log "  if [ \"\$2 \$3\" = 'prepare begin' ]; then /usr/local/bin/passthru libvirt-hook \"\$@\"; [ \$? -ne 1 ] || exit 1; fi"
            log "(it reads the domain XML on stdin: put it before anything else in that hook reads stdin)"
        else
            log "kept the existing $hook: not written by this script"
        fi
    else
        put_file "$repo/deploy/libvirt/qemu.d-passthru" "$hook" 0755
        # An upgrade replaces a hook libvirt already runs; only a new one needs libvirt restarted.
        if ! printf '%s\n' "${old_files[@]}" | grep -qxF "$hook"; then
            hook_installed=1
        fi
    fi
fi

printf '%s\n' "${entries[@]}" | awk '!seen[$0]++' > "$manifest"

if [ -n "$root" ]; then
    log "installed into $root; systemctl left alone"
    if [ "$hook_installed" = 1 ]; then
        log "libvirt looks for its hooks when it starts: restart it on that host to turn the hook on"
    fi
elif [ ! -d /run/systemd/system ]; then
    log "installed; systemd is not running here, so the service was not started (systemctl enable --now passthru once it is)"
    if [ "$hook_installed" = 1 ]; then
        log "libvirt looks for its hooks when it starts: restart libvirtd to turn the hook on"
    fi
else
    systemctl daemon-reload
    if [ "$hook_installed" = 1 ]; then
        # libvirt looks for its hooks when it starts. A restart keeps running guests running.
        if systemctl try-restart libvirtd.service virtqemud.service; then
            log "restarted libvirt (where it ran), so that it runs the new hook"
        else
            log "could not restart libvirt: restart it yourself to turn the hook on"
        fi
    fi
    if [ "$start" = 1 ]; then
        systemctl enable passthru.service
        systemctl restart passthru.service
        log "passthru is running: http://127.0.0.1:5280 (journalctl -u passthru for its log)"
    else
        log "installed; start it with: systemctl enable --now passthru"
    fi
fi
