#!/usr/bin/env bash
# The dashboard's CPU use as its own process: idle (nobody watching: a sample a minute for the history), then with N
# Chromium pages on the Interrupts page (N circuits at the default 1 Hz). It reads this machine's
# real /proc and /sys (read-only; it binds nothing).
# Usage: benchmarks/live-load.sh [CIRCUITS] [SECONDS] [PAGE]   (default 50 circuits, 60 s windows, the interrupts page)
exec "$(dirname "$0")/published.sh" live "$@"
