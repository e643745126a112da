#!/usr/bin/env bash
# Times, on one tree, Passthru's in-process warm scan, `lspci -nnk`, and the classic iommu-groups
# shell loop. Usage: benchmarks/compare.sh [TREE] [RUNS]   (default: the largest captured tree, 50 runs)
# For allocation and variance numbers run BenchmarkDotNet instead:
#   dotnet run -c Release --project benchmarks/Passthru.Benchmarks -- --filter '*'
set -euo pipefail
cd "$(dirname "$0")/.."
command -v lspci >/dev/null || { echo "lspci is missing: apt-get install pciutils" >&2; exit 1; }
exec dotnet run -c Release --project benchmarks/Passthru.Benchmarks -- compare "$@"
