package io.asisim.sim.kernel;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;

/**
 * The one home of the rule for what a 4 KiB kernel copy ({@code copy_page_to_iter()},
 * {@code copy_page_from_iter_atomic()}, {@code copy_user_highpage()}) costs: its source is taken
 * to be cache-resident when the working set it is read from (the file, the process's anonymous
 * memory, the one-page user buffer) fits in the last-level cache ({@link Cost#LLC_KIB}); then the
 * copy costs {@link Cost#COPY_PAGE_CACHED}, else {@link Cost#COPY_PAGE}.
 *
 * <p>An approximation: no cache is simulated. It ignores what else competes for the LLC (other
 * files, other processes, the destination's lines, which a write-allocate may have to fetch), the
 * order of accesses, and a page just filled by DMA (which callers pass as cold, see
 * {@link #cold()}). It only separates "re-reading a small hot file" from "random pages of a file
 * many times the LLC", the two cases docs/calibration.md measures (memcpy of a cached 4 KiB
 * source 108 TSC ticks, of a random page of 1 GiB 1396).
 */
final class CopyCost {
  private final long cached;
  private final long cold;
  private final long llcPages;

  CopyCost(CpuProfile profile) {
    this.cached = profile.get(Cost.COPY_PAGE_CACHED);
    this.cold = profile.get(Cost.COPY_PAGE);
    this.llcPages = Math.max(1, profile.get(Cost.LLC_KIB) / 4);
  }

  /** Cycles of one page copy whose source is one page of a working set of {@code pages} pages. */
  long forWorkingSet(long pages) {
    return pages <= llcPages ? cached : cold;
  }

  /** Whether a working set of {@code pages} pages is likely cache-resident (fits the LLC). */
  boolean fits(long pages) {
    return pages <= llcPages;
  }

  /** Cycles of a copy from a source no CPU has touched yet (a page just read in by DMA). */
  long cold() {
    return cold;
  }
}
