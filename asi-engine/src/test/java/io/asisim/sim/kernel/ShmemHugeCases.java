package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.check.Checker;

/**
 * What {@link ShmemHugeTest} and {@link ShmemHugeMigrationTest} share: a 256 MiB, 2-CPU machine
 * (with {@code cma} its top 160 MiB are the CMA area, as in {@link MigrateRmapTest}), and reading
 * back which frames cache a file.
 */
abstract class ShmemHugeCases {
  static final long PAGE = 4096;
  static final int NR = ShmemHuge.HPAGE_PMD_NR;
  static final int CMA_BLOCKS = 80;
  static final long CMA_BASE = (256L << 20) / PAGE - CMA_BLOCKS * 512L;
  SimKernel k;
  Metrics m;
  AddressSpaces as;
  PageAllocator allocator;
  Checker checker;

  void boot(boolean asi, boolean cma, long memory) {
    KernelRig r = cma ? KernelRig.boot(memory, 2, asi, "cma=160M") : KernelRig.boot(memory, 2, asi);
    k = r.k();
    m = r.ctx().metrics();
    as = r.ctx().machine().addressSpaces();
    allocator = r.ctx().allocator();
    checker = r.checker();
  }

  void boot() {
    boot(false, false, 256L << 20);
  }

  /** The frames caching pages {@code 0..pages-1} of {@code file}, read through a fresh mapping of it (the pages are cached). */
  long[] frames(int file, int pages) {
    int pid = k.spawn();
    long va = k.mmapFile(pid, file, pages);
    long[] f = new long[pages];
    for (int i = 0; i < pages; i++) {
      k.touch(pid, va + i * PAGE, false);
      f[i] = as.translate(k.k.tasks.mm(pid).mm, false, va + i * PAGE);
    }
    k.munmap(pid, va, pages);
    k.exit(pid);
    return f;
  }

  static void assertOneFolio(long[] f, int from) {
    assertThat(f[from] % NR).as("2 MiB-aligned head").isZero();
    for (int i = 1; i < NR && from + i < f.length; i++) {
      assertThat(f[from + i]).as("page " + (from + i)).isEqualTo(f[from] + i);
    }
  }
}
