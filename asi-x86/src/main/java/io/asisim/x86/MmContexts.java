package io.asisim.x86;

import io.asisim.api.machine.CpuMask;
import java.util.Arrays;

/**
 * The machine-visible part of each {@code mm_struct}: {@code mm->pgd}, the ASI restricted PGD
 * ({@code mm->asi[0].pgd} in bjackman/linux) and {@code mm_cpumask(mm)}, indexed by mm id. Id 0 is
 * {@code init_mm}.
 *
 * <p>Ids are recycled like pids ({@code alloc_pid()} hands out free numbers; here always the
 * lowest free one, so a run is deterministic): the tables grow with the number of live mms, not
 * with every mm ever created. The kernel never reuses {@code ctx_id} ({@code
 * atomic64_inc_return(&last_mm_ctx_id)} in {@code init_new_context()}); a recycled id is safe
 * because {@link X86Cr3#forgetMm} drops every ASID context of an mm when it is destroyed.
 */
final class MmContexts {
  private int[] pgd = new int[16];
  private int[] asiPgd = new int[16];
  private CpuMask[] cpumask = new CpuMask[16];
  private int nrIds;
  /** Every id below this one is live (the search for a free id starts here). */
  private int lowestFree;

  MmContexts(int initMmPgd) {
    Arrays.fill(pgd, -1);
    Arrays.fill(asiPgd, -1);
    pgd[0] = initMmPgd;
    cpumask[0] = new CpuMask();
    nrIds = 1;
    lowestFree = 1;
  }

  /** Registers a new mm with its PGDs ({@code asiPgd} -1 without ASI); returns its id, the lowest free. */
  long add(int mmPgd, int mmAsiPgd) {
    int id = lowestFree;
    while (id < nrIds && pgd[id] >= 0) {
      id++;
    }
    if (id == nrIds) {
      if (nrIds == pgd.length) {
        int n = nrIds * 2;
        pgd = Arrays.copyOf(pgd, n);
        asiPgd = Arrays.copyOf(asiPgd, n);
        cpumask = Arrays.copyOf(cpumask, n);
        Arrays.fill(pgd, nrIds, n, -1);
        Arrays.fill(asiPgd, nrIds, n, -1);
      }
      cpumask[id] = new CpuMask();
      nrIds++;
    } else {
      cpumask[id].clearAll(); // mm_init_cpumask() of the new mm
    }
    pgd[id] = mmPgd;
    asiPgd[id] = mmAsiPgd;
    lowestFree = id + 1;
    return id;
  }

  /** Frees the id of a destroyed mm for reuse. */
  void remove(long mm) {
    int id = check(mm);
    pgd[id] = -1;
    asiPgd[id] = -1;
    if (id < lowestFree) {
      lowestFree = id;
    }
  }

  /** {@code mm} as an index; throws for an id that is not live. */
  int check(long mm) {
    if (mm < 0 || mm >= nrIds || pgd[(int) mm] < 0) {
      throw new IllegalArgumentException("no such mm: " + mm);
    }
    return (int) mm;
  }

  /** The PGD slot of {@code mm}'s unrestricted or restricted tables (-1 if none). */
  int root(long mm, boolean restricted) {
    int id = check(mm);
    return restricted ? asiPgd[id] : pgd[id];
  }

  /** {@code mm->pgd}. */
  int pgd(long mm) {
    return pgd[check(mm)];
  }

  /** The restricted PGD of {@code mm}, -1 for {@code init_mm} or without ASI. */
  int asiPgd(long mm) {
    return asiPgd[check(mm)];
  }

  /** {@code mm_cpumask(mm)}: the CPUs that may hold TLB entries of {@code mm}; live, mutable. */
  CpuMask cpumask(long mm) {
    return cpumask[check(mm)];
  }

  /** Ids ever handed out and not yet recycled past (the size of per-mm tables). */
  int nrIds() {
    return nrIds;
  }
}
