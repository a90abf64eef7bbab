#!/bin/bash
# Huge tmpfs folios on this kernel: for each tmpfs huge= option, a fresh tmpfs mount, fio's layout
# of a 1 GiB file (sequential 4 KiB writes, as fio-randread's model lays its file out), fio's 4 KiB
# random reads, a 2 MiB-aligned MAP_PRIVATE read pass over the file (shmem_fault.c) and a 3 MiB
# file (a folio past the end), microbench.c's pread group, with the /proc/vmstat counters of large page-cache folios before
# and after each step (docs/calibration.md "Huge tmpfs folios").
#
#   calibration/shmem-thp.sh OUTDIR        (root: it mounts tmpfs under /mnt)
set -euo pipefail
out=${1:?usage: shmem-thp.sh OUTDIR}
mkdir -p "$out"
bin=$(mktemp)
gcc -O2 -Wall -o "$bin" "$(dirname "$0")/shmem_fault.c"
mb=$(mktemp)
gcc -O2 -Wall -pthread -o "$mb" "$(dirname "$0")/microbench.c"
keys='nr_shmem |nr_shmem_hugepages|nr_shmem_pmdmapped|nr_file_pages|thp_file_alloc|thp_file_fallback|thp_file_mapped|thp_split_page |pgfault'
snap() { grep -E "^($keys)" /proc/vmstat | sed "s/^/$1 /"; }
{
  echo "== $(date -u '+%F %T') UTC, $(uname -r), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "shmem_enabled: $(cat /sys/kernel/mm/transparent_hugepage/shmem_enabled)"
  echo "hugepages-2048kB/shmem_enabled: $(cat /sys/kernel/mm/transparent_hugepage/hugepages-2048kB/shmem_enabled)"
  echo "defrag: $(cat /sys/kernel/mm/transparent_hugepage/defrag)"
  for huge in never always within_size advise; do
    m=/mnt/asi-shmem-$huge
    mkdir -p "$m"
    mount -t tmpfs -o size=2g,huge=$huge tmpfs "$m"
    echo "=== huge=$huge"
    snap before-layout
    fio --name=layout --filename=$m/f --size=1g --rw=write --bs=4k --ioengine=psync | grep -E 'WRITE:|bw='
    snap after-layout
    for _ in 1 2 3; do
      fio --name=randread --filename=$m/f --size=1g --rw=randread --bs=4k --ioengine=psync --numjobs=1 \
        --invalidate=0 --time_based --runtime=5 --randrepeat=1 | grep -m1 'IOPS='
    done
    # the pread group of microbench.c in the same mount: a hot page and a random page of 1 GiB, TSC ticks
    "$mb" --only pread --shm-dir $m | grep -E 'pread_4k'
    snap before-mmap
    "$bin" $m/f
    snap after-mmap
    head -c $((3 << 20)) /dev/zero > $m/small
    snap after-3MiB-file
    rm -f $m/f $m/small
    snap after-rm
    umount "$m"
    rmdir "$m"
  done
} 2>&1 | tee "$out/shmem-thp.txt"  # committed xz-compressed
rm -f "$bin" "$mb"
