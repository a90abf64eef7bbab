package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.PageOrder;

/**
 * The compaction calibration's experiment (calibration/compact_frag.c, calibration/compaction.sh),
 * replayed on the simulated kernel. Set-up, as {@code compact_frag frag}: one process maps all free
 * memory but {@code headroom} as 4 KiB anonymous pages, writes every page, then returns with
 * {@code MADV_DONTNEED} every page whose frame's hash (splitmix64's finaliser, as the C program;
 * or the frame itself with {@code pattern=parity}) is not a multiple of {@code stride}, a run of
 * such pages per call, so that free memory is small holes between movable survivors. Then, as
 * {@code compact_frag thp}: THP {@code madvise}, and each op writes the next 4 KiB page of an
 * {@code MADV_HUGEPAGE} region as large as the free memory in blocks of order 9 or more plus
 * {@code thp-extra} (as calibration/compaction.sh sizes it): one huge-page fault per 2 MiB, and the
 * last {@code thp-extra} of them find no free 2 MiB block and must compact directly
 * ({@code defrag=madvise}: {@code GFP_TRANSHUGE}).
 */
final class ThpFragWorkload implements Workload {
  private final long headroomPages;
  private final int stride;
  private final boolean parity;
  private final long thpExtraPages;
  private final long opsParam;
  /** {@code transparent_hugepage/defrag} for the run ({@code Kernel.THP_DEFRAG_*}). */
  private final int defrag;
  /** The {@code khugepaged/} tunables, written with THP when they differ from the kernel's defaults. */
  private final io.asisim.api.kernel.KhugepagedTunables khugepaged;
  /** {@code transparent_hugepage/shrink_underused}, written with THP when not the kernel's default (1). */
  private final boolean shrinkUnderused;
  private long thpPages;
  private int pid;
  private long region;

  ThpFragWorkload(long headroomPages, int stride, boolean parity, long thpExtraPages, long ops, int defrag,
      io.asisim.api.kernel.KhugepagedTunables khugepaged, boolean shrinkUnderused) {
    this.shrinkUnderused = shrinkUnderused;
    this.defrag = defrag;
    this.khugepaged = khugepaged;
    this.headroomPages = headroomPages;
    this.stride = stride;
    this.parity = parity;
    this.thpExtraPages = thpExtraPages;
    this.opsParam = ops;
  }

  /** The region's pages once set up (its size depends on the fragmented state); before, {@code ops} or 1. */
  @Override
  public long ops() {
    long all = thpPages;
    return all == 0 ? Math.max(1, opsParam) : opsParam == 0 ? all : Math.min(opsParam, all);
  }

  @Override
  public void setUp(Kernel k) {
    pid = k.spawn();
    long frag = k.freePages() - headroomPages;
    if (pid < 0 || frag <= 0 || frag > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("thp-frag: " + k.freePages() + " free pages leave nothing to fragment above "
          + "the headroom of " + headroomPages + " (valid: headroom below the machine's free memory)");
    }
    long va = k.mmapAnon(pid, (int) frag);
    for (long i = 0; i < frag; i++) {
      k.touch(pid, va + (i << 12), true);
    }
    long runStart = -1;
    for (long i = 0; i <= frag; i++) {
      boolean drop = i < frag && !keep(k.pagemap(pid, va + (i << 12)));
      if (drop && runStart < 0) {
        runStart = i;
      } else if (!drop && runStart >= 0) {
        k.madviseDontneed(pid, va + (runStart << 12), (int) (i - runStart));
        runStart = -1;
      }
    }
    k.setTransparentHugepage(Kernel.THP_MADVISE);
    if (defrag != Kernel.THP_DEFRAG_MADVISE) {
      k.setThpDefrag(defrag);
    }
    if (!shrinkUnderused) {
      k.setThpShrinkUnderused(false);
    }
    if (!khugepaged.equals(io.asisim.api.kernel.KhugepagedTunables.DEFAULTS)) {
      k.setKhugepaged(khugepaged);
    }
    long huge = k.freePagesInBlocks(9);
    thpPages = (Math.max(0, huge) + thpExtraPages) & -(long) PageOrder.PAGEBLOCK_NR_PAGES;
    region = k.mmapAnon(pid, (int) thpPages);
    k.madviseHugepage(pid, region, (int) thpPages);
  }

  /** Whether compact_frag keeps the page in frame {@code pfn} (one without a frame is not dropped). */
  private boolean keep(long pfn) {
    return pfn < 0 || Long.remainderUnsigned(parity ? pfn : mix(pfn), stride) == 0;
  }

  /** splitmix64's finaliser, as compact_frag.c's {@code mix()} (64-bit unsigned arithmetic). */
  static long mix(long x) {
    x += 0x9e3779b97f4a7c15L;
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }

  @Override
  public void step(Kernel k, long index) {
    k.touch(pid, region + (index << 12), true);
  }

  @Override
  public void tearDown(Kernel k) {
    k.exit(pid);
  }
}
