package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.sim.util.LongLongMap;

/**
 * Anonymous mappings of an mm (mm/mmap.c): {@code mmap()} hands out address space (pages are faulted
 * in by {@link Memory}), {@code munmap()} and {@code exit_mmap()} zap the PTEs into an
 * {@link MmuGather}, which frees the frames only after the flush.
 */
final class Mmap {
  /** The whole user address space, as a page count for {@code flush_tlb_mm()}-like range flushes. */
  static final long ALL_PAGES = Long.MAX_VALUE >>> 12;

  private final AddressSpaces as;
  private final MapCount mapCount;
  private final MmuGather gather;
  private final AsiPlugins plugins;
  private final Sched sched;

  Mmap(AddressSpaces as, MapCount mapCount, MmuGather gather, AsiPlugins plugins, Sched sched) {
    this.as = as;
    this.mapCount = mapCount;
    this.gather = gather;
    this.plugins = plugins;
    this.sched = sched;
  }

  /** {@code mmap(MAP_ANONYMOUS)} of {@code pages} pages: address space only, faulted in on touch. */
  long mmapAnon(MmState m, int pages) {
    return m.take(pages);
  }

  /** {@code munmap()}: {@code zap_page_range()} + {@code tlb_finish_mmu()} (flush the range, then free). */
  void munmap(int cpu, MmState m, long va, int pages) {
    for (int i = 0; i < pages; i++) {
      long a = va + ((long) i << 12);
      long v = m.removeAnon(a);
      if (v != LongLongMap.ABSENT) {
        as.unmapUser(cpu, m.mm, a);
        zapPage(cpu, m.mm, v & MmState.PFN_MASK);
      }
    }
    gather.finish(cpu, m.mm, va, pages);
  }

  /**
   * {@code exit_mmap()} and {@code __mmdrop()}: unmaps and drops every anonymous page of a dying mm,
   * flushes it wherever it may still be cached, frees the frames, moves CPUs still holding the mm
   * off it, and destroys it.
   */
  void exitMmap(int cpu, MmState m) {
    LongLongMap a = m.anon;
    for (int i = 0; i < a.capacity(); i++) {
      if (a.used(i)) {
        as.unmapUser(cpu, m.mm, a.keyAt(i));
        zapPage(cpu, m.mm, a.valueAt(i) & MmState.PFN_MASK);
      }
    }
    m.clearAnon();
    gather.finish(cpu, m.mm, 0, ALL_PAGES);
    sched.leaveLazyMm(m.mm);
    plugins.mmExit(cpu, m.mm);
    as.mmDestroy(cpu, m.mm);
  }

  /**
   * {@code zap_pte_range()} on one present PTE: the mm loses access to the frame; the last mapper
   * queues it in the gather ({@code tlb_remove_page()}).
   */
  private void zapPage(int cpu, long mm, long pfn) {
    plugins.accessLost(cpu, mm, pfn);
    if (!mapCount.drop(pfn)) {
      gather.removePage(pfn);
    }
  }
}
