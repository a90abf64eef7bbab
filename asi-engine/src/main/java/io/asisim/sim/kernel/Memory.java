package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.util.LongLongMap;

/**
 * Faults and user accesses (mm/memory.c): {@code handle_mm_fault()} on a missing anonymous page
 * ({@code do_anonymous_page()}) or a write to a write-protected one ({@code do_wp_page()}:
 * {@code wp_page_reuse()} when only this mm maps it, else {@code wp_page_copy()}), faults in file
 * mappings ({@link FileFault}), and the kernel's own writes to user pages ({@code copy_to_user()}),
 * which take the same copy-on-write fault. Each fault charges the exception
 * ({@code Cost.PAGE_FAULT}) and its body ({@link FaultCosts}); allocation, clear and copy are
 * charged where they happen.
 */
final class Memory {
  /** {@code GFP_HIGHUSER_MOVABLE | __GFP_ZERO}: anonymous faults ({@code vma_alloc_zeroed_movable_folio()}). */
  static final int GFP_ANON = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_ZERO;

  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final PageAllocator allocator;
  private final Highmem highmem;
  private final Vmscan vmscan;
  private final MapCount mapCount;
  private final AsiPlugins plugins;
  private final Counter anonFaults;
  private final Counter cowFaults;
  private final Counter oomEvents;
  private final KernelCounters counters;
  private final long faultCost;
  private final int siteUser;
  private final HugeMemory huge;
  private FileFault fileFault;

  Memory(Machine machine, PageAllocator allocator, Highmem highmem, Vmscan vmscan, MapCount mapCount,
      AsiPlugins plugins, KernelCounters counters, int siteUser, HugeMemory huge) {
    this.huge = huge;
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.allocator = allocator;
    this.highmem = highmem;
    this.vmscan = vmscan;
    this.mapCount = mapCount;
    this.plugins = plugins;
    this.anonFaults = counters.anonFaults();
    this.cowFaults = counters.cowFaults();
    this.oomEvents = counters.oomEvents();
    this.counters = counters;
    this.faultCost = machine.profile().get(Cost.PAGE_FAULT);
    this.siteUser = siteUser;
  }

  /**
   * Builds the file-fault layer on the page cache (called once, by {@link FileMap}'s constructor,
   * which owns the cache) and makes the page cache's mapped pages reachable from the unmap paths.
   */
  FileFault attachPageCache(PageCache cache, KernelSlab slab, ShmemHuge shmem) {
    mapCount.attachPageCache(cache);
    fileFault = new FileFault(machine, allocator, cache, highmem, vmscan, this, counters, slab, shmem);
    return fileFault;
  }

  /** The file-fault layer ({@link #attachPageCache} must have run). */
  FileFault fileFault() {
    return fileFault;
  }

  /**
   * A user access to {@code va}: faults in a missing page (from the file for a file mapping),
   * copies a write-protected one on write. Whether it faulted (a present page is a plain access).
   */
  boolean touch(int cpu, MmState m, long va, boolean write) {
    long v = m.anon.get(va);
    if (v == LongLongMap.ABSENT) {
      int vma = m.vmas.size() == 0 ? -1 : m.vmas.find(va);
      if (vma >= 0) {
        return fileFault.fault(cpu, m, vma, va, write);
      }
      if (huge.eligible(m, va) && huge.fault(cpu, m, va)) {
        anonFaults.inc(); // an anonymous fault all the same (pgfault)
        // as do_anonymous_page(): the first unzeroed frame of the folio is kept for the checker
        long haddr = va & -HugeMemory.HPAGE_PMD_SIZE;
        long head = m.anon.get(haddr) & MmState.PFN_MASK;
        for (int i = 0; i < HugeMemory.HPAGE_PMD_NR && unzeroedPfn < 0; i++) {
          noteUnzeroed(m, haddr + ((long) i << 12), head + i, "do_huge_pmd_anonymous_page()");
        }
        userAccess(cpu, va, true);
        return true;
      }
      anonFault(cpu, m, va);
      return true;
    } else if (write && (v & MmState.WRITABLE) == 0) {
      wpFault(cpu, m, va, v);
      return true;
    }
    userAccess(cpu, va, write);
    return false;
  }

  /** A kernel write to a user page ({@code copy_to_user()}): a write-protected page faults and is copied first. */
  void kernelWriteUser(int cpu, MmState m, long va) {
    long v = m.anon.get(va);
    if (v != LongLongMap.ABSENT && (v & MmState.WRITABLE) == 0) {
      wpFault(cpu, m, va, v);
    } else {
      userAccess(cpu, va, true);
    }
  }

  /** An access through the user mapping (a kernel read of a user buffer included). */
  void userAccess(int cpu, long va, boolean write) {
    tlb.access(cpu, va, write, siteUser);
  }

  /** The first unzeroed anonymous page mapped since the checker last looked ({@link #takeUnzeroedUserPage}). */
  private long unzeroedPfn = -1;
  private long unzeroedVa;
  private long unzeroedMm;
  private String unzeroedFn;

  /** {@code do_anonymous_page()}: a zeroed movable page mapped writable; false if out of memory. */
  boolean anonFault(int cpu, MmState m, long va) {
    anonFaults.inc();
    machine.charge(cpu, faultCost + FaultCosts.ANON_FAULT);
    long pfn = vmscan.allocUserPage(cpu, GFP_ANON);
    if (pfn < 0) {
      return false;
    }
    highmem.clearPage(cpu, m.mm, pfn, AccessSite.ZEROING);
    if (!as.mapUser(cpu, m.mm, va, pfn, true)) {
      allocator.free(cpu, pfn, 0);
      oomEvents.inc();
      return false;
    }
    m.putAnon(va, pfn | MmState.WRITABLE);
    noteUnzeroed(m, va, pfn, "do_anonymous_page()");
    userAccess(cpu, va, true);
    return true;
  }

  /** Keeps the first frame mapped to user space without having been zeroed, for the checker. */
  private void noteUnzeroed(MmState m, long va, long pfn, String fn) {
    if (unzeroedPfn < 0 && !machine.isZeroed(pfn)) {
      unzeroedFn = fn;
      // checked before the user's first write, which clears the machine's zeroed mark
      unzeroedPfn = pfn;
      unzeroedVa = va;
      unzeroedMm = m.mm;
    }
  }

  /**
   * The first anonymous page mapped to user space without having been zeroed since its last write
   * (a {@code clear_user_highpage()} skipped: the previous owner's data reaches the new one), as a
   * message, or {@code null}; clears the record (checker bookkeeping only, not simulated state).
   */
  String takeUnzeroedUserPage() {
    if (unzeroedPfn < 0) {
      return null;
    }
    String r = unzeroedFn + " mapped pfn " + unzeroedPfn + " at va 0x" + Long.toHexString(unzeroedVa)
        + " of mm " + unzeroedMm + " without zeroing it";
    unzeroedPfn = -1;
    return r;
  }

  /**
   * {@code do_wp_page()} on the write-protected anonymous PTE value {@code v} of {@code va}: reuse
   * a page only this mm maps, else {@link #wpPageCopy}; a huge page first tries
   * {@code do_huge_pmd_wp_page()}.
   */
  private void wpFault(int cpu, MmState m, long va, long v) {
    long old = v & MmState.PFN_MASK;
    if (HugeMemory.isHuge(v)) {
      if (huge.wpFault(cpu, m, va & -HugeMemory.HPAGE_PMD_SIZE)) {
        userAccess(cpu, va, true);
        return;
      }
      // the PMD was split: the 4 KiB page is reused or copied below (VM_FAULT_FALLBACK)
    }
    if (!mapCount.isShared(old)) {
      // wp_page_reuse(): the last user gets the page writable in place
      machine.charge(cpu, faultCost + FaultCosts.WP_REUSE);
      as.mapUser(cpu, m.mm, va, old, true);
      m.putAnon(va, old | MmState.WRITABLE);
      tlb.flushOne(cpu, va);
      userAccess(cpu, va, true);
      return;
    }
    wpPageCopy(cpu, m, va, old);
  }

  /** {@code wp_page_copy()}: a private copy replaces the shared page, whose old translation is flushed. */
  private void wpPageCopy(int cpu, MmState m, long va, long old) {
    machine.charge(cpu, faultCost + FaultCosts.WP_COPY);
    cowFaults.inc();
    long pfn = vmscan.allocUserPage(cpu, Gfp.GFP_HIGHUSER_MOVABLE);
    if (pfn < 0) {
      return;
    }
    // the source is read from the mm's anonymous memory: cache-resident if that fits the LLC
    highmem.copyPage(cpu, m.mm, old, pfn, AccessSite.COW, m.anon.size());
    as.mapUser(cpu, m.mm, va, pfn, true);
    m.putAnon(va, pfn | MmState.WRITABLE);
    long head = mapCount.folioOf(old);
    mapCount.drop(old);
    // the page was shared, so another mapping of its folio is left: never the folio's last
    if (head >= 0 && mapCount.folioUnmapped(head)) {
      throw new IllegalStateException("wp_page_copy() of pfn " + old + " dropped the last mapping of its folio "
          + head + ", which was shared");
    }
    plugins.accessLost(cpu, m, old);
    // ptep_clear_flush(): the old translation must leave every CPU of the mm
    tlb.flushMmRange(cpu, m.mm, va, 1);
    userAccess(cpu, va, true);
  }
}
