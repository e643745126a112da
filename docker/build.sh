#!/usr/bin/env bash
# Builds Passthru's container image: the one command.
#   docker/build.sh                       # publish src/Web, then build passthru:latest
#   docker/build.sh --published DIR       # build from a folder `dotnet publish src/Web -c Release` made
#   docker/build.sh --tag NAME -- ARGS    # another image name; ARGS go to `podman build` / `docker build`
# The app is published on this machine rather than in a .NET SDK build stage: self-contained, so the
# image needs no .NET runtime, and no SDK image has to be pulled. Builds with podman when it is
# installed, else docker; PASSTHRU_CONTAINER_ENGINE=docker (or podman) chooses.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

published=
tag=passthru:latest
while [ $# -gt 0 ]; do
    case $1 in
        --published) published=$2; shift 2 ;;
        --tag) tag=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "usage: $0 [--published DIR] [--tag NAME] [-- BUILD-ARGS...]" >&2; exit 64 ;;
    esac
done

engine=${PASSTHRU_CONTAINER_ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}

if [ -z "$published" ]; then
    published=$repo/artifacts/publish
    echo "build.sh: dotnet publish src/Web -c Release -o $published" >&2
    rm -rf "$published"
    dotnet publish "$repo/src/Web" -c Release -o "$published" -nologo -clp:ErrorsOnly
fi
[ -x "$published/Passthru.Web" ] || { echo "build.sh: no Passthru.Web in $published: not a published build" >&2; exit 1; }

# The build context holds only what the image needs (docker/Dockerfile says what each part is).
context=$(mktemp -d "${TMPDIR:-/var/tmp}/passthru-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
# Hard links when the published folder is on the same file system: the context costs no copy.
cp -al "$published" "$context/app" 2>/dev/null || cp -a "$published" "$context/app"
mkdir "$context/pam.d"
cp "$repo/deploy/pam.d/passthru" "$context/pam.d/passthru"
cp "$repo/docker/healthcheck.sh" "$context/healthcheck.sh"

# podman writes OCI images by default, which have no HEALTHCHECK: the docker format keeps it.
format=()
[ "$(basename "$engine")" = podman ] && format=(--format docker)
"$engine" build "${format[@]}" -f "$repo/docker/Dockerfile" -t "$tag" "$@" "$context"
