#!/usr/bin/env bash
# The dashboard's CPU use as its own process: idle (nobody watching: no sampling), then with N
# Chromium pages on the Interrupts page (N circuits at the default 1 Hz). It reads this machine's
# real /proc and /sys (read-only; it binds nothing).
# Usage: benchmarks/live-load.sh [CIRCUITS] [SECONDS] [PAGE]   (default 50 circuits, 60 s windows, the interrupts page)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/chromium ] || { echo "chromium is missing: apt-get install chromium" >&2; exit 1; }
publish=${PASSTHRU_PUBLISHED_DIR:-/var/tmp/passthru-publish}
if [ ! -x "$publish/Passthru.Web" ]; then
    dotnet publish src/Web -c Release -o "$publish" -nologo -clp:ErrorsOnly
fi
exec dotnet run -c Release --project benchmarks/Passthru.Benchmarks -- live "$publish/Passthru.Web" "$@"
