#!/usr/bin/env python3
"""Render the markdown tables of docs/calibration.md from a data directory.

    python3 calibration/table.py calibration/data/vm-20261201
"""
import os
import sys

D = sys.argv[1]


def props(name):
    p = {}
    f = os.path.join(D, name)
    if os.path.exists(f):
        for line in open(f):
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                p[k] = v
    return p


s = props("summary.properties")
k = props("kbuild/kbuild-summary.properties")

ROWS = [
    ("syscall.getppid", "syscall entry/exit (getppid)"),
    ("pread_4k.tmpfs_hot_page", "pread 4 KiB, tmpfs, same cached page"),
    ("pread_4k.tmpfs_random_1g", "pread 4 KiB, tmpfs, random page of 1 GiB file"),
    ("copy_4k.memcpy_hot", "memcpy 4 KiB, cache-resident source"),
    ("copy_4k.repmovsb_hot", "rep movsb 4 KiB, cache-resident source"),
    ("clear_4k.repstosb_hot", "rep stosb 4 KiB (clear), cache-resident"),
    ("copy_4k.memcpy_dram_4kpages", "memcpy 4 KiB, DRAM source (1 GiB, 4K pages)"),
    ("copy_4k.repmovsb_dram_4kpages", "rep movsb 4 KiB, DRAM source (1 GiB, 4K pages)"),
    ("copy_4k.memcpy_dram_thp", "memcpy 4 KiB, DRAM source (1 GiB, THP)"),
    ("copy_4k.repmovsb_dram_thp", "rep movsb 4 KiB, DRAM source (1 GiB, THP)"),
    ("fault.anon_write_4k_nohugepage", "anon fault, write first touch, 4K (MADV_NOHUGEPAGE)"),
    ("fault.anon_read_zeropage_4k_nohugepage", "anon fault, read first touch (zero page, no zeroing)"),
    ("fault.anon_write_2m_thp", "anon fault, write, 2 MiB THP (per 2 MiB fault)"),
    ("munmap.touched_4k_per_page_1thread", "munmap of touched 4K pages, per page, 1 thread"),
    ("munmap.zeropage_4k_per_page_1thread", "munmap of zero-page mappings, per page"),
]
for n in (1, 16, 64, 512):
    ROWS += [
        ("mmap_touch_munmap.%dp.alone.munmap" % n, "munmap %d touched pages, mm on 1 CPU" % n),
        ("mmap_touch_munmap.%dp.spinner_cpu1.munmap_with_cpu1_ipi" % n,
         "munmap %d pages, 2nd thread spinning on CPU 1, munmaps that IPI'd CPU 1" % n),
        ("mmap_touch_munmap.%dp.spinner_cpu1.munmap_without_cpu1_ipi" % n,
         "munmap %d pages, 2nd thread spinning on CPU 1, munmaps without IPI" % n),
        ("mmap_touch_munmap.%dp.sleeper_cpu1.munmap" % n, "munmap %d pages, 2nd thread blocked (CPU 1)" % n),
        ("mmap_touch_munmap.%dp.alone.cycle" % n, "mmap+touch+munmap %d pages, alone (per cycle)" % n),
    ]
ROWS += [
    ("pipe_write_read_1b.same_thread_no_switch", "pipe write+read 1 byte, one thread (no switch)"),
    ("pipe_pingpong.processes_same_cpu.round_trip", "pipe ping-pong round trip, 2 processes, same CPU"),
    ("pipe_pingpong.processes_cross_cpu.round_trip", "pipe ping-pong round trip, 2 processes, CPU 0<->1"),
    ("pipe_pingpong.threads_same_cpu.round_trip", "pipe ping-pong round trip, 2 threads (same mm), same CPU"),
    ("pipe_pingpong.threads_cross_cpu.round_trip", "pipe ping-pong round trip, 2 threads, CPU 0<->1"),
    ("spawn.fork_exit_wait", "fork + _exit + waitpid"),
    ("spawn.posix_spawn_bin_true_wait", "posix_spawn(/bin/true) + waitpid"),
    ("spawn.fork_exec_bin_true_wait", "fork + execve(/bin/true) + waitpid"),
    ("timer.clock_gettime_monotonic", "clock_gettime(CLOCK_MONOTONIC) (timer overhead)"),
]

print("| quantity | min ns | median ns | min TSC | median TSC | n | load (1/5/15) |")
print("|---|---:|---:|---:|---:|---:|---|")
for key, label in ROWS:
    if key + ".min_ns" not in s:
        continue
    n = s.get(key + ".reps", s.get(key + ".count", ""))
    extra = ""
    ipi = key.rsplit(".", 1)[0] + ".tlb_ipis_per_munmap"
    if key.endswith(".munmap") and ipi in s:
        extra = " (TLB IPIs/munmap %s)" % s[ipi]
    print("| %s%s | %s | %s | %s | %s | %s | %s |" % (
        label, extra, s[key + ".min_ns"], s[key + ".median_ns"], s[key + ".min_tsc"],
        s[key + ".median_tsc"], n, s.get(key + ".loadavg", "")))
print()
print("TSC: %s MHz measured against CLOCK_MONOTONIC (cpuinfo %s MHz)." % (
    s.get("tsc.measured_mhz"), s.get("tsc.cpuinfo_mhz")))
print()
print("| derived | min ns | median ns | min TSC | median TSC | samples with IPI |")
print("|---|---:|---:|---:|---:|---:|")
for n in (1, 16, 64, 512):
    b = "derived.shootdown_%dp.with_minus_without_ipi." % n
    if b + "median_ns" in s:
        print("| shootdown, munmap of %d pages (with IPI - without) | %s | %s | %s | %s | %s |" % (
            n, s[b + "min_ns"], s[b + "median_ns"], s[b + "min_tsc"], s[b + "median_tsc"],
            s.get("derived.shootdown_%dp.samples_with_ipi" % n, "")))
for w in ("processes_same_cpu", "processes_cross_cpu", "threads_same_cpu", "threads_cross_cpu"):
    b = "derived.pipe_pingpong.%s.one_way." % w
    if b + "median_ns" in s:
        print("| one-way pipe wake + switch, %s (round trip / 2) | %s | %s | | | |" % (
            w.replace("_", " "), s[b + "min_ns"], s[b + "median_ns"]))
print()
print("| fio randread 4k psync 1 job, tmpfs 1 GiB (3 x 10 s, nice 10) | value |")
print("|---|---:|")
F = "fio.randread_4k_psync_1job."
for key in ("run1.iops", "run2.iops", "run3.iops", "iops_median", "iops_per_cpu_second_median",
            "iops_per_cpu_second_max", "clat_min_ns", "clat_p50_ns_median", "clat_mean_ns_median",
            "usr_cpu_pct_median", "sys_cpu_pct_median"):
    if F + key in s:
        print("| %s | %s |" % (key, s[F + key]))
print()
if k:
    print("| kernel build (tinyconfig x86_64, -j2) | value |")
    print("|---|---:|")
    for key in k:
        if key.startswith(("build1.perf_stat", "build1.per_unit", "build1.user_to", "build1.objects",
                           "build1.wall", "build2.wall", "build2.units", "build2.per_", "build2.execve.",
                           "build2.spawn", "build2.tree", "unit_fork.", "kmem_sample.",
                           "build1.system_wide.interrupts", "build1.system_wide.vmstat.pgfault",
                           "build2.processes", "build1.loadavg", "build2.loadavg")):
            print("| %s | %s |" % (key, k[key]))
    print()
    print("| syscall (build 2, strace -f -c) | calls | errors |")
    print("|---|---:|---:|")
    calls = sorted(((int(v), x[len("build2.strace.calls."):]) for x, v in k.items()
                    if x.startswith("build2.strace.calls.")), reverse=True)
    for c, name in calls[:30]:
        print("| %s | %d | %s |" % (name, c, k.get("build2.strace.errors." + name, "0")))
