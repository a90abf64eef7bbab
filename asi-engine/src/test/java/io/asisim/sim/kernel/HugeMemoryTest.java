package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Anonymous THP ({@link HugeMemory}), hand-checked on a 256 MiB machine: a fault in a PMD-aligned
 * 2 MiB of an eligible mapping maps one order-9 folio with one PMD leaf; a partial munmap splits
 * it and frees only the unmapped page; a whole-2 MiB munmap frees the folio; exit gives every page
 * back; {@code madvise} mode needs MADV_HUGEPAGE; no order-9 block means a 4 KiB fallback.
 */
class HugeMemoryTest {
  private static final long PAGE = 4096;
  private SimKernel k;
  private Metrics m;
  private Machine machine;

  private void boot(boolean asi) {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 1, asi), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
    machine = inj.getInstance(Machine.class);
  }

  /** Writes every page of the 2 MiB at {@code va} (the first write faults the THP in). */
  private void writeAll(int pid, long va) {
    for (int i = 0; i < 512; i++) {
      k.touch(pid, va + i * PAGE, true);
    }
  }

  /** The mm of {@code pid}, the last task that ran on the one CPU. */
  private long mm(int pid) {
    return machine.addressSpaces().loadedMm(0);
  }

  @Test
  void aHugeFaultSplitAndZapOnEveryPath() {
    for (boolean asi : new boolean[] {false, true}) {
      boot(asi);
      k.setTransparentHugepage(Kernel.THP_ALWAYS);
      long free0 = KernelPages.freeOrSlab(k);
      int pid = k.spawn();
      long va = k.mmapAnon(pid, 1024); // 4 MiB: PMD-aligned
      assertThat(va % (2 << 20)).isZero();
      long before = k.freePages();
      long faults = m.get("anon_faults");
      k.touch(pid, va + 5 * PAGE, true);
      assertThat(m.get("thp_fault_alloc")).isEqualTo(1);
      assertThat(m.get("anon_faults")).isEqualTo(faults + 1);
      assertThat(before - k.freePages()).as("one folio, no page table").isEqualTo(512);
      AddressSpaces as = machine.addressSpaces();
      long head = as.translate(mm(pid), false, va);
      assertThat(head % 512).isZero();
      assertThat(as.translate(mm(pid), false, va + 5 * PAGE)).isEqualTo(head + 5);
      assertThat(as.leafShift(mm(pid), false, va + 5 * PAGE)).isEqualTo(21);
      for (int i = 0; i < 512; i++) {
        assertThat(machine.isZeroed(head + i) || i == 5).as("page %d zeroed", i).isTrue();
      }
      k.touch(pid, va + 511 * PAGE, true);
      assertThat(m.get("anon_faults")).as("the rest of the 2 MiB is mapped").isEqualTo(faults + 1);
      k.touch(pid, va + 512 * PAGE, false);
      assertThat(m.get("thp_fault_alloc")).isEqualTo(2);

      long mid = k.freePages();
      long tables = m.get("pagetable_pages");
      k.munmap(pid, va + PAGE, 1); // one page of the first: split, then zap that PTE
      assertThat(m.get("thp_split_pmd")).isEqualTo(1);
      assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(12);
      assertThat(as.translate(mm(pid), false, va + PAGE)).isEqualTo(-1);
      assertThat(as.translate(mm(pid), false, va + 2 * PAGE)).isEqualTo(head + 2);
      assertThat(m.get("pagetable_pages") - tables).as("the split's PTE table").isEqualTo(1);
      // the table comes from the machine's page-table reserve, not the free lists
      assertThat(k.freePages() - mid).as("the folio stays whole while any page is mapped").isZero();
      k.munmap(pid, va + 512 * PAGE, 512); // the whole second one: the folio goes at once
      assertThat(m.get("thp_split_pmd")).isEqualTo(1);
      assertThat(k.freePages() - mid).isEqualTo(512);
      k.touch(pid, va + 2 * PAGE, true); // a 4 KiB PTE now: no fault
      assertThat(m.get("anon_faults")).isEqualTo(faults + 2);
      k.exit(pid);
      assertThat(KernelPages.freeOrSlab(k)).as("asi " + asi).isEqualTo(free0);
    }
  }

  @Test
  void madviseModeNeedsMadvHugepage() {
    boot(false);
    k.setTransparentHugepage(Kernel.THP_MADVISE);
    int pid = k.spawn();
    long plain = k.mmapAnon(pid, 512);
    k.touch(pid, plain, true);
    assertThat(m.get("thp_fault_alloc")).isZero();
    long advised = k.mmapAnon(pid, 512);
    k.madviseHugepage(pid, advised, 512);
    k.touch(pid, advised, true);
    assertThat(m.get("thp_fault_alloc")).isEqualTo(1);
    long small = k.mmapAnon(pid, 256); // not PMD-sized: never a huge page
    k.madviseHugepage(pid, small, 256);
    k.touch(pid, small, true);
    assertThat(m.get("thp_fault_alloc")).isEqualTo(1);
    assertThat(m.get("thp_fault_fallback")).isZero();
  }

  private List<Long> held;

  /** Boots with THP {@code always}, holds every free order-9 block ({@link #held}) and spawns a process: its pid. */
  private int thpAlwaysWithoutFreeBlocks() {
    boot(false);
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
    int pid = k.spawn();
    held = new ArrayList<>();
    for (long p; (p = k.allocPages(0, 9, Gfp.GFP_KERNEL & ~Gfp.__GFP_DIRECT_RECLAIM)) >= 0; ) {
      held.add(p);
    }
    return pid;
  }

  @Test
  void noOrder9BlockMeansA4KibFallback() {
    int pid = thpAlwaysWithoutFreeBlocks();
    List<Long> held = this.held;
    long va = k.mmapAnon(pid, 512);
    k.touch(pid, va, true);
    assertThat(m.get("thp_fault_fallback")).isEqualTo(1);
    assertThat(m.get("thp_fault_alloc")).isZero();
    assertThat(machine.addressSpaces().leafShift(mm(pid), false, va)).isEqualTo(12);
    held.forEach(p -> k.freePages(0, p, 9));
  }

  /**
   * {@code MADV_DONTNEED} of a whole 2 MiB that 4 KiB faults filled zaps its PTEs but keeps the
   * table, so {@code pmd_none()} is false there: the next fault maps a 4 KiB page, without a THP
   * attempt (no folio allocated, zeroed and given back, no {@code thp_fault_fallback}).
   */
  @Test
  void anEmptiedPteTableKeepsTheRangeIn4KibPages() {
    int pid = thpAlwaysWithoutFreeBlocks();
    List<Long> held = this.held;
    long va = k.mmapAnon(pid, 512);
    for (int i = 0; i < 512; i++) {
      k.touch(pid, va + i * PAGE, true); // the first fault falls back, the rest fill the table
    }
    held.forEach(p -> k.freePages(0, p, 9));
    assertThat(m.get("thp_fault_fallback")).isEqualTo(1);
    k.madviseDontneed(pid, va, 512);
    assertThat(machine.addressSpaces().hasUserPteTable(mm(pid), va)).isTrue();
    long zeroed = m.get("pages_zeroed");
    k.touch(pid, va, true);
    assertThat(m.get("thp_fault_alloc")).isZero();
    assertThat(m.get("thp_fault_fallback")).isEqualTo(1);
    assertThat(m.get("pages_zeroed") - zeroed).as("one 4 KiB page").isEqualTo(1);
    assertThat(machine.addressSpaces().leafShift(mm(pid), false, va)).isEqualTo(12);
    long fresh = k.mmapAnon(pid, 512);
    assertThat(machine.addressSpaces().hasUserPteTable(mm(pid), fresh)).isFalse();
    k.touch(pid, fresh, true);
    assertThat(m.get("thp_fault_alloc")).as("a range without a table still gets a huge page").isEqualTo(1);
  }

  /**
   * {@code MADV_DONTNEED} of 10 pages of a huge page splits its PMD; the folio keeps all 512 pages
   * and joins the deferred split queue once. {@code deferred_split_scan()} splits it: the 10
   * unmapped pages go back, the other 502 stay mapped as 4 KiB pages and each goes back on its own
   * when unmapped. A reclaim round runs the shrinker (a file larger than memory is written).
   */
  @Test
  void aPartlyUnmappedFolioIsSplitByTheDeferredSplitShrinker() {
    boot(false);
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
    int pid = k.spawn();
    long whole = k.mmapAnon(pid, 512);
    k.touch(pid, whole, true);
    k.munmap(pid, whole, 512); // zap_huge_pmd(): the folio is never partly mapped
    assertThat(m.get("thp_deferred_split_page")).isZero();
    long va = k.mmapAnon(pid, 512);
    writeAll(pid, va); // no page zero-filled: the split remaps none to the zero page
    long head = machine.addressSpaces().translate(mm(pid), false, va);
    k.madviseDontneed(pid, va + 100 * PAGE, 10);
    k.madviseDontneed(pid, va + 300 * PAGE, 1);
    assertThat(m.get("thp_split_pmd")).isEqualTo(1);
    assertThat(m.get("thp_deferred_split_page")).as("queued once").isEqualTo(1);
    long free = k.freePages();
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    assertThat(k.freePages()).as("the 11 unmapped pages back").isEqualTo(free + 11);
    for (int i = 0; i < 512; i++) {
      long pa = machine.addressSpaces().translate(mm(pid), false, va + i * PAGE);
      assertThat(pa).isEqualTo(i >= 100 && i < 110 || i == 300 ? -1 : head + i);
    }
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).as("nothing left queued").isEqualTo(1);
    k.munmap(pid, va, 512);
    assertThat(k.freePages()).as("the 501 others back one by one").isEqualTo(free + 512);

    // a queued folio whose last page goes is freed whole and leaves the queue
    long gone = k.mmapAnon(pid, 512);
    k.touch(pid, gone, true);
    k.madviseDontneed(pid, gone, 1);
    assertThat(m.get("thp_deferred_split_page")).isEqualTo(2);
    k.munmap(pid, gone, 512);
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).isEqualTo(1);

    // the shrinker runs in reclaim: a second folio, partly unmapped, then a file larger than memory
    long va2 = k.mmapAnon(pid, 512);
    k.touch(pid, va2, true);
    k.madviseDontneed(pid, va2, 1);
    assertThat(m.get("thp_deferred_split_page")).isEqualTo(3);
    int fd = k.open(pid, k.createFile(2 * 65536, true));
    for (long p = 0; p < 2 * 65536 && m.get("thp_split_page") < 2; p += 16) {
      k.write(pid, fd, p, 16);
    }
    assertThat(m.get("pagecache_evictions")).isPositive();
    assertThat(m.get("thp_split_page")).isEqualTo(2);
  }

  /**
   * After a fork the child's write splits its PMD and copies one page, whose original only the
   * parent maps then; the parent's munmap of the 2 MiB (one PMD) drops that page's last mapping
   * while the child maps the other 511 by PTEs: the folio is partly mapped and queued, and the
   * scan gives that one page back.
   */
  @Test
  void aPmdUnmapThatLeavesAPartlyMappedFolioQueuesIt() {
    boot(false);
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
    int parent = k.spawn();
    long va = k.mmapAnon(parent, 512);
    writeAll(parent, va);
    int child = k.fork(parent);
    k.touch(child, va + 7 * PAGE, true);
    assertThat(m.get("thp_split_pmd")).isEqualTo(1);
    assertThat(m.get("thp_deferred_split_page")).as("the parent still maps the original").isZero();
    k.munmap(parent, va, 512);
    assertThat(m.get("thp_deferred_split_page")).isEqualTo(1);
    long free = k.freePages();
    k.k.huge.deferredSplitScan(0);
    assertThat(m.get("thp_split_page")).isEqualTo(1);
    assertThat(k.freePages()).isEqualTo(free + 1);
  }

  /**
   * copy_huge_pmd() shares the folio; the child's write splits only its own PMD and copies one
   * page; once the child is gone the parent's write reuses the whole huge page in place.
   */
  @Test
  void aForkSharesTheHugePageAndAWriteCopiesOnePage() {
    boot(true);
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
    long free0 = KernelPages.freeOrSlab(k);
    int parent = k.spawn();
    long va = k.mmapAnon(parent, 512);
    k.touch(parent, va, true);
    long head = machine.addressSpaces().translate(mm(parent), false, va);
    long free1 = k.freePages();
    int child = k.fork(parent);
    assertThat(m.get("thp_split_pmd")).isZero();
    long cows = m.get("cow_faults");
    k.touch(child, va + PAGE, true);
    long childMm = mm(child);
    assertThat(m.get("cow_faults")).isEqualTo(cows + 1);
    assertThat(m.get("thp_split_pmd")).as("the child's PMD only").isEqualTo(1);
    assertThat(machine.addressSpaces().leafShift(childMm, false, va)).isEqualTo(12);
    assertThat(machine.addressSpaces().translate(childMm, false, va + 2 * PAGE)).isEqualTo(head + 2);
    k.exit(child);
    long reuse = m.get("cow_faults");
    k.touch(parent, va + 3 * PAGE, true); // exclusive again: do_huge_pmd_wp_page() reuses the folio
    assertThat(m.get("cow_faults")).isEqualTo(reuse);
    assertThat(machine.addressSpaces().leafShift(mm(parent), false, va)).isEqualTo(21);
    assertThat(machine.addressSpaces().translate(mm(parent), false, va + 3 * PAGE)).isEqualTo(head + 3);
    assertThat(k.freePages()).as("the child's copy and its tables are gone, the folio kept").isLessThanOrEqualTo(free1);
    k.exit(parent);
    assertThat(KernelPages.freeOrSlab(k)).isEqualTo(free0);
  }
}
