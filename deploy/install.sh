#!/usr/bin/env bash
# Installs Passthru on this host as a systemd service.
#   sudo deploy/install.sh                   # publish src/Web (needs the .NET SDK), install, enable and start
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
#   /var/lib/passthru/                    made by systemd (StateDirectory=): the database
# Every file and folder it creates is listed in /opt/passthru/install-manifest, with the checksum of
# each settings file, so deploy/uninstall.sh removes exactly those (and keeps settings changed since).
# Running it again upgrades: the app, unit and command are replaced; the settings files are kept.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

root=/
published=
start=1
while [ $# -gt 0 ]; do
    case $1 in
        --root) root=$2; shift 2 ;;
        --published) published=$2; shift 2 ;;
        --no-start) start=0; shift ;;
        *) echo "usage: $0 [--published DIR] [--root DIR] [--no-start]" >&2; exit 64 ;;
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

if [ -z "$published" ]; then
    published=$(mktemp -d "${TMPDIR:-/tmp}/passthru-publish.XXXXXX")
    trap 'rm -rf "$published"' EXIT
    log "dotnet publish src/Web -c Release"
    dotnet publish "$repo/src/Web" -c Release -o "$published" -nologo -clp:ErrorsOnly
fi
[ -x "$published/Passthru.Web" ] || { log "no Passthru.Web in $published: not a published build"; exit 1; }

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

printf '%s\n' "${entries[@]}" | awk '!seen[$0]++' > "$manifest"

if [ -n "$root" ]; then
    log "installed into $root; systemctl left alone"
elif [ ! -d /run/systemd/system ]; then
    log "installed; systemd is not running here, so the service was not started (systemctl enable --now passthru once it is)"
else
    systemctl daemon-reload
    if [ "$start" = 1 ]; then
        systemctl enable passthru.service
        systemctl restart passthru.service
        log "passthru is running: http://127.0.0.1:5280 (journalctl -u passthru for its log)"
    else
        log "installed; start it with: systemctl enable --now passthru"
    fi
fi
