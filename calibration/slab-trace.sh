#!/bin/bash
# asi-sim (issue 12): capture the slab events of a path walk and an archive of a real tree, with
# /proc/slabinfo, /proc/vmstat and /sys/kernel/slab before and after, for the SLUB model's checks
# (docs/calibration.md, "Slab"): SlabGeometryTest (every cache's order and partial-list sizes),
# SlabInfoTest (the /proc/slabinfo format) and the nr_slab_* comparison of the replay.
#
#   sudo calibration/slab-trace.sh [OUTDIR]
#
# Needs: perf, root (system-wide tracepoints, /proc/slabinfo). Writes OUTDIR (default
# calibration/data/vm-YYYYMMDD): slab.perf.txt.xz, slabinfo.{before,after}.xz, vmstat.{before,after}.xz,
# sys-kernel-slab.tsv.xz (per cache: object_size slab_size order objs_per_slab min_partial cpu_partial
# reclaim_account cache_dma sheaf_capacity aliases; real caches, not alias links),
# slab-flags.tsv.xz (reclaim_account and cache_dma of every name, aliases included).
set -euo pipefail
OUT=${1:-$(cd "$(dirname "$0")" && pwd)/data/vm-$(date +%Y%m%d)}
WORK=${WORK:-/tmp/calib_slab}
mkdir -p "$OUT" "$WORK"
snapshot() { # $1 = before|after
  cat /proc/slabinfo > "$WORK/slabinfo.$1"
  cat /proc/vmstat > "$WORK/vmstat.$1"
}
snapshot before
perf record -q -o "$WORK/slab.data" -e kmem:kmem_cache_alloc -e kmem:kmem_cache_free -e kmem:kmalloc -e kmem:kfree -a \
  -- sh -c 'find /usr -xdev > /dev/null; tar cf - /usr/share/doc 2>/dev/null | gzip -1 > /dev/null' 2> "$WORK/perf-record.log"
snapshot after
perf script -i "$WORK/slab.data" 2> "$WORK/perf-script.err" | xz -6 > "$OUT/slab.perf.txt.xz"
cd /sys/kernel/slab
{
  printf 'name\tobject_size\tslab_size\torder\tobjs_per_slab\tmin_partial\tcpu_partial\treclaim_account\tcache_dma\tsheaf_capacity\taliases\n'
  for d in *; do
    [ -L "$d" ] && continue
    printf '%s' "$d"
    for f in object_size slab_size order objs_per_slab min_partial cpu_partial reclaim_account cache_dma sheaf_capacity aliases; do
      printf '\t%s' "$(cat "$d/$f" 2>/dev/null)"
    done
    printf '\n'
  done
} > "$WORK/sys-kernel-slab.tsv"
{
  printf '# name\treclaim_account\tcache_dma\tslab_size\tobject_size\ttarget\n'
  for d in *; do
    t=$(readlink -f "$d")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$(cat "$d/reclaim_account")" "$(cat "$d/cache_dma")" "$(cat "$d/slab_size")" \
      "$(cat "$d/object_size")" "$(basename "$t")"
  done
} > "$WORK/slab-flags.tsv"
for f in slabinfo.before slabinfo.after vmstat.before vmstat.after sys-kernel-slab.tsv slab-flags.tsv; do
  xz -6 -c "$WORK/$f" > "$OUT/$f.xz"
done
echo "$OUT: $(xz -dc "$OUT/slab.perf.txt.xz" | wc -l) trace lines" >&2
