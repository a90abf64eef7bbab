#!/bin/bash
# asi-sim scaling table (docs/performance.md, "Scaling"): host cost against simulated memory,
# simulated CPUs, trace length and sweep size, through the CLI's own timing and /usr/bin/time.
#
#   asi-bench/scaling.sh [ROW...]      ROW: memory cpus trace sweep (default: all four)
#
# Prints one markdown table per row kind on stdout; each line also says the command that
# produced it, so any line can be re-run alone. Needs /usr/bin/time (Debian: apt-get install time)
# and a built CLI (./asi-sim builds it on first use). Environment: REPEAT (3): runs per line, the
# median is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./asi-sim plugins > /dev/null 2>&1 # build and train the class-data archive outside the timings

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure CMD...: runs it REPEAT times; sets wall (s), rss (MiB), host (the CLI's timing line)
measure() {
  local w=() r=()
  for _ in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > /dev/null 2> "$tmp/err" || {
      echo "failed: $* ($(tail -1 "$tmp/err"))" >&2; exit 1; }
    read -r e m < "$tmp/time"
    w+=("$e"); r+=("$m")
  done
  wall=$(printf '%s\n' "${w[@]}" | median)
  rss=$(printf '%s\n' "${r[@]}" | median | awk '{printf "%.0f", $1 / 1024}')
  host=$(grep '^host:' "$tmp/err" | tail -1)
}

# the "the N ops took S s: R simulated ops per host second" part of run's timing line
ops_rate() { sed -E 's/.*ops took ([0-9.]+) s: ([0-9]+) simulated.*/\1 \2/' <<< "$host"; }

# one kernel-build row per value of OPTION (memory: --memory, cpus: --cpus with the ephmap mapper)
row_kernel_build() {
  local label=$1 option=$2; shift 2
  echo "| $label | ops | whole process (s) | ops (s) | ns per op | peak RSS (MiB) | command |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for v in "$@"; do
    cmd=(./asi-sim run --workload kernel-build "$option" "$v" --mapper ephmap --set workload.kernel-build.ops=200000
      --format json)
    measure "${cmd[@]}"
    read -r s rate <<< "$(ops_rate)"
    echo "| $v | 200000 | $wall | $s | $(awk -v r="$rate" 'BEGIN {printf "%.0f", 1e9 / r}') | $rss | \`${cmd[*]}\` |"
  done
}

row_memory() { row_kernel_build memory --memory 16G 64G 256G 1T; }

row_cpus() { row_kernel_build CPUs --cpus 2 8 32 64; }

row_trace() {
  echo "| trace lines | whole process (s) | replay of 3 runs (s) | replayed events per s | peak RSS (MiB) | command |"
  echo "|---:|---:|---:|---:|---:|---|"
  for n in 100000 200000 400000 792272; do
    # xz is cut off by head (SIGPIPE): only the prefix matters
    { xz -dc traces/kbuild-j2.perf.txt.xz || true; } | head -n "$n" | xz -1 > "$tmp/trace-$n.perf.txt.xz"
    cmd=(./asi-sim replay "$tmp/trace-$n.perf.txt.xz" --format json)
    measure "${cmd[@]}"
    read -r s eps <<< "$(sed -E 's/.*runs in ([0-9.]+) s, ([0-9]+) replayed.*/\1 \2/' <<< "$host")"
    echo "| $n | $wall | $s | $eps | $rss | \`xz -dc traces/kbuild-j2.perf.txt.xz \| head -n $n \| xz > t.xz; ./asi-sim replay t.xz --format json\` |"
  done
}

row_sweep() {
  echo "| runs | threads | whole process (s) | runs (s) | s per run | peak RSS (MiB) | command |"
  echo "|---:|---:|---:|---:|---:|---:|---|"
  for samples in 1 4 16; do
    for t in 1 2; do
      cmd=(./asi-sim compare --workload alloc-stress --mapper exit,ephmap --set workload.alloc-stress.ops=100000
        --samples "$samples" --threads "$t" --format json)
      measure "${cmd[@]}"
      read -r runs s <<< "$(sed -E 's/host: ([0-9]+) runs in ([0-9.]+) s.*/\1 \2/' <<< "$host")"
      echo "| $runs | $t | $wall | $s | $(awk -v r="$runs" -v s="$s" 'BEGIN {printf "%.3f", s / r}') | $rss | \`${cmd[*]}\` |"
    done
  done
}

rows=("$@")
[ ${#rows[@]} -gt 0 ] || rows=(memory cpus trace sweep)
echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load before: $(cut -d' ' -f1-3 /proc/loadavg); median of $REPEAT."
for r in "${rows[@]}"; do
  case "$r" in
    memory | cpus | trace | sweep) echo; "row_$r" ;;
    *) echo "scaling.sh: unknown row '$r' (valid: memory cpus trace sweep)" >&2; exit 2 ;;
  esac
done
