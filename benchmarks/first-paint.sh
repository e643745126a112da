#!/usr/bin/env bash
# How soon Chromium paints the IOMMU groups page of the published dashboard, on the largest captured
# tree (or TREE), over RUNS fresh visits (no cache, no cookies): medians of first contentful paint and
# of the moment the page is live.
# Usage: benchmarks/first-paint.sh [TREE] [RUNS]
exec "$(dirname "$0")/published.sh" firstpaint "$@"
