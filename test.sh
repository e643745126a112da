#!/usr/bin/env bash
# The one command that runs every test, on a fresh machine or a developer's:
#   ./test.sh
# It installs what the tests need (Debian's Chromium and pciutils; axe-core from the npm registry; the lab's
# qemu and kernel via tests/lab/build.sh), boots the lab once to capture a real kernel's sysfs afresh, makes two real
# local accounts for the login tests (removed at the end), then builds the solution once and runs
# all test projects against the build. The lab boots more inside the tests: the published app
# binding devices in it (Core tests); three boots for claims at boot, the second and third with Debian's
# real systemd-udevd and the third with another card at 04:00.6 (Core tests, about four minutes); and the
# end-to-end browser scenario with libvirtd and a nested guest in it (Browser tests, about four minutes,
# run after the other browser tests).
#
# PASSTHRU_SKIP_LAB=1 skips the lab boot (about a minute) for quick local runs; the tests that need
# it then report as skipped, with the reason.
set -euo pipefail
cd "$(dirname "$0")"

log() { echo "test.sh: $*" >&2; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v lspci >/dev/null || missing+=(pciutils)
[ -f /usr/share/misc/pci.ids ] || missing+=(pci.ids)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
# The libvirt tests: libvirt0 and a real libvirtd (with virsh and the libvirt-qemu user) running tiny qemu guests.
[ -x /usr/sbin/libvirtd ] || missing+=(libvirt-daemon-system)
[ -x /usr/bin/qemu-system-x86_64 ] || missing+=(qemu-system-x86)
# The kernel command line's Apply runs the real update-grub (grub2-common, with grub-common's grub-mkconfig) in a chroot.
[ -x /usr/sbin/update-grub ] || missing+=(grub2-common grub-common)
if [ "${PASSTHRU_SKIP_LAB:-0}" != 1 ]; then
    # The container image tests (ContainerImageTests): rootful podman with runc, and debootstrap for
    # the Debian base image that tests/container/import-base-image.sh makes (no registry here).
    for tool in podman buildah runc debootstrap; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
fi
# InstallScriptTests check the service unit with systemd-analyze verify (no systemd needs to run).
command -v systemd-analyze >/dev/null || missing+=(systemd)
# The local-user tests send requests as real unprivileged accounts (runuser + curl).
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# axe-core, the accessibility engine the browser tests check every page's contrast with (from the npm registry).
axe=/var/cache/passthru-test/axe-core-4.14.1
if [ ! -f "$axe/node_modules/axe-core/axe.min.js" ]; then
    log "installing axe-core"
    mkdir -p "$axe"
    npm install --prefix "$axe" --no-save --no-audit --no-fund axe-core@4.14.1 >/dev/null
fi
export PASSTHRU_AXE=$axe/node_modules/axe-core/axe.min.js

results=$(pwd)/test-results
rm -rf "$results"
mkdir -p "$results"

# Whatever this run adds to the machine goes again when it ends, however it ends.
cleanup=()
trap 'for step in "${cleanup[@]}"; do eval "$step" || true; done' EXIT

# Real host accounts for the login tests (real PAM, the project's PAM service file): one allowed,
# one not, with fresh random passwords; removed when the run ends.
log "making the login tests' accounts (tests/pam-users.sh)"
eval "$(tests/pam-users.sh create)"
cleanup+=("tests/pam-users.sh remove")

if [ "${PASSTHRU_SKIP_LAB:-0}" != 1 ]; then
    # A real kernel with a real IOMMU, booted in qemu: the fresh capture is compared with the
    # committed fixtures by FreshCaptureTests.
    fresh=$(mktemp -d /tmp/passthru-fresh-capture.XXXXXX)
    cleanup+=("rm -rf '$fresh'")
    log "booting the lab (tests/lab/capture.sh)"
    CAPTURE_DEST=$fresh tests/lab/capture.sh > "$results/lab-capture.log" 2>&1 \
        || { tail -n 40 "$results/lab-capture.log" >&2; log "the lab capture failed (log: $results/lab-capture.log)"; exit 1; }
    export PASSTHRU_FRESH_CAPTURE=$fresh
fi

log "building"
dotnet build Passthru.sln -c Release -nologo -clp:ErrorsOnly

if [ "${PASSTHRU_SKIP_LAB:-0}" != 1 ]; then
    # The self-contained build the lab's guest runs from the host's root over 9p (LabBindingTests).
    # Not under /tmp: the guest mounts a fresh tmpfs there inside its chroot.
    publish=/var/tmp/passthru-publish
    log "publishing to $publish"
    rm -rf "$publish"
    dotnet publish src/Web -c Release -o "$publish" -nologo -clp:ErrorsOnly > "$results/publish.log" 2>&1 \
        || { cat "$results/publish.log" >&2; exit 1; }
    export PASSTHRU_PUBLISHED_APP=$publish/Passthru.Web
fi

status=0
failed_projects=""
for project in tests/Passthru.Core.Tests tests/Passthru.Web.Tests tests/Passthru.Browser.Tests; do
    name=$(basename "$project")
    log "running $name"
    dotnet test "$project" -c Release --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
        2>&1 | tee "$results/$name.log" \
        || { status=1; failed_projects="$failed_projects $name"; }
done

# One closing line for all projects, from dotnet test's own per-project summaries.
cat "$results"/Passthru.*.log | awk '
    /^(Passed|Failed)!/ {
        for (i = 1; i <= NF; i++) {
            gsub(",", "", $(i + 1))
            if ($i == "Failed:") failed += $(i + 1)
            if ($i == "Passed:") passed += $(i + 1)
            if ($i == "Skipped:") skipped += $(i + 1)
        }
        runs++
    }
    END {
        if (runs < 3) { print "test.sh: a test project did not report a summary" > "/dev/stderr"; failed += 1 }
        printf "total: %d passed, %d failed, %d skipped\n", passed, failed, skipped
        exit failed > 0
    }' || status=1
# dotnet test also fails a run for errors outside any test, such as a fixture's cleanup.
[ -z "$failed_projects" ] || log "dotnet test failed for:$failed_projects (see test-results/*.log)"

exit $status
