#!/bin/sh
# What a KVM host pays per VM exit, with a tiny real-mode guest on this machine's /dev/kvm
# (docs/calibration.md "Running as a host"). Usage: calibration/kvm-exits.sh OUTDIR
# Needs /dev/kvm, binutils (as, objcopy, nm), xxd and cc; reads KVM's counters in /sys/kernel/debug/kvm
# when debugfs is mounted (run as root). Three runs pinned to CPU 0.
set -eu
out=${1:?usage: kvm-exits.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
as --32 -o "$tmp/guest.o" "$here/kvm-exits-guest.S"
objcopy -O binary -j .text "$tmp/guest.o" "$tmp/guest_bin"
( cd "$tmp" && xxd -i guest_bin ) > "$tmp/kvm-exits-guest.h"
nm "$tmp/guest.o" | awk '$3 ~ /_loop$/ { printf "#define %s 0x%s\n", toupper($3), $1 }' >> "$tmp/kvm-exits-guest.h"
cc -O2 -I"$tmp" -o "$tmp/kvm-exits" "$here/kvm-exits.c"
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "# hypervisor=$(grep -c hypervisor /proc/cpuinfo) cpus=$(nproc) kvm_amd.npt=$(cat /sys/module/kvm_amd/parameters/npt 2>/dev/null || echo n/a) kvm_intel.ept=$(cat /sys/module/kvm_intel/parameters/ept 2>/dev/null || echo n/a)"
} > "$out/meta.txt"
for run in 1 2 3; do
  taskset -c 0 "$tmp/kvm-exits" > "$out/run$run.properties"
done
