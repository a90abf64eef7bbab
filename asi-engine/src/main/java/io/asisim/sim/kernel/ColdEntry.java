package io.asisim.sim.kernel;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;

/**
 * Cold kernel entries: what a page fault or a path-walking system call costs above its
 * loop-measured body when user code ran on the CPU since its previous kernel entry.
 *
 * <p>Every body the model charges is the median of a microbenchmark that repeats one operation
 * back to back, so the kernel's text, page-table lines, {@code struct page}s and per-CPU data stay
 * in the caches. In a real program the user code between two entries replaces part of them (a
 * profile of a real kernel build shows each fault and system call costing about twice its loop
 * body; docs/calibration.md "Cold kernel entries"). The CPU profile gives the extra cycles
 * measured after a user pass of 0, 256 KiB, 1 MiB and 4 MiB ({@code Cost.COLD_FAULT_*},
 * {@code Cost.COLD_PATH_*}: the {@code cold} group of calibration/microbench.c, whose 0-byte point
 * still interleaves a fault with two path lookups, as a program's entries interleave); the task
 * says how many bytes its user code fills into the L1 data cache per 1000 cycles
 * ({@code Kernel.setUserCacheFill}, from cachegrind for kernel-build). Per CPU this class sums the
 * fills of the user code run since the last entry (capped at the table's last point), and an entry
 * that follows a non-zero fill pays the table's value at that many bytes, interpolated linearly.
 *
 * <p>Partly modelled (docs/deviations.md): only faults and the path walks were measured cold, so
 * other system calls keep their loop bodies; the pass writes data, so the instruction-cache part
 * of the user footprint is not on the table's axis; the kernel's own paths do not evict each other
 * beyond what the 0-byte point contains; a task without a declared fill rate (every workload but
 * kernel-build, and trace replay) never pays it.
 */
final class ColdEntry {
  /** The table's points: user L1 data fills in bytes since the previous entry. */
  private static final long[] POINTS = {0, 256L << 10, 1L << 20, 4L << 20};

  private final Machine machine;
  private final Counter coldCycles;
  private final long[] fault;
  private final long[] path;
  /** Per CPU: user L1 data fills since the CPU's last kernel entry. */
  private final long[] filled;
  /** Per CPU: the fills the current kernel entry followed. */
  private final long[] atEntry;
  private final boolean enabled;
  /** Whether any task has filled so far: until then entries skip the bookkeeping (fio, replay). */
  private boolean anyFill;

  ColdEntry(Machine machine, int nrCpus, Counter coldCycles) {
    this.machine = machine;
    this.coldCycles = coldCycles;
    CpuProfile p = machine.profile();
    this.fault = new long[] {p.get(Cost.COLD_FAULT_0K), p.get(Cost.COLD_FAULT_256K), p.get(Cost.COLD_FAULT_1M),
        p.get(Cost.COLD_FAULT_4M)};
    this.path = new long[] {p.get(Cost.COLD_PATH_0K), p.get(Cost.COLD_PATH_256K), p.get(Cost.COLD_PATH_1M),
        p.get(Cost.COLD_PATH_4M)};
    boolean any = false;
    for (int i = 0; i < POINTS.length; i++) {
      if (fault[i] < 0 || path[i] < 0) {
        throw new IllegalArgumentException("negative cold-entry cost in cpu-profile " + p.name());
      }
      any |= fault[i] != 0 || path[i] != 0;
    }
    this.enabled = any;
    this.filled = new long[nrCpus];
    this.atEntry = new long[nrCpus];
  }

  /** User code ran {@code cycles} on {@code cpu}, filling {@code bytesPerKcycle} per 1000 cycles. */
  void userRan(int cpu, long cycles, int bytesPerKcycle) {
    if (bytesPerKcycle != 0 && enabled) {
      anyFill = true;
      long cap = POINTS[POINTS.length - 1];
      // saturate before multiplying: a long stretch fills the caches whole, and must not overflow
      long add = cycles >= cap * 1000 / bytesPerKcycle ? cap : cycles * bytesPerKcycle / 1000;
      filled[cpu] = Math.min(cap, filled[cpu] + add);
    }
  }

  /** A kernel entry on {@code cpu} (entry_SYSCALL_64, asm_exc_page_fault): it follows the fills so far. */
  void entered(int cpu) {
    if (!anyFill) {
      return;
    }
    atEntry[cpu] = filled[cpu];
    filled[cpu] = 0;
  }

  /** The current entry of {@code cpu} was a page fault: charges its cold extra. */
  void fault(int cpu) {
    charge(cpu, fault);
  }

  /** The current entry of {@code cpu} walks a path: charges its cold extra. */
  void pathWalk(int cpu) {
    charge(cpu, path);
  }

  private void charge(int cpu, long[] table) {
    long s = atEntry[cpu];
    if (s == 0) { // nothing filled, or the rule is off (then nothing is ever filled)
      return;
    }
    atEntry[cpu] = 0; // one entry pays once
    long c = extra(table, s);
    machine.charge(cpu, c);
    coldCycles.add(c);
  }

  /** The table's value at {@code bytes} of fills: linear between its points, the last one beyond. */
  static long extra(long[] table, long bytes) {
    for (int i = 1; i < POINTS.length; i++) {
      if (bytes <= POINTS[i]) {
        return table[i - 1] + (table[i] - table[i - 1]) * (bytes - POINTS[i - 1]) / (POINTS[i] - POINTS[i - 1]);
      }
    }
    return table[POINTS.length - 1];
  }
}
