package io.asisim.pagealloc;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.machine.PfnRange;
import io.asisim.fixtures.FakeArch;
import java.util.BitSet;
import java.util.List;

/**
 * A {@link FakeArch} with a budget of page-table pages: a direct-map change that must split 2 MiB
 * leaves ({@code split_large_page()} in arch/x86/mm/pat/set_memory.c, one table page per leaf)
 * takes them from the budget, and when the budget cannot cover every new split of the call the call
 * fails with nothing changed, as {@code set_direct_map_*()} returns {@code -ENOMEM}
 * ({@link ArchPageOps#setRestrictedMapped}'s contract). Whole aligned pageblocks change whole PMDs
 * and never need a page; a leaf split once stays split (the FakeArch rule), for the restricted and
 * the unrestricted direct map apart.
 */
final class SplitBudgetArch implements ArchPageOps {
  private static final int PB_SHIFT = FrameTable.PB_ORDER;

  private final FakeArch fake;
  private final BitSet restrictedSplit = new BitSet();
  private final BitSet directSplit = new BitSet();
  private long tablePages;
  private long failedCalls;

  SplitBudgetArch(FakeArch fake, long tablePages) {
    this.fake = fake;
    this.tablePages = tablePages;
  }

  /** Sets the page-table pages left for splits. */
  void setTablePages(long n) {
    tablePages = n;
  }

  long tablePages() {
    return tablePages;
  }

  /** Map changes refused for want of a table page. */
  long failedCalls() {
    return failedCalls;
  }

  /** Takes the table pages for the new splits of the range, or answers false, taking none. */
  private boolean takeSplits(BitSet split, long pfn, long count) {
    long mask = (1L << PB_SHIFT) - 1;
    if ((pfn & mask) == 0 && (count & mask) == 0) {
      return true;
    }
    int first = (int) (pfn >>> PB_SHIFT);
    int last = (int) ((pfn + count - 1) >>> PB_SHIFT);
    int need = 0;
    for (int pb = first; pb <= last; pb++) {
      if (!split.get(pb)) {
        need++;
      }
    }
    if (need > tablePages) {
      failedCalls++;
      return false;
    }
    tablePages -= need;
    split.set(first, last + 1);
    return true;
  }

  @Override
  public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    return takeSplits(restrictedSplit, pfn, count) && fake.setRestrictedMapped(cpu, pfn, count, present);
  }

  @Override
  public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
    return takeSplits(directSplit, pfn, count) && fake.setDirectMapped(cpu, pfn, count, present);
  }

  @Override
  public int nrCpus() {
    return fake.nrCpus();
  }

  @Override
  public long nrFrames() {
    return fake.nrFrames();
  }

  @Override
  public long bootReservedFrames() {
    return fake.bootReservedFrames();
  }

  @Override
  public List<PfnRange> bootReservation() {
    return fake.bootReservation();
  }

  @Override
  public void charge(int cpu, long cycles) {
    fake.charge(cpu, cycles);
  }

  @Override
  public void clearPages(int cpu, long pfn, long count) {
    fake.clearPages(cpu, pfn, count);
  }

  @Override
  public boolean isRestrictedMapped(long pfn) {
    return fake.isRestrictedMapped(pfn);
  }

  @Override
  public boolean isDirectMapped(long pfn) {
    return fake.isDirectMapped(pfn);
  }

  @Override
  public void flushKernelRange(int cpu, long pfn, long count) {
    fake.flushKernelRange(cpu, pfn, count);
  }
}
