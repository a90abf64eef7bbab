#!/bin/sh
# Guest-side costs of a virtualized machine, measured from inside it (docs/calibration.md
# "Running as a guest"): a CPUID exit round trip and the cost of a TLB-missing translation
# (a two-dimensional walk in a guest) from a pointer chase over 4 KiB pages against THP.
# Usage: calibration/guest-costs.sh OUTDIR   (3 runs, pinned to CPU 0; needs cc and THP madvise)
set -eu
out=${1:?usage: guest-costs.sh OUTDIR}
mkdir -p "$out"
here=$(dirname "$0")
cc -O2 -o "$out/guest-costs" "$here/guest-costs.c"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "# thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled) hypervisor=$(grep -c hypervisor /proc/cpuinfo) cpus=$(nproc)"
} > "$out/meta.txt"
for run in 1 2 3; do
  taskset -c 0 "$out/guest-costs" > "$out/run$run.properties"
done
rm -f "$out/guest-costs"
