#!/usr/bin/env bash
# How soon Chromium paints the IOMMU groups page of the published dashboard, on the largest captured
# tree (or TREE), over RUNS fresh visits (no cache, no cookies): medians of first contentful paint and
# of the moment the page is live.
# Usage: benchmarks/first-paint.sh [TREE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/chromium ] || { echo "chromium is missing: apt-get install chromium" >&2; exit 1; }
publish=${PASSTHRU_PUBLISHED_DIR:-/var/tmp/passthru-publish}
if [ ! -x "$publish/Passthru.Web" ]; then
    dotnet publish src/Web -c Release -o "$publish" -nologo -clp:ErrorsOnly
fi
exec dotnet run -c Release --project benchmarks/Passthru.Benchmarks -- firstpaint "$publish/Passthru.Web" "$@"
