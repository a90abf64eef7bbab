#!/usr/bin/env python3
"""Derive kernel-build figures from the raw outputs of calibration/kbuild.sh.

    python3 calibration/kbuild_analyze.py calibration/data/<machine>/kbuild > kbuild-summary.properties

Reads (all in the given directory): perf-stat-build1.txt, vmstat.*, interrupts.*,
stat.*, strace-c-build2.txt, strace-build2-proc-open-mmap.log.xz,
perf-stat-unit-fork.txt, perf-trace-pf-unit-fork.txt.xz, perf-script-kmem.txt.xz.
Writes key=value lines (units in the key names) on stdout.
"""
import collections
import lzma
import os
import re
import statistics
import sys

D = sys.argv[1]


def path(name):
    return os.path.join(D, name)


def have(name):
    return os.path.exists(path(name))


def out(k, v):
    if isinstance(v, float):
        v = "%.4g" % v if abs(v) < 1e6 else "%.0f" % v
    print("%s=%s" % (k, v))


def read(name):
    if name.endswith(".xz"):
        return lzma.open(path(name), "rt", errors="replace")
    return open(path(name), errors="replace")


# ------------------------------------------------------------------ perf stat
def perf_stat(name, prefix):
    res = {}
    if not have(name):
        return res
    for line in read(name):
        m = re.match(r"\s*([\d,.]+)\s+(msec\s+)?([\w-]+)", line)
        if m and m.group(3) in ("task-clock", "page-faults", "minor-faults", "major-faults",
                                "context-switches", "cpu-migrations"):
            res[m.group(3)] = float(m.group(1).replace(",", ""))
        m = re.match(r"\s*([\d.]+) \+- ([\d.]+) seconds time elapsed", line)
        if m:
            res["elapsed"] = float(m.group(1))
            continue
        m = re.match(r"\s*([\d.]+) seconds (time elapsed|user|sys)", line)
        if m:
            res[m.group(2).split()[0]] = float(m.group(1))
    keymap = {"task-clock": "task_clock_ms", "page-faults": "page_faults", "minor-faults": "minor_faults",
              "major-faults": "major_faults", "context-switches": "context_switches",
              "cpu-migrations": "cpu_migrations", "time": "elapsed_s", "elapsed": "elapsed_s",
              "user": "user_s", "sys": "sys_s"}
    for k, v in res.items():
        out("%s.%s" % (prefix, keymap.get(k, k)), v)
    return res


b1 = perf_stat("perf-stat-build1.txt", "build1.perf_stat")


# ------------------------------------------------------------------ system-wide snapshots
def kv_file(name):
    d = {}
    if have(name):
        for line in read(name):
            p = line.split()
            if len(p) == 2 and p[1].lstrip("-").isdigit():
                d[p[0]] = int(p[1])
    return d


def interrupts(name):
    d = {}
    if have(name):
        for line in read(name):
            p = line.split()
            if p and p[0].endswith(":") and len(p) > 1:
                vals = [int(x) for x in p[1:] if x.isdigit()]
                d[p[0][:-1]] = sum(vals)
    return d


def stat(name):
    d = {}
    if have(name):
        for line in read(name):
            p = line.split()
            if p[0] == "cpu":
                # user nice system idle iowait irq softirq steal (USER_HZ ticks)
                for k, v in zip(("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"), p[1:]):
                    d["cpu_" + k] = int(v)
            elif len(p) == 2:
                d[p[0]] = int(p[1])
    return d


for tag in ("1", "2"):
    if not have("vmstat.before" + tag):
        continue
    a, b = kv_file("vmstat.before" + tag), kv_file("vmstat.after" + tag)
    for k in ("pgfault", "pgmajfault", "pgalloc_normal", "pgalloc_dma32", "pgfree", "thp_fault_alloc",
              "pgreuse", "pgpgin", "pgpgout"):
        if k in a and k in b:
            out("build%s.system_wide.vmstat.%s" % (tag, k), b[k] - a[k])
    a, b = interrupts("interrupts.before" + tag), interrupts("interrupts.after" + tag)
    for k in ("TLB", "RES", "CAL", "LOC"):
        if k in a and k in b:
            out("build%s.system_wide.interrupts.%s" % (tag, k), b[k] - a[k])
    a, b = stat("stat.before" + tag), stat("stat.after" + tag)
    for k in sorted(a):
        if k in b:
            out("build%s.system_wide.proc_stat.%s%s" % (tag, k, "_ticks" if k.startswith("cpu_") else ""),
                b[k] - a[k])
    for t in ("before", "after"):
        if have("loadavg.%s%s" % (t, tag)):
            out("build%s.loadavg_%s" % (tag, t), read("loadavg.%s%s" % (t, tag)).read().strip())
    if have("time.start" + tag) and have("time.end" + tag):
        out("build%s.wall_s" % tag, float(read("time.end" + tag).read()) - float(read("time.start" + tag).read()))
if have("objects-built1.txt"):
    out("build1.objects_built", int(read("objects-built1.txt").read()))

# ------------------------------------------------------------------ strace -c
if have("strace-c-build2.txt"):
    for line in read("strace-c-build2.txt"):
        p = line.split()
        # % time  seconds  usecs/call  calls  errors  syscall
        if len(p) >= 5 and re.match(r"[\d.]+$", p[0]) and p[-1] != "total":
            calls = int(p[3])
            errors = int(p[4]) if len(p) == 6 else 0
            out("build2.strace.calls.%s" % p[-1], calls)
            if errors:
                out("build2.strace.errors.%s" % p[-1], errors)
        elif len(p) >= 4 and p[-1] == "total":
            out("build2.strace.calls.total", int(p[3]))

# ------------------------------------------------------------------ strace log
LINE = re.compile(r"^(\d+) +(.*)$")
CALL = re.compile(r"^(\w+)\((.*)$")
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")


def result_of(rest):
    m = re.search(r"\) += (-?\d+|0x[0-9a-f]+|\?)( (\w+))?", rest)
    if not m:
        return None, None
    r = m.group(1)
    try:
        return int(r, 0), m.group(3)
    except ValueError:
        return None, m.group(3)


if have("strace-build2-proc-open-mmap.log.xz"):
    exe = {}                       # pid -> basename of current program
    full = {}                      # pid -> full path
    parent = {}                    # child pid -> parent pid
    pending = {}                   # pid -> (syscall, args) for unfinished calls
    exec_attempts = collections.Counter()
    exec_ok = collections.Counter()
    spawn = collections.Counter()  # (parent exe, style) -> n
    child_of = collections.Counter()  # (parent exe, child's first exec) -> n
    first_exec = {}
    spawner = {}                   # child pid -> program of the parent when it cloned
    exec_failed = collections.Counter()
    opens = collections.defaultdict(lambda: [0, 0, 0, 0])  # pid -> [ok, fail, h_ok, h_fail]
    mmaps = collections.defaultdict(lambda: [0, 0])          # exe -> [anon, file]
    kernel_unit = {}               # cc1 pid -> True if -D__KERNEL__
    waits = collections.Counter()
    pipes = collections.Counter()
    exits = 0
    gen = collections.Counter()    # pid -> generation (bumped at exit; pids are reused)

    def style(call, args):
        if call == "vfork":
            return "vfork"
        vm = "CLONE_VM" in args
        vf = "CLONE_VFORK" in args
        thread = "CLONE_THREAD" in args
        if thread:
            return call + ":thread"
        if vm and vf:
            return call + ":CLONE_VM|CLONE_VFORK(posix_spawn/vfork)"
        if vm:
            return call + ":CLONE_VM"
        return call + ":fork(copy-on-write)"

    def complete(rpid, call, args, rest):
        pid = (rpid, gen[rpid])
        ret, err = result_of(rest)
        who = exe.get(pid, "?")
        if call in ("execve", "execveat"):
            m = re.match(r'"([^"]*)"', args)
            target = m.group(1) if m else "?"
            exec_attempts[who] += 1
            if ret == 0:
                base = os.path.basename(target)
                exec_ok[base] += 1
                exe[pid] = base
                full[pid] = target
                if pid not in first_exec:
                    first_exec[pid] = base
                if base == "cc1":
                    kernel_unit[pid] = '"__KERNEL__"' in args or "-D__KERNEL__" in args
            else:
                exec_failed[os.path.basename(target)] += 1
        elif call in ("clone", "clone3", "fork", "vfork"):
            if ret is not None and ret > 0:
                ret = (ret, gen[ret])
                parent[ret] = pid
                spawner[ret] = who
                st = style(call, args)
                spawn[(who, st)] += 1
                if ":thread" not in st:
                    exe.setdefault(ret, who)
        elif call in ("openat", "open"):
            m = re.search(r'"([^"]*)"', args)
            p = m.group(1) if m else ""
            o = opens[pid]
            ok = ret is not None and ret >= 0
            o[0 if ok else 1] += 1
            if p.endswith(".h"):
                o[2 if ok else 3] += 1
        elif call == "mmap":
            if ret is None or ret < 0 and err:
                return
            mmaps[who][0 if "MAP_ANONYMOUS" in args else 1] += 1
        elif call == "wait4":
            waits[who] += 1
        elif call in ("pipe", "pipe2"):
            pipes[who] += 1

    with read("strace-build2-proc-open-mmap.log.xz") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            pid, rest = int(m.group(1)), m.group(2)
            if rest.startswith("+++ exited") or "killed by" in rest:
                exits += 1
                gen[pid] += 1
                continue
            r = RESUMED.match(rest)
            if r:
                call = r.group(1)
                pc = pending.pop(pid, None)
                args = pc[1] if pc and pc[0] == call else ""
                complete(pid, call, args, r.group(2))
                continue
            c = CALL.match(rest)
            if not c:
                continue
            call, args = c.group(1), c.group(2)
            if rest.endswith("<unfinished ...>"):
                pending[pid] = (call, args)
                continue
            complete(pid, call, args, rest)

    cc1 = [p for p in kernel_unit]
    kcc1 = [p for p in cc1 if kernel_unit[p]]
    hcc1 = [p for p in cc1 if not kernel_unit[p]]
    out("build2.units.cc1_processes", len(cc1))
    out("build2.units.cc1_kernel", len(kcc1))
    out("build2.units.cc1_host_tools", len(hcc1))
    out("build2.processes.exited", exits)
    out("build2.execve.attempts", sum(exec_attempts.values()))
    out("build2.processes.spawned", sum(1 for c in spawner))
    out("build2.execve.successful", sum(exec_ok.values()))
    for k, v in exec_ok.most_common(25):
        out("build2.execve.ok_by_program.%s" % k, v)
    for k, v in exec_failed.most_common(10):
        out("build2.execve.failed_by_program.%s" % k, v)
    for c, who in spawner.items():
        child_of[(who, first_exec.get(c, "(no exec)"))] += 1
    for (who, st), v in sorted(spawn.items(), key=lambda x: -x[1])[:25]:
        out("build2.spawn.%s.%s" % (who, st), v)
    for (p, c), v in child_of.most_common(25):
        out("build2.tree.%s->%s" % (p, c), v)
    for k, v in waits.most_common(8):
        out("build2.wait4_by_program.%s" % k, v)
    for k, v in pipes.most_common(8):
        out("build2.pipe_by_program.%s" % k, v)
    for k, (a, fb) in sorted(mmaps.items(), key=lambda x: -sum(x[1]))[:10]:
        out("build2.mmap_by_program.%s.anon" % k, a)
        out("build2.mmap_by_program.%s.file" % k, fb)

    def dist(name, pids, idx):
        vals = [opens[p][idx] for p in pids]
        if vals:
            out("%s.mean" % name, statistics.mean(vals))
            out("%s.median" % name, statistics.median(vals))
            out("%s.min" % name, min(vals))
            out("%s.max" % name, max(vals))

    dist("build2.per_kernel_unit.cc1_openat_ok", kcc1, 0)
    dist("build2.per_kernel_unit.cc1_openat_failed", kcc1, 1)
    dist("build2.per_kernel_unit.cc1_headers_opened_ok", kcc1, 2)
    dist("build2.per_kernel_unit.cc1_headers_openat_failed", kcc1, 3)
    dist("build2.per_host_unit.cc1_headers_opened_ok", hcc1, 2)
    n_units = len(cc1)
    if n_units:
        out("build2.per_unit.execve_successful", sum(exec_ok.values()) / n_units)
        out("build2.per_unit.execve_attempts", sum(exec_attempts.values()) / n_units)
        out("build2.per_unit.processes", exits / n_units)
        if b1:
            for k, kk in (("user", "user_s"), ("sys", "sys_s")):
                if k in b1:
                    out("build1.per_unit.%s_ms" % kk[:-2], 1000 * b1[k] / n_units)
            for k in ("page-faults", "minor-faults", "major-faults", "context-switches", "cpu-migrations"):
                if k in b1:
                    out("build1.per_unit.%s" % k.replace("-", "_"), b1[k] / n_units)
    if b1.get("sys"):
        out("build1.user_to_sys_ratio", b1["user"] / b1["sys"])
    # the syscall mix per unit (strace -c of build 2 / cc1 processes): the kernel-build
    # workload's KernelBuildSyscalls defaults; errors are the failed calls (ENOENT lookups,
    # EINVAL readlinks, failed execve()s of PATH searches)
    if n_units and have("strace-c-build2.txt"):
        for line in read("strace-c-build2.txt"):
            p = line.split()
            if len(p) >= 5 and re.match(r"[\d.]+$", p[0]) and p[-1] != "total":
                calls = int(p[3])
                errors = int(p[4]) if len(p) == 6 else 0
                out("build2.per_unit.syscall.%s.calls" % p[-1], calls / n_units)
                out("build2.per_unit.syscall.%s.ok" % p[-1], (calls - errors) / n_units)
                if errors:
                    out("build2.per_unit.syscall.%s.errors" % p[-1], errors / n_units)
            elif len(p) >= 4 and p[-1] == "total":
                out("build2.per_unit.syscall.total.calls", int(p[3]) / n_units)

# without a strace log here, UNITS=<cc1 count of a traced build of the same tree> still
# gives per-unit figures for build 1
if not have("strace-build2-proc-open-mmap.log.xz") and os.environ.get("UNITS") and b1:
    n_units = int(os.environ["UNITS"])
    out("build1.per_unit.units_from_env", n_units)
    for k, kk in (("user", "user_s"), ("sys", "sys_s")):
        if k in b1:
            out("build1.per_unit.%s_ms" % kk[:-2], 1000 * b1[k] / n_units)
    for k in ("page-faults", "minor-faults", "major-faults", "context-switches", "cpu-migrations"):
        if k in b1:
            out("build1.per_unit.%s" % k.replace("-", "_"), b1[k] / n_units)
    if b1.get("sys"):
        out("build1.user_to_sys_ratio", b1["user"] / b1["sys"])

# ------------------------------------------------------------------ one unit
u = perf_stat("perf-stat-unit-fork.txt", "unit_fork.perf_stat")
if u.get("sys"):
    out("unit_fork.user_to_sys_ratio", u["user"] / u["sys"])
if have("time-unit-fork.txt"):
    runs = collections.defaultdict(list)
    for line in read("time-unit-fork.txt"):
        for kv in line.split():
            if "=" in kv:
                a, b = kv.split("=", 1)
                runs[a].append(float(b))
    for a, v in runs.items():
        out("unit_fork.time.%s.median" % a, statistics.median(v))
        out("unit_fork.time.%s.min" % a, min(v))
    if runs.get("sys_s") and statistics.median(runs["sys_s"]) > 0:
        out("unit_fork.time.user_to_sys_ratio_of_medians",
            statistics.median(runs["user_s"]) / statistics.median(runs["sys_s"]))
if have("perf-trace-pf-unit-fork.txt.xz"):
    cls = collections.Counter()
    for line in read("perf-trace-pf-unit-fork.txt.xz"):
        m = re.search(r"\): ([^/]+)/\d+ (minfault|majfault) \[.*\] => (\S+)( \((\S+)\))?", line)
        if not m:
            continue
        comm, kind, target = m.group(1), m.group(2), m.group(3)
        t = re.sub(r"@0x[0-9a-f]+$", "", target)
        if t in ("//anon", "[heap]", "[stack]") or t.startswith("//anon"):
            c = "anon"
        elif t.startswith("0x") or t.startswith("["):
            c = "unresolved_kernel_access" if t.startswith("0x") else "other_" + t.strip("[]")
        else:
            c = "file"
        cls[(comm, kind, c)] += 1
        cls[("all", kind, c)] += 1
    for (comm, kind, c), v in sorted(cls.items()):
        out("unit_fork.faults.%s.%s.%s" % (comm, kind, c), v)

# ------------------------------------------------------------------ kmem
if have("perf-script-kmem.txt.xz"):
    ev = collections.Counter()
    order = collections.Counter()
    gfp = collections.Counter()
    bycomm = collections.Counter()
    t0 = t1 = None
    build_comms = ("cc1", "as", "gcc", "make", "sh", "fixdep", "ld", "objtool", "x86_64-linux-gnu",
                   "cat", "rm", "mv", "awk", "sed", "grep", "dash", "collect2")
    # by comm only (build 1 is not traced): "bash"/"python3" may be other sessions
    for line in read("perf-script-kmem.txt.xz"):
        m = re.match(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(kmem:\w+):(.*)$", line)
        if not m:
            continue
        comm, t, e, rest = m.group(1), float(m.group(4)), m.group(5), m.group(6)
        t0 = t if t0 is None else t0
        t1 = t
        grp = "build" if comm.startswith(build_comms) else ("java" if comm.startswith("java") or "C2" in comm or "GC" in comm else "other")
        ev[(e, grp)] += 1
        bycomm[(e, comm)] += 1
        g = re.search(r"gfp_flags=(\S+)", rest)
        if g and grp == "build" and e.endswith("alloc"):
            gfp[g.group(1)] += 1
        o = re.search(r"order=(\d+)", rest)
        if o:
            order[(e, o.group(1))] += 1
    if t0 is not None:
        out("kmem_sample.seconds", t1 - t0)
    for (e, g), v in sorted(ev.items()):
        out("kmem_sample.%s.%s" % (e.replace(":", "."), g), v)
    for (e, c), v in bycomm.most_common(16):
        out("kmem_sample.by_comm.%s.%s" % (e.replace(":", "."), c.replace(" ", "_")), v)
    for f, v in gfp.most_common(10):
        out("kmem_sample.build.mm_page_alloc.gfp.%s" % f, v)
    for (e, o), v in sorted(order.items()):
        out("kmem_sample.%s.order%s" % (e.replace(":", "."), o), v)
