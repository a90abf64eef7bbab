package io.asisim.policies.flush;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.AliasVisitor;
import java.util.Arrays;

/**
 * Per-CPU record of the transient aliases a CPU used since it last flushed them: the state the
 * {@code precise} policy tracks, and what every policy needs to know whether reusing a per-CPU
 * slot needs an INVLPG first. Structure of arrays per CPU (mm, va, pfn), unordered, removal by
 * swapping with the last record; arrays grow by doubling and never shrink, so steady-state use
 * allocates nothing. Sizes stay small because every mapper reuses a VA on a CPU only after
 * {@link io.asisim.api.mapper.FlushPolicy#beforeReuse}, a full flush, or a global flush. A record
 * leaves the log only once its alias is released <em>and</em> flushed: a flush while the alias is
 * live does not retire it, since the next access through the alias caches it again.
 */
final class CpuAliasLog {
  private final long[][] mm;
  private final long[][] va;
  private final long[][] pfn;
  private final boolean[][] released;
  private final int[] count;
  /**
   * Records per bucket of frame numbers ({@code pfn & PFN_BUCKETS - 1}), over every CPU: a zero
   * bucket proves no record holds a frame ({@link #mayHold}), so a loss of access to a frame no
   * CPU aliased costs no walk of the records.
   */
  private final int[] pfnBucket = new int[PFN_BUCKETS];
  private static final int PFN_BUCKETS = 1 << 12;

  CpuAliasLog(int nrCpus) {
    mm = new long[nrCpus][8];
    va = new long[nrCpus][8];
    pfn = new long[nrCpus][8];
    released = new boolean[nrCpus][8];
    count = new int[nrCpus];
  }

  int nrCpus() {
    return count.length;
  }

  /** Records that {@code cpu} may cache {@code va -> pfn} (for {@code mm}). */
  void add(int cpu, long m, long v, long p) {
    int n = count[cpu];
    if (n == va[cpu].length) {
      mm[cpu] = Arrays.copyOf(mm[cpu], n * 2);
      va[cpu] = Arrays.copyOf(va[cpu], n * 2);
      pfn[cpu] = Arrays.copyOf(pfn[cpu], n * 2);
      released[cpu] = Arrays.copyOf(released[cpu], n * 2);
    }
    released[cpu][n] = false;
    mm[cpu][n] = m;
    va[cpu][n] = v;
    pfn[cpu][n] = p;
    count[cpu] = n + 1;
    pfnBucket[(int) (p & (PFN_BUCKETS - 1))]++;
  }

  /** False only if no record of any CPU holds frame {@code p}. */
  boolean mayHold(long p) {
    return pfnBucket[(int) (p & (PFN_BUCKETS - 1))] != 0;
  }

  int size(int cpu) {
    return count[cpu];
  }

  long mm(int cpu, int i) {
    return mm[cpu][i];
  }

  long va(int cpu, int i) {
    return va[cpu][i];
  }

  long pfn(int cpu, int i) {
    return pfn[cpu][i];
  }

  /** Whether record {@code i} of {@code cpu} was unmapped (its PTE is gone). */
  boolean released(int cpu, int i) {
    return released[cpu][i];
  }

  /** Removes record {@code i} of {@code cpu}; the last record takes its place. */
  void removeAt(int cpu, int i) {
    pfnBucket[(int) (pfn[cpu][i] & (PFN_BUCKETS - 1))]--;
    int last = --count[cpu];
    mm[cpu][i] = mm[cpu][last];
    va[cpu][i] = va[cpu][last];
    pfn[cpu][i] = pfn[cpu][last];
    released[cpu][i] = released[cpu][last];
  }

  /** Marks the live record of {@code va} on {@code cpu} as unmapped (PTE cleared, maybe still cached). */
  void markReleased(int cpu, long m, long v) {
    boolean mmLocal = AddressSpaces.isMmLocal(v);
    for (int i = count[cpu] - 1; i >= 0; i--) {
      if (va[cpu][i] == v && !released[cpu][i] && (!mmLocal || mm[cpu][i] == m)) {
        released[cpu][i] = true;
        return;
      }
    }
  }

  /**
   * Removes every record of {@code cpu} at {@code v} (for mm-local addresses only those of
   * {@code m}); returns how many were removed.
   */
  int removeVa(int cpu, long m, long v) {
    boolean mmLocal = AddressSpaces.isMmLocal(v);
    int removed = 0;
    for (int i = count[cpu] - 1; i >= 0; i--) {
      if (va[cpu][i] == v && (!mmLocal || mm[cpu][i] == m)) {
        removeAt(cpu, i);
        removed++;
      }
    }
    return removed;
  }

  /**
   * A full flush of {@code cpu}'s TLB: removes its released records. Live records stay — a live
   * alias's PTE is still present, so its next access refills the TLB right after the flush (mermap
   * exhausts its window while a copy's source alias is live and reads it afterwards); dropping its
   * record would leave that refilled translation untracked when access to the frame is lost.
   */
  void flushedAll(int cpu) {
    for (int i = count[cpu] - 1; i >= 0; i--) {
      if (released[cpu][i]) {
        removeAt(cpu, i);
      }
    }
  }

  /**
   * A global flush of kernel addresses {@code [start, start + pages*4K)}: removes, on every CPU,
   * the released records in the range. Live records stay, as in {@link #flushedAll}.
   */
  void flushedKernelRange(long start, long pages) {
    long end = start + (pages << 12);
    for (int c = 0; c < count.length; c++) {
      for (int i = count[c] - 1; i >= 0; i--) {
        long v = va[c][i];
        if (released[c][i] && !AddressSpaces.isMmLocal(v) && Long.compareUnsigned(v, start) >= 0
            && Long.compareUnsigned(v, end) < 0) {
          removeAt(c, i);
        }
      }
    }
  }

  /** Removes every record of {@code m} on every CPU. */
  void removeMm(long m) {
    for (int c = 0; c < count.length; c++) {
      for (int i = count[c] - 1; i >= 0; i--) {
        if (mm[c][i] == m) {
          removeAt(c, i);
        }
      }
    }
  }

  /** Visits every released record (PTE gone, translation maybe cached) as a not-live alias. */
  void forEachReleased(AliasVisitor v) {
    for (int c = 0; c < count.length; c++) {
      for (int i = 0; i < count[c]; i++) {
        if (released[c][i]) {
          v.alias(c, mm[c][i], va[c][i], pfn[c][i], false);
        }
      }
    }
  }
}
