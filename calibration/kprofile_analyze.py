#!/usr/bin/env python3
"""Sums a folded kernel profile (calibration/fold_stacks.py output) by entry path.

    python3 calibration/kprofile_analyze.py FOLDED.xz HZ UNITS

Prints, per path, the samples, the share of kernel samples and the time per unit
(samples / HZ / UNITS, in ms): the exception and system-call entries, the fault
handlers, each system call, and a few leaf functions across all paths. Samples are
cpu-clock ticks of the profiled build's own tasks (perf record inherits into every
child); the time a task spends in do_exit() after its perf events are torn down is
not in it (docs/calibration.md)."""
import collections
import lzma
import sys

FAULT_HANDLERS = ["do_anonymous_page", "do_wp_page", "filemap_map_pages", "do_fault"]
# handlers reached by a tail call from x64_sys_call(), so no __x64_sys_* frame is on the stack
INLINED_SYSCALLS = {"ksys_read": "read", "ksys_write": "write", "ksys_pread64": "pread64",
                    "ksys_mmap_pgoff": "mmap", "vm_mmap_pgoff": "mmap"}
LEAVES = ["clear_page_erms", "copy_mc_enhanced_fast_string", "__list_del_entry_valid_or_report",
          "next_uptodate_folio", "memcg1_commit_charge", "page_reporting_bitmap_mark_allocated"]


def main(path, hz, units):
    per_ms = 1000.0 / hz / units
    entry = collections.Counter()
    handler = collections.Counter()
    syscall = collections.Counter()
    leaf = collections.Counter()
    comm = collections.Counter()
    header = {}
    kernel = 0
    with lzma.open(path, "rt") as f:
        for line in f:
            if line.startswith("#"):
                k, v = line[1:].split()
                header[k] = int(v)
                continue
            stack, n = line.rsplit(" ", 1)
            n = int(n)
            frames = stack.split(";")
            kernel += n
            comm[frames[0]] += n
            entry[frames[1] if len(frames) > 1 else "?"] += n
            if "asm_exc_page_fault" in frames:
                h = next((x for x in FAULT_HANDLERS if x in frames), "fault entry, walk and VMA lookup")
                handler[h] += n
            sc = next((x for x in frames if x.startswith(("__x64_sys_", "__do_sys_"))), None)
            if sc is None:
                sc = next((INLINED_SYSCALLS[x] for x in frames if x in INLINED_SYSCALLS), None)
            if sc is not None:
                syscall[sc.replace("__x64_sys_", "").replace("__do_sys_", "")] += n
            elif "entry_SYSCALL_64_after_hwframe" in frames:
                syscall["(entry and exit: do_syscall_64 and below, no handler on the stack)"] += n
            for x in LEAVES:
                if frames[-1] == x:
                    leaf[x] += n

    def table(title, counter, limit=None):
        print(f"\n## {title}")
        print("| path | samples | share of kernel | ms per unit |")
        print("|---|---:|---:|---:|")
        for k, v in counter.most_common(limit):
            print(f"| {k} | {v} | {100.0 * v / kernel:.1f} % | {v * per_ms:.2f} |")

    print(f"samples {header.get('samples')}, kernel {kernel} ({kernel * per_ms:.2f} ms per unit), "
          f"user {header.get('user')} ({header.get('user', 0) * per_ms:.2f} ms per unit); {hz} Hz, {units} units")
    table("entry", entry)
    table("page faults by handler", handler)
    table("system calls", syscall, 25)
    table("leaf functions (self time, all paths)", leaf)
    table("kernel time by command", comm, 12)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
