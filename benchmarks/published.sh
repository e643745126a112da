#!/usr/bin/env bash
# Runs one Chromium benchmark of Passthru.Benchmarks against the published dashboard, publishing it
# first when PASSTHRU_PUBLISHED_DIR (default /var/tmp/passthru-publish) has none.
# Usage: benchmarks/published.sh MODE [ARGS...]   (MODE: firstpaint or live)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/chromium ] || { echo "chromium is missing: apt-get install chromium" >&2; exit 1; }
publish=${PASSTHRU_PUBLISHED_DIR:-/var/tmp/passthru-publish}
if [ ! -x "$publish/Passthru.Web" ]; then
    dotnet publish src/Web -c Release -o "$publish" -nologo -clp:ErrorsOnly
fi
mode=$1
shift
exec dotnet run -c Release --project benchmarks/Passthru.Benchmarks -- "$mode" "$publish/Passthru.Web" "$@"
