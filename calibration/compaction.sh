#!/bin/bash
# asi-sim: memory compaction and page migration measured on purpose-fragmented memory, for the cost
# of migrate_pages() per page and of a compaction run, and a real trace of compaction events.
# calibration/compact_frag.c writes an anonymous region of all free memory but $HEADROOM_MB
# (MADV_NOHUGEPAGE, 4 KiB movable pages) and drops about all but one page of every $STRIDE, chosen by
# a hash of the physical frame number, so the free memory it returns is small holes (mostly order 0)
# among its survivors; then `echo 1 > /proc/sys/vm/compact_memory` compacts every zone while the
# survivors stay mapped.
#
#   sudo calibration/compaction.sh [OUTDIR]
#
# Records, per cycle (drop_caches, fragment, compact, release): /proc/vmstat, buddyinfo and
# pagetypeinfo before and after the compaction, its wall time (date +%s%N around the write) and the
# writer's on-CPU and runqueue-wait time (/proc/PID/schedstat), and
#   - cycles 1..$RUNS: `perf stat -a` of the compaction and migration tracepoints (exact counts);
#   - cycle "parity": as a run, but the kept frames are exactly the even ones (every hole order 0, at
#     a fixed spacing): the free scanner's stride, doubled after each pageblock where it found
#     nothing, is then even and, from a pageblock's even first frame, lands only on kept pages
#     (reported apart, not in the median);
#   - cycle "record": `perf record -a` of the moderate-volume tracepoints ($REC_EV), `perf script`
#     to compaction.perf.txt.xz;
#   - cycle "thp": no compact_memory; instead, with transparent_hugepage/enabled=madvise (restored at
#     the end) and defrag left as found, compact_frag thp writes an MADV_HUGEPAGE region as large as
#     the free memory in order>=9 blocks plus $THP_EXTRA_MB, so that some of its faults must compact
#     (direct compaction: compact_stall); vmstat before and after, `perf stat -a` of the same events.
# Runs, parity and record are repeated while they end contended (see below).
# Each compaction's end status per zone (complete, or contended when it stopped early) comes from
# mm_compaction_end in a private ftrace instance (instances/calib_compaction, removed at the end).
# kcompactd's proactive compaction is switched off for the whole capture (vm.compaction_proactiveness
# 0, restored at the end) so that it does not compact the fragmented memory before we do.
# Writes runs.tsv and README.md (calibration/data/vm-20261207/compaction/). Needs root, perf, gcc, python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/data/vm-$(date +%Y%m%d)/compaction}
WORK=${WORK:-/tmp/calib_compaction}
HEADROOM_MB=${HEADROOM_MB:-4608} # MemFree left untouched by the fragmenting region (>= 4 GiB)
STRIDE=${STRIDE:-2}              # keep 1 page of every STRIDE
RUNS=${RUNS:-3}
THP_EXTRA_MB=${THP_EXTRA_MB:-1024}
EXTRA_RUNS=${EXTRA_RUNS:-6}
RETRIES=${RETRIES:-3}
TR=/sys/kernel/tracing/instances/calib_compaction # a private ftrace instance: each run's end status
STAT_EV="-e compaction:mm_compaction_begin -e compaction:mm_compaction_end
 -e compaction:mm_compaction_migratepages -e compaction:mm_compaction_isolate_migratepages
 -e compaction:mm_compaction_isolate_freepages -e compaction:mm_compaction_fast_isolate_freepages
 -e compaction:mm_compaction_finished -e compaction:mm_compaction_suitable
 -e compaction:mm_compaction_try_to_compact_pages -e compaction:mm_compaction_deferred
 -e compaction:mm_compaction_defer_compaction -e compaction:mm_compaction_wakeup_kcompactd
 -e compaction:mm_compaction_kcompactd_wake -e migrate:mm_migrate_pages
 -e migrate:mm_migrate_pages_start -e migrate:set_migration_pte -e migrate:remove_migration_pte"
# the record leaves out the per-page set/remove_migration_pte (one each per migrated page)
REC_EV="-e compaction:mm_compaction_begin -e compaction:mm_compaction_end
 -e compaction:mm_compaction_migratepages -e compaction:mm_compaction_isolate_migratepages
 -e compaction:mm_compaction_isolate_freepages -e compaction:mm_compaction_finished
 -e compaction:mm_compaction_suitable -e migrate:mm_migrate_pages -e migrate:mm_migrate_pages_start"
THP=/sys/kernel/mm/transparent_hugepage
mkdir -p "$OUT" "$WORK"
gcc -O2 -Wall -o "$WORK/compact_frag" "$HERE/compact_frag.c"

thp_enabled0=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP/enabled")
thp_defrag=$(sed 's/.*\[\(.*\)\].*/\1/' "$THP/defrag")
proactive0=$(cat /proc/sys/vm/compaction_proactiveness)
cleanup() {
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done # only this script's own children
  wait 2>/dev/null || true
  echo "$thp_enabled0" > "$THP/enabled"
  echo "$proactive0" > /proc/sys/vm/compaction_proactiveness
  rm -f "$WORK/compaction.data" "$WORK/compact_frag" "$WORK/thp.done" "$WORK/ps"
  if [ -d "$TR" ]; then echo 0 > "$TR/events/compaction/mm_compaction_end/enable"; rmdir "$TR"; fi
}
trap cleanup EXIT
echo 0 > /proc/sys/vm/compaction_proactiveness
mkdir "$TR"
echo 1 > "$TR/events/compaction/mm_compaction_end/enable"

{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "uname=$(uname -r)"
  echo "cpus=$(nproc)"
  echo "cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "mem_total_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
  echo "uptime=$(uptime)"
  echo "thp_enabled=$thp_enabled0"
  echo "thp_defrag=$thp_defrag"
  echo "khugepaged_defrag=$(cat $THP/khugepaged/defrag)"
  echo "compaction_proactiveness=$proactive0"
  echo "extfrag_threshold=$(cat /proc/sys/vm/extfrag_threshold)"
  echo "compact_unevictable_allowed=$(cat /proc/sys/vm/compact_unevictable_allowed)"
  echo "headroom_mb=$HEADROOM_MB stride=$STRIDE runs=$RUNS extra_runs=$EXTRA_RUNS retries=$RETRIES thp_extra_mb=$THP_EXTRA_MB"
} > "$OUT/machine.txt"
ps -eo pid,pcpu,rss,etime,args --sort=-pcpu > "$WORK/ps"; head -12 "$WORK/ps" | cut -c1-200 > "$OUT/ps.start"
grep -E '^(Node|zone|  +(present|managed|spanned))' /proc/zoneinfo > "$OUT/zoneinfo.head"

# fragment NAME [PATTERN]: drop caches, start compact_frag frag over all MemFree but HEADROOM_MB;
# sets $frag
fragment() {
  sync
  echo 3 > /proc/sys/vm/drop_caches
  local free_mb
  free_mb=$(awk '/MemFree/ {print int($2 / 1024)}' /proc/meminfo)
  cat /proc/buddyinfo > "$OUT/$1.buddyinfo.pre-frag"
  "$WORK/compact_frag" frag $((free_mb - HEADROOM_MB)) "$STRIDE" "${2:-hash}" > "$WORK/$1.frag.log" &
  frag=$!
  local t=0
  while ! grep -q '^frag' "$WORK/$1.frag.log" 2>/dev/null; do
    kill -0 "$frag" 2>/dev/null || { echo "compact_frag died" >&2; exit 1; }
    [ $((t += 1)) -lt 1500 ] || { echo "compact_frag frag: no report in 300 s" >&2; exit 1; }
    sleep 0.2
  done
  cp "$WORK/$1.frag.log" "$OUT/$1.frag.log"
}
snap() { # snap NAME WHEN
  cat /proc/vmstat > "$OUT/$1.vmstat.$2"
  cat /proc/buddyinfo > "$OUT/$1.buddyinfo.$2"
  cat /proc/pagetypeinfo > "$OUT/$1.pagetypeinfo.$2"
}
release() { kill "$frag"; wait "$frag" 2>/dev/null || true; }
# prints wall ns, then the writer's on-CPU ns and runqueue-wait ns (/proc/PID/schedstat): the
# compaction runs in the writing shell's context, so these split the wall time when other jobs
# compete for the CPUs
COMPACT='read c0 w0 x < /proc/$$/schedstat; t0=$(date +%s%N); echo 1 > /proc/sys/vm/compact_memory
t1=$(date +%s%N); read c1 w1 x < /proc/$$/schedstat; echo $((t1 - t0)) $((c1 - c0)) $((w1 - w0))'
# end_status NAME: the end status of each zone's compaction (DMA, DMA32, Normal) in the last run
end_status() { { grep -o 'status=[a-z_]*' "$TR/trace" || true; } | sed 's/status=//' | tr '\n' ' ' > "$OUT/$1.end_status"; echo > "$TR/trace"; }

# cycle NAME PATTERN stat|record: fragment, snapshot, compact (under perf stat or perf record), snapshot,
# release; leaves the zones' end statuses in $OUT/NAME.end_status
cycle() {
  fragment "$1" "$2"
  snap "$1" before
  echo > "$TR/trace"
  if [ "$3" = stat ]; then
    perf stat -a $STAT_EV -x, -o "$OUT/$1.perf-stat.csv" -- sh -c "$COMPACT" > "$OUT/$1.wall_ns"
  else
    perf record -m 8M -o "$WORK/compaction.data" -a $REC_EV -- sh -c "$COMPACT" \
      > "$OUT/$1.wall_ns" 2> "$OUT/perf-record.log"
  fi
  snap "$1" after
  end_status "$1"
  release
  local mig=$(($(awk '/^pgmigrate_success/ {print $2}' "$OUT/$1.vmstat.after") -
               $(awk '/^pgmigrate_success/ {print $2}' "$OUT/$1.vmstat.before")))
  echo "$1: wall_cpu_wait_ns=$(cat "$OUT/$1.wall_ns" | tr ' ' /) pgmigrate_success=$mig end_status(DMA,DMA32,Normal)=$(cat "$OUT/$1.end_status")" |
    tee -a "$OUT/tries.txt" >&2
}
contended() { grep -q contended "$OUT/$1.end_status"; }

# A compaction can end early, status=contended: migrate_pages() returned -ENOMEM (no free target
# found) before the scanners met, e.g. when something else on the machine allocates meanwhile. The
# hash runs go on until $RUNS of them are complete (at most $RUNS + $EXTRA_RUNS cycles; the contended
# ones are kept and shown, not in the median); parity and record are retried up to $RETRIES times
# while contended, and the last try is kept. Every try is listed in tries.txt.
rm -f "$OUT/tries.txt"
done_runs=0 i=0
while [ "$done_runs" -lt "$RUNS" ] && [ "$i" -lt $((RUNS + EXTRA_RUNS)) ]; do
  i=$((i + 1))
  cycle "run$i" hash stat
  contended "run$i" || done_runs=$((done_runs + 1))
done
for try in $(seq 1 "$RETRIES"); do
  cycle parity parity stat
  contended parity || break
done
for try in $(seq 1 "$RETRIES"); do
  cycle record hash record
  perf script -i "$WORK/compaction.data" 2> "$WORK/perf-script.err" | xz -6 > "$OUT/compaction.perf.txt.xz"
  rm -f "$WORK/compaction.data"
  contended record || break
done

# THP faults under the same fragmentation (no compact_memory)
echo madvise > "$THP/enabled"
fragment thp
snap thp before
thp_mb=$(awk '$4 == "Normal" || $4 == "DMA32" || $4 == "DMA" {
  for (o = 9; o <= 10; o++) kb += $(5 + o) * 4 * 2 ^ o } END { print int(kb / 1024) }' /proc/buddyinfo)
thp_mb=$((thp_mb + THP_EXTRA_MB))
cap_mb=$(($(awk '/MemFree/ {print int($2 / 1024)}' /proc/meminfo) - 3072)) # keep 3 GiB free even if every fault falls back
[ "$thp_mb" -le "$cap_mb" ] || thp_mb=$cap_mb
echo "thp_region_mb=$thp_mb (free in order>=9 blocks + $THP_EXTRA_MB)" >> "$OUT/machine.txt"
rm -f "$WORK/thp.done"
perf stat -a $STAT_EV -x, -o "$OUT/thp.perf-stat.csv" -- \
  sh -c "while [ ! -e $WORK/thp.done ]; do sleep 0.1; done" &
pstat=$!
sleep 1
"$WORK/compact_frag" thp "$thp_mb" > "$WORK/thp.log" &
thp=$!
t=0
while ! grep -q '^thp:' "$WORK/thp.log" 2>/dev/null; do
  kill -0 "$thp" 2>/dev/null || { echo "compact_frag thp died" >&2; exit 1; }
  [ $((t += 1)) -lt 1500 ] || { echo "compact_frag thp: no report in 300 s" >&2; exit 1; }
  sleep 0.2
done
snap thp after
touch "$WORK/thp.done"; wait "$pstat"
cp "$WORK/thp.log" "$OUT/thp.log"
kill "$thp"; wait "$thp" 2>/dev/null || true
release
echo "$thp_enabled0" > "$THP/enabled"
echo "thp: $(cat "$OUT/thp.log")" >&2

ps -eo pid,pcpu,rss,etime,args --sort=-pcpu > "$WORK/ps"; head -12 "$WORK/ps" | cut -c1-200 > "$OUT/ps.end"
echo "uptime_end=$(uptime)" >> "$OUT/machine.txt"

# summary: runs.tsv and README.md
python3 - "$OUT" <<'EOF'
import sys, os, statistics, re
out = sys.argv[1]
def vm(name, when):
    return {k: int(v) for k, v in (l.split() for l in open(f"{out}/{name}.vmstat.{when}"))}
def d(name, key):
    return vm(name, "after")[key] - vm(name, "before")[key]
def perfstat(name):
    c = {}
    for l in open(f"{out}/{name}.perf-stat.csv"):
        f = l.strip().split(",")
        if len(f) > 3 and f[0].replace(".", "").isdigit():
            c[f[2]] = int(float(f[0]))
    return c
def free_mb_high(name, when, order=9):  # free memory in blocks of order >= 9, MiB
    kb = 0
    for l in open(f"{out}/{name}.buddyinfo.{when}"):
        f = l.split()
        kb += sum(int(f[4 + o]) * 4 << o for o in range(order, len(f) - 4))
    return kb // 1024
def order0(name, when):
    return sum(int(l.split()[4]) for l in open(f"{out}/{name}.buddyinfo.{when}"))
keys = ["pgmigrate_success", "pgmigrate_fail", "compact_migrate_scanned", "compact_free_scanned",
        "compact_isolated", "compact_stall", "compact_fail", "compact_success",
        "compact_daemon_wake", "thp_fault_alloc", "thp_fault_fallback"]
rows = []
names = sorted([f[:-8] for f in os.listdir(out) if f.endswith(".wall_ns")],
               key=lambda n: ({"parity": 1, "record": 2}.get(n, 0), int(n[3:]) if n[3:].isdigit() else 0))
for n in names:
    wall, cpu, wait = (int(x) for x in open(f"{out}/{n}.wall_ns").read().split())
    r = {"run": n, "wall_ns": wall, "cpu_ns": cpu, "wait_ns": wait, **{k: d(n, k) for k in keys}}
    r["ns_per_page"] = wall / r["pgmigrate_success"] if r["pgmigrate_success"] else float("nan")
    r["cpu_ns_per_page"] = cpu / r["pgmigrate_success"] if r["pgmigrate_success"] else float("nan")
    r["order0_before"] = order0(n, "before"); r["order0_after"] = order0(n, "after")
    r["hp_mb_before"] = free_mb_high(n, "before"); r["hp_mb_after"] = free_mb_high(n, "after")
    r["frag"] = open(f"{out}/{n}.frag.log").read().strip()
    r["status"] = (open(f"{out}/{n}.end_status").read().split() or ["?"])[-1]
    if os.path.exists(f"{out}/{n}.perf-stat.csv"):
        r["perf"] = perfstat(n)
    rows.append(r)
cols = ["run", "status", "wall_ns", "cpu_ns", "wait_ns"] + keys[:5] + ["ns_per_page", "cpu_ns_per_page", "order0_before", "order0_after", "hp_mb_before", "hp_mb_after"]
with open(f"{out}/runs.tsv", "w") as f:
    f.write("\t".join(cols) + "\n")
    for r in rows:
        f.write("\t".join(f"{r[c]:.1f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + "\n")
stat_rows = [r for r in rows if re.fullmatch(r"run\d+", r["run"]) and r["status"] == "complete"]
perf_rows = [r for r in rows if "perf" in r]
if not stat_rows:  # no complete run: the median of them all, said so in the README
    stat_rows = [r for r in rows if re.fullmatch(r"run\d+", r["run"])]
med = statistics.median(r["ns_per_page"] for r in stat_rows)
lo = min(r["ns_per_page"] for r in stat_rows); hi = max(r["ns_per_page"] for r in stat_rows)
medw = statistics.median(r["wall_ns"] for r in stat_rows)
medc = statistics.median(r["cpu_ns_per_page"] for r in stat_rows)
loc = min(r["cpu_ns_per_page"] for r in stat_rows); hic = max(r["cpu_ns_per_page"] for r in stat_rows)
m = dict(l.strip().split("=", 1) for l in open(f"{out}/machine.txt") if "=" in l and not l.startswith("headroom"))
thp = {k: d("thp", k) for k in keys}
thp_perf = perfstat("thp")
thplog = open(f"{out}/thp.log").read().strip()
lines = int(os.popen(f"xz -dc {out}/compaction.perf.txt.xz | wc -l").read())
# the free scanner's stride in the record cycle: pages it looked at per whole pageblock it scanned
strides = {}
for l in os.popen(f"xz -dc {out}/compaction.perf.txt.xz"):
    t = re.search(r"isolate_freepages: range=\(0x([0-9a-f]+) ~ 0x([0-9a-f]+)\) nr_scanned=(\d+)", l)
    if t and int(t[2], 16) - int(t[1], 16) == 512 and int(t[3]):
        k = 512 // int(t[3]); strides[k] = strides.get(k, 0) + 1
pcp_high = re.findall(r"high:\s+(\d+)", open("/proc/zoneinfo").read())
L = []
L.append("# Compaction and page migration on fragmented memory\n")
L.append(f"Captured by `calibration/compaction.sh` ({m['date_utc']}), as root on the development VM: "
         f"Linux {m['uname']}, {m['cpus']} vCPUs ({m['cpu_model']}), MemTotal {int(m['mem_total_kb'])//1024} MiB, no swap; "
         f"a Firecracker guest. Load at the start: `{m['uptime'].strip()}`; at the end: `{m['uptime_end'].strip()}` "
         "(`ps.start`, `ps.end`: the busiest processes then; other jobs may share the machine).\n")
L.append(f"THP: enabled `{m['thp_enabled']}` (set to `madvise` for the THP run, restored), defrag `{m['thp_defrag']}` (left), "
         f"khugepaged/defrag {m['khugepaged_defrag']}; vm.compaction_proactiveness {m['compaction_proactiveness']} "
         f"(set to 0 during the capture, restored), extfrag_threshold {m['extfrag_threshold']}, "
         f"compact_unevictable_allowed {m['compact_unevictable_allowed']}.\n")
L.append("## What was run\n")
L.append("Each cycle: `sync; echo 3 > /proc/sys/vm/drop_caches`; `compact_frag frag MB 2 hash` with MB = MemFree − 4608 MiB "
         "(an anonymous MADV_NOHUGEPAGE region, every 4 KiB page written, then `madvise(MADV_DONTNEED)` of the pages whose "
         "physical frame number (from /proc/self/pagemap) hashes odd, so about half is freed as small holes, mostly order 0, "
         "between movable survivors that stay mapped; the `parity` cycle frees exactly the odd frames instead); /proc/vmstat, "
         "buddyinfo, pagetypeinfo; then, timed with `date +%s%N` around the write, one of\n")
L.append("```sh\nperf stat -a -x, <17 compaction:/migrate: tracepoints> -- sh -c 'echo 1 > /proc/sys/vm/compact_memory'   # run1, run2, ..., parity\n"
         "perf record -a -m 8M -e compaction:mm_compaction_{begin,end,migratepages,isolate_migratepages,isolate_freepages,finished,suitable} \\\n"
         "    -e migrate:mm_migrate_pages{,_start} -- sh -c 'echo 1 > /proc/sys/vm/compact_memory'           # record\n```\n")
L.append("then vmstat/buddyinfo/pagetypeinfo again and the fragmenting process is killed. "
         "`echo 1 > compact_memory` compacts every zone of every node synchronously in the writer (order −1, mode sync in the trace, "
         "until the migration and free scanners meet), so its wall time is one whole-machine compaction run.\n")
L.append("## Compaction runs\n")
L.append("Deltas of /proc/vmstat over the compaction; ns/page = wall time (or the writer's on-CPU time) of `compact_memory` / pgmigrate_success. "
         "**The per-page figure includes both scanners, isolation, the TLB flushes and everything else a compaction run does: "
         "it is an upper bound on the cost of `migrate_pages()` per page, not the cost of the copy alone.** "
         "Free order≥9 = MiB of free memory in blocks of order 9 or more (buddyinfo, all zones).\n")
L.append("| run | end status (Normal) | wall ms | on-CPU ms | runqueue wait ms | pgmigrate_success | pgmigrate_fail | compact_migrate_scanned | compact_free_scanned | compact_isolated | ns/page (wall) | ns/page (on-CPU) | order-0 free before → after | free order≥9 MiB before → after |")
L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    L.append(f"| {r['run']} | {r['status']} | {r['wall_ns']/1e6:.0f} | {r['cpu_ns']/1e6:.0f} | {r['wait_ns']/1e6:.0f} | {r['pgmigrate_success']} | {r['pgmigrate_fail']} | {r['compact_migrate_scanned']} | "
             f"{r['compact_free_scanned']} | {r['compact_isolated']} | {r['ns_per_page']:.0f} | {r['cpu_ns_per_page']:.0f} | {r['order0_before']} → {r['order0_after']} | "
             f"{r['hp_mb_before']} → {r['hp_mb_after']} |")
L.append("\nEvery compaction of the capture in order (end status of the DMA, DMA32 and Normal zones' compactions; "
         "of `parity` and `record`, the last try is the one kept):\n")
for l in open(f"{out}/tries.txt"):
    L.append(f"- {l.strip()}")
L.append(f"\nMedian of the {len(stat_rows)} complete runs ({', '.join(r['run'] for r in stat_rows)}): **{med:.0f} ns per migrated page** (range {lo:.0f}–{hi:.0f}), "
         f"compaction run {medw/1e6:.0f} ms; on CPU only (the writer's schedstat run time: wall minus the time it waited "
         f"for a CPU behind other jobs), **{medc:.0f} ns per page** (range {loc:.0f}–{hic:.0f}). The `parity` run (holes at every odd frame) and the `record` run (under `perf record`, "
         f"tracing overhead included) are not in the median.\n")
L.append("Fragmenting step of each cycle (compact_frag's own report):\n")
for r in rows:
    L.append(f"- {r['run']}: {r['frag']}")
L.append("\nTracepoint counts (`perf stat -a`) of the compaction runs:\n")
evs = sorted({e for r in perf_rows for e in r["perf"]})
L.append("| event | " + " | ".join(r["run"] for r in perf_rows) + " |")
L.append("|---|" + "---:|" * len(perf_rows))
for e in evs:
    L.append(f"| {e} | " + " | ".join(str(r['perf'].get(e, '')) for r in perf_rows) + " |")
L.append("\n## Caveats\n")
L.append("- The machine is a Firecracker guest with virtio-balloon free page reporting (page_reporting_order 9): free blocks of "
         "order ≥ 9 are handed back to the host, so the first write to such a page takes a host fault. This is why the first "
         "touch in the fragmenting step costs several µs per 4 KiB page and a THP fault ~4 ms per 2 MiB, and compaction's copies "
         "into reported free blocks pay it too; on bare metal all of these would be cheaper.\n"
         f"- /proc/buddyinfo does not show the per-CPU free lists: their `high` limits are auto-tuned (at the end: {', '.join(pcp_high)} "
         "pages per zone and CPU), so up to ~1e5 freed holes may sit there rather than in the order-0 column.\n"
         "- pgmigrate_success counts base pages; `set_migration_pte` fires only for mapped pages (shmem pages not mapped by anyone "
         "are migrated without it), so the two differ when compaction moves unmapped page cache or shmem.\n"
         f"- Free scanner stride in the `record` cycle (pages looked at per whole pageblock scanned → number of pageblocks): "
         f"{', '.join(f'{k}: {v}' for k, v in sorted(strides.items()))}. After each pageblock where it isolates nothing, "
         "`isolate_freepages()` doubles its stride (up to 32) and only resets it to 1 on a block where it isolates something.\n")
par = [r for r in rows if r["run"] == "parity"]
if par:
    p = par[0]
    L.append(f"- The `parity` cycle (every odd frame freed, every even one kept): {p['pgmigrate_success']} pages migrated against a "
             f"median {statistics.median(r['pgmigrate_success'] for r in stat_rows):.0f} in the complete hash runs, order-0 free "
             f"{p['order0_before']} → {p['order0_after']}, free order≥9 {p['hp_mb_before']} → {p['hp_mb_after']} MiB. Once the free "
             "scanner's stride is even, starting from a pageblock's (even) first frame it looks only at kept pages, finds nothing and "
             "keeps its stride, so it sweeps past pageblocks that are half free and the scanners meet with holes left unused; how "
             "much is lost depends on where the stride first grows. Regular hole patterns are an adversarial case for a model of "
             "the free scanner.\n")
L.append("- Other jobs were running (`ps.start`, `ps.end`, the load averages above): the wall times include the writer's wait for a "
         "CPU; the on-CPU column does not.\n")
L.append("\n## THP faults under the same fragmentation\n")
L.append(f"After a fresh fragmenting step (no compact_memory), `compact_frag thp {m['thp_region_mb'].split()[0]}`: an MADV_HUGEPAGE "
         f"region as large as the free memory in order≥9 blocks plus 1024 MiB, every 4 KiB written, so that the last of its "
         f"huge page faults find no free 2 MiB block and must compact directly (defrag `{m['thp_defrag']}`). Its report: `{thplog}`.\n")
L.append("| vmstat delta | value |\n|---|---:|")
for k in keys:
    L.append(f"| {k} | {thp[k]} |")
L.append("\nTracepoints over the THP run (`perf stat -a`, started 1 s before the program):\n")
L.append("| event | count |\n|---|---:|")
for e in sorted(thp_perf):
    L.append(f"| {e} | {thp_perf[e]} |")
L.append("\n## Files\n")
L.append("- `machine.txt`, `zoneinfo.head`: the machine, settings and zone sizes\n"
         "- `runs.tsv`: the table above, machine-readable\n"
         "- `<run>.frag.log`, `<run>.wall_ns`, `<run>.end_status` (mm_compaction_end's status per zone, from a private ftrace instance), `<run>.perf-stat.csv`: per cycle (`run1`, `run2`, ..., `parity`, `record`, `thp`); `.wall_ns` holds wall, on-CPU and runqueue-wait ns\n"
         "- `<run>.{vmstat,buddyinfo,pagetypeinfo}.{before,after}.xz`, `<run>.buddyinfo.pre-frag.xz`: snapshots\n"
         f"- `compaction.perf.txt.xz`: `perf script` of the `record` cycle ({lines} lines); `perf-record.log`\n"
         "- `thp.log`: compact_frag thp's report; `tries.txt`; `ps.start`, `ps.end`\n")
open(f"{out}/README.md", "w").write("\n".join(L) + "\n")
EOF
xz -f -6 "$OUT"/*.vmstat.* "$OUT"/*.buddyinfo.* "$OUT"/*.pagetypeinfo.*
echo "$OUT/compaction.perf.txt.xz: $(xz -dc "$OUT/compaction.perf.txt.xz" | wc -l) lines" >&2
