package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;

/**
 * The system calls of one kernel-build unit that the rest of the workload does not already make
 * (headers, object file, pipe, ld.so.cache, anonymous heaps, cc1's large regions, spawns, waits),
 * per unit, and how a unit's processes issue them: each exec'd process of the recipe issues its
 * share (the unit's count split evenly over the {@link KernelBuildRecipe#EXECS} exec'd processes,
 * an estimate: the committed strace data is per build, not per program) right after its exec, as
 * ld.so and libc start-up and the program's own lookups would. Each goes through the simulated
 * kernel's path for it: a path lookup ({@link Kernel#stat}, {@link Kernel#open} of
 * {@link Kernel#NO_FILE}, {@link Kernel#readlink}), an open/read/close of the program's file (as
 * ld.so opens libraries), untouched anonymous mappings and their {@code mprotect()}/{@code munmap()},
 * {@code brk()} grow and shrink, {@code rt_sigaction()}, a failing {@code execve()},
 * {@code futex()} wake, and {@link Kernel#syscall} for calls without a modelled body.
 *
 * <p>{@link #MEASURED}: from build 2 of the tinyconfig kernel build ({@code strace -f -c}, keys
 * {@code build2.per_unit.syscall.<name>.{calls,ok,errors}} of
 * {@code calibration/data/vm-20261201/kbuild/kbuild-summary.properties}, derived by
 * {@code calibration/kbuild_analyze.py}: the strace table divided by the 584 units), less what the
 * rest of the unit issues (docs/workloads.md has the table), rounded:
 *
 * <ul>
 *   <li>{@code opens} 437: {@code openat.ok} 998.6 less cc1's 561 headers and as's object file;
 *   <li>{@code extraReads} 329: {@code read.calls} 1276.9 + {@code pread64.calls} 50.9 less the 561
 *       header reads, make's pipe read and one read per extra open;
 *   <li>{@code openMissing} 743: {@code openat.errors} 742.6 (include-path search);
 *   <li>{@code stats} 1115 / {@code statMissing} 173: {@code newfstatat}, {@code stat},
 *       {@code lstat} and {@code access}, ok 1082.5 + 12.0 + 1.8 + 18.8 and errors 106.4 + 2.8 + 8.6
 *       + 55.0;
 *   <li>{@code readlinks} 148: {@code readlink.calls} 147.7 (141.9 of them {@code -EINVAL});
 *   <li>{@code sigactions} 1290: {@code rt_sigaction.calls} 1289.6;
 *   <li>{@code mmaps} 412 / {@code munmaps} 17: {@code mmap.calls} 452.4 and {@code munmap.calls}
 *       38.1 less the 19 ld.so.cache mappings, the 19 anonymous heaps and cc1's 2.10 large regions
 *       (mmaps), the 19 ld.so.cache unmaps and the 2.10 regions (munmaps);
 *   <li>{@code mprotects} 100: {@code mprotect.calls} 99.7; {@code brks} 119: {@code brk.calls} 118.8;
 *   <li>{@code execMissing} 9: {@code execve.errors} 9.04 ({@code PATH} search of as and ar);
 *   <li>{@code futexWakes} 282: {@code futex.calls} 281.8;
 *   <li>{@code others} 746: {@code total.calls} 8602.2 less all of the above as measured, the spawns
 *       ({@code clone3}, {@code vfork}, {@code clone}), the unit's 20 {@code wait4()}s, 2 writes and
 *       999 closes that the workload makes: {@code lseek} 150, {@code rt_sigprocmask} 81,
 *       {@code fcntl} 56, {@code prlimit64} 32, the {@code get*id}s, 28 closes of duplicated
 *       descriptors, 52 small writes, 18 further {@code wait4()}s, ...; charged the system-call
 *       round trip only (a lower bound).
 * </ul>
 */
record KernelBuildSyscalls(int opens, int extraReads, int openMissing, int stats, int statMissing, int readlinks,
    int sigactions, int mmaps, int munmaps, int mprotects, int brks, int execMissing, int futexWakes, int others) {

  /**
   * Every count is non-negative; the extra reads are second reads of extra opens, and the
   * {@code mprotect()}s and {@code munmap()}s act on the extra mappings of the same process, so
   * there must be enough of those.
   */
  KernelBuildSyscalls {
    int[] all = {opens, extraReads, openMissing, stats, statMissing, readlinks, sigactions, mmaps, munmaps,
        mprotects, brks, execMissing, futexWakes, others};
    for (int c : all) {
      if (c < 0) {
        throw new IllegalArgumentException("negative system-call count " + c);
      }
    }
    if (extraReads > opens || munmaps > mmaps
        || (mprotects > 0 || munmaps > 0) && mmaps < KernelBuildRecipe.EXECS) {
      throw new IllegalArgumentException("extra reads need opens, munmaps and mprotects need "
          + KernelBuildRecipe.EXECS + "+ mmaps: " + this);
    }
  }

  /** The measured unit's mix (see the class comment for the derivation of each count). */
  static final KernelBuildSyscalls MEASURED =
      new KernelBuildSyscalls(437, 329, 743, 1115, 173, 148, 1290, 412, 17, 100, 119, 9, 282, 746);

  /** No extra system calls. */
  static final KernelBuildSyscalls NONE = new KernelBuildSyscalls(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Pages of each extra anonymous mapping (never touched; the measured mmap body is of 8 pages). */
  static final int MMAP_PAGES = 8;

  /** Pages {@code brk()} grows and shrinks the heap by: glibc malloc's 132 KiB top pad. */
  static final int BRK_PAGES = 33;

  /** System calls issued per unit. */
  int total() {
    return 3 * opens + extraReads + openMissing + stats + statMissing + readlinks + sigactions + mmaps + munmaps
        + mprotects + brks + execMissing + futexWakes + others;
  }

  /** Share {@code q} (0-based) of {@code n} parts of {@code count}: the parts sum to {@code count}. */
  static int share(int count, int q, int n) {
    return (int) ((long) count * (q + 1) / n - (long) count * q / n);
  }

  /**
   * Issues share {@code q} of {@link KernelBuildRecipe#EXECS} of this mix as process {@code pid},
   * whose program is {@code file} (the file its extra opens, reads, stats and readlinks name).
   */
  void issue(Kernel k, int pid, int file, int q) {
    int n = KernelBuildRecipe.EXECS;
    for (int i = 0, c = share(sigactions, q, n); i < c; i++) {
      k.sigaction(pid);
    }
    for (int i = 0, c = share(execMissing, q, n); i < c; i++) {
      k.execMissing(pid);
    }
    int reads = share(extraReads, q, n);
    for (int i = 0, c = share(opens, q, n); i < c; i++) {
      int fd = k.open(pid, file);
      k.read(pid, fd, 0, 1);
      if (reads > 0) {
        reads--;
        k.read(pid, fd, 1, 1);
      }
      k.close(pid, fd);
    }
    for (int i = 0, c = share(openMissing, q, n); i < c; i++) {
      k.open(pid, Kernel.NO_FILE);
    }
    for (int i = 0, c = share(stats, q, n); i < c; i++) {
      k.stat(pid, file);
    }
    for (int i = 0, c = share(statMissing, q, n); i < c; i++) {
      k.stat(pid, Kernel.NO_FILE);
    }
    for (int i = 0, c = share(readlinks, q, n); i < c; i++) {
      k.readlink(pid, file);
    }
    mappings(k, pid, q, n);
    for (int i = 0, c = share(futexWakes, q, n); i < c; i++) {
      k.futexWake(pid);
    }
    for (int i = 0, c = share(others, q, n); i < c; i++) {
      k.syscall(pid);
    }
  }

  /** Untouched mappings: mmap, mprotect of the last one's pages, munmap of the first ones; brk. */
  private void mappings(Kernel k, int pid, int q, int n) {
    int maps = share(mmaps, q, n);
    long first = 0;
    long last = 0;
    for (int i = 0; i < maps; i++) {
      last = k.mmapAnon(pid, MMAP_PAGES);
      if (i == 0) {
        first = last;
      }
    }
    int unmaps = Math.min(maps, share(munmaps, q, n));
    if (maps > 0) {
      for (int i = 0, c = share(mprotects, q, n); i < c; i++) {
        k.mprotect(pid, last + ((long) (i % MMAP_PAGES) << 12), 1); // ld.so's RELRO, malloc's guard pages
      }
    }
    for (int i = 0; i < unmaps; i++) {
      k.munmap(pid, first + ((long) i * MMAP_PAGES << 12), MMAP_PAGES);
    }
    for (int i = 0, c = share(brks, q, n); i < c; i++) {
      k.brk(pid, i % 2 == 0 ? BRK_PAGES : -BRK_PAGES); // malloc grows the heap, trims it when freed
    }
  }
}
