package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.KhugepagedTunables;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Cost;
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
 * khugepaged ({@link Khugepaged}), hand-checked on a 256 MiB machine in {@code madvise} mode: a
 * 2 MiB range faulted in 4 KiB pages is collapsed into one PMD-mapped folio once
 * {@code scan_sleep_millisecs} of simulated time has passed since its first (empty) scan, the old
 * pages and their PTE table are freed, and the limits ({@code max_ptes_none},
 * {@code max_ptes_shared}, {@code pages_to_scan}), the allocation failure's sleep and
 * {@code defrag} behave as mm/khugepaged.c says.
 */
class KhugepagedTest {
  private static final long PAGE = 4096;
  private SimKernel k;
  private Metrics m;
  private Machine machine;
  private AddressSpaces as;

  private void boot(boolean asi, int cpus) {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, cpus, asi), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
    machine = inj.getInstance(Machine.class);
    as = machine.addressSpaces();
    k.setTransparentHugepage(Kernel.THP_MADVISE);
  }

  private long ms(long millis) {
    return millis * machine.profile().get(Cost.CLOCK_MHZ) * 1000;
  }

  /**
   * User code of {@code pid} runs until its CPU's clock reaches {@code cycles}, 1 ms at a time: the
   * scheduler polls khugepaged's deadline after each run of user code, as it delivers ticks.
   */
  private void runUntil(int pid, long cycles) {
    for (long now; (now = machine.cycles(k.cpuOf(pid))) < cycles; ) {
      k.runUser(pid, Math.min(ms(1), cycles - now));
    }
  }

  private long mm(int pid) {
    return k.k.tasks.mm(pid).mm;
  }

  /**
   * A 2 MiB mapping of {@code pid} with {@code present} pages written (the first ones, 4 KiB each:
   * not yet madvised), then {@code MADV_HUGEPAGE}, which gives the mm its khugepaged slot.
   */
  /** A new process with one {@link #region}; its pid. */
  private int process(int present) {
    int pid = k.spawn();
    region(pid, present);
    return pid;
  }

  private long region(int pid, int present) {
    long va = k.mmapAnon(pid, 512);
    for (int i = 0; i < present; i++) {
      k.touch(pid, va + i * PAGE, true);
    }
    k.madviseHugepage(pid, va, 512);
    return va;
  }

  @Test
  void aRangeThatFellBackIsCollapsedAfterScanSleep() {
    for (boolean asi : new boolean[] {false, true}) {
      boot(asi, 1);
      k.setThpDefrag(Kernel.THP_DEFRAG_NEVER); // GFP_TRANSHUGE_LIGHT: the fault does not compact
      long free0 = KernelPages.freeOrSlab(k);
      int pid = k.spawn();
      long va = k.mmapAnon(pid, 512);
      k.madviseHugepage(pid, va, 512);
      long t0 = machine.cycles(0);
      List<Long> held = holdOrder9Blocks();
      k.touch(pid, va, true); // the THP fault finds no order-9 block: a 4 KiB page
      assertThat(m.get("thp_fault_fallback")).isEqualTo(1);
      held.forEach(p -> k.freePages(0, p, 9));
      for (int i = 1; i < 512; i++) {
        k.touch(pid, va + i * PAGE, true); // the PMD has a table now: 4 KiB faults
      }
      assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(12);
      long[] old = new long[512];
      for (int i = 0; i < 512; i++) {
        old[i] = as.translate(mm(pid), false, va + i * PAGE);
      }
      assertThat(m.get("khugepaged_full_scans")).as("the first slot woke khugepaged: one empty scan").isEqualTo(1);
      runUntil(pid, t0 + ms(9_900));
      assertThat(m.get("thp_collapse_alloc")).as("before scan_sleep_millisecs").isZero();
      long free = k.freePages();
      long tables = m.get("pagetable_pages");
      long switches = m.get("context_switches");
      long losses = m.get("access_losses");
      runUntil(pid, t0 + ms(10_100));
      assertThat(m.get("access_losses") - losses).as("each old page's loss reported").isEqualTo(512);
      assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
      assertThat(m.get("khugepaged_pages_collapsed")).isEqualTo(1);
      assertThat(m.get("khugepaged_full_scans")).isEqualTo(2);
      assertThat(m.get("thp_collapse_alloc_failed")).isZero();
      // khugepaged's two switches, and kcompactd's: its 500 ms timeout falls at about 10.0 s too
      assertThat(m.get("context_switches") - switches).as("two kthreads: two switches each").isEqualTo(4);
      assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(21);
      long head = as.translate(mm(pid), false, va);
      assertThat(head % 512).isZero();
      for (int i = 0; i < 512; i++) {
        assertThat(as.translate(mm(pid), false, va + i * PAGE)).isEqualTo(head + i);
        assertThat(head + i).isNotEqualTo(old[i]);
      }
      assertThat(k.freePages()).as("512 old pages freed, one folio taken").isEqualTo(free);
      assertThat(m.get("pagetable_pages")).as("the PTE table freed").isEqualTo(tables - 1);
      long faults = m.get("anon_faults");
      k.touch(pid, va + 7 * PAGE, true);
      assertThat(m.get("anon_faults")).as("mapped writable").isEqualTo(faults);
      k.exit(pid);
      assertThat(KernelPages.freeOrSlab(k)).as("asi " + asi).isEqualTo(free0);
    }
  }

  /**
   * {@code max_ptes_none}: an empty PTE beyond it ends the scan; the empty ones of a collapsed
   * range become zeroed subpages ({@code clear_user_highpage()}).
   */
  @Test
  void maxPtesNoneIsTheLastEmptyCountThatCollapses() {
    int[][] cases = {{511, 1, 1}, {510, 1, 0}, {510, 2, 1}, {0, 512, 1}, {0, 511, 0}};
    for (int[] c : cases) {
      boot(false, 1);
      k.setKhugepaged(with(10, c[0], 256));
      int pid = k.spawn();
      long va = region(pid, c[1]);
      runUntil(pid, machine.cycles(0) + ms(5)); // the wake-up the slot caused, not the next
      String what = "max_ptes_none " + c[0] + ", " + c[1] + " present";
      assertThat(m.get("thp_collapse_alloc")).as(what).isEqualTo(c[2]);
      assertThat(m.get("thp_scan_exceed_none_pte")).as(what).isEqualTo(c[2] == 1 ? 0 : 1);
      assertThat(as.leafShift(mm(pid), false, va)).as(what).isEqualTo(c[2] == 1 ? 21 : 12);
      if (c[2] == 1) {
        long head = as.translate(mm(pid), false, va);
        for (int i = c[1]; i < 512; i++) {
          assertThat(machine.isZeroed(head + i)).as(what + ": subpage %d zeroed", i).isTrue();
        }
      }
    }
  }

  /** An untouched range has no PTE table ({@code SCAN_PMD_NONE}): nothing to collapse whatever max_ptes_none. */
  @Test
  void anEmptyRangeIsNotCollapsed() {
    boot(false, 1);
    k.setKhugepaged(with(10, 511, 256));
    int pid = k.spawn();
    long va = region(pid, 0);
    runUntil(pid, machine.cycles(0) + ms(50));
    assertThat(m.get("thp_collapse_alloc")).isZero();
    assertThat(m.get("thp_scan_exceed_none_pte")).isZero();
    assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(-1);
  }

  /**
   * {@code max_ptes_shared}: after a fork every page is shared; the parent's copy-on-write writes
   * make {@code w} of them its own. 256 left shared is the limit; the child's range (read-only
   * PTEs, {@code SCAN_PAGE_RO}, or as shared) stays. Old pages still mapped by the child are kept.
   */
  @Test
  void maxPtesSharedBoundsTheSharedPagesOfACollapse() {
    for (int written : new int[] {256, 255}) {
      boot(false, 1);
      k.setKhugepaged(with(10, 511, 256));
      int parent = k.spawn();
      long va = k.mmapAnon(parent, 512);
      for (int i = 0; i < 512; i++) {
        k.touch(parent, va + i * PAGE, true);
      }
      int child = k.fork(parent);
      for (int i = 0; i < written; i++) {
        k.touch(parent, va + i * PAGE, true);
      }
      long shared = as.translate(mm(child), false, va + 511 * PAGE); // a page the parent did not write
      k.madviseHugepage(parent, va, 512); // the parent's slot; the child has none (no slot at fork)
      long free = k.freePages();
      runUntil(parent, machine.cycles(0) + ms(5));
      boolean collapsed = written == 256;
      assertThat(m.get("thp_collapse_alloc")).as("%d written", written).isEqualTo(collapsed ? 1 : 0);
      assertThat(m.get("thp_scan_exceed_share_pte")).as("%d written", written).isEqualTo(collapsed ? 0 : 1);
      assertThat(as.leafShift(mm(parent), false, va)).isEqualTo(collapsed ? 21 : 12);
      assertThat(as.translate(mm(child), false, va + 511 * PAGE)).as("the child keeps its page").isEqualTo(shared);
      if (collapsed) {
        assertThat(k.freePages()).as("only the parent's own 256 pages are freed").isEqualTo(free + 256 - 512);
      }
    }
  }

  /**
   * A fork copies the slot ({@code khugepaged_fork()}); the child's range whose every page the
   * parent has since copied on write is its own but read-only ({@code SCAN_PAGE_RO}): not collapsed.
   */
  @Test
  void aForkedChildGetsASlotButItsReadOnlyRangeStays() {
    boot(false, 1);
    k.setKhugepaged(with(10, 511, 256));
    int parent = k.spawn();
    long va = region(parent, 512);
    runUntil(parent, machine.cycles(0) + ms(30));
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    long plain = k.mmapAnon(parent, 512);
    for (int i = 0; i < 512; i++) {
      k.touch(parent, plain + i * PAGE, true);
    }
    int child = k.fork(parent); // the parent's 4 KiB pages: read-only in both
    for (int i = 0; i < 512; i++) {
      k.touch(parent, plain + i * PAGE, true); // wp_page_copy(): the child's pages are its own now
    }
    k.madviseHugepage(child, plain, 512);
    runUntil(child, machine.cycles(k.cpuOf(child)) + ms(30));
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    assertThat(m.get("thp_scan_exceed_share_pte")).isZero();
    assertThat(as.leafShift(mm(child), false, plain)).isEqualTo(12);
    assertThat(as.leafShift(mm(child), false, va)).as("the huge page shared by copy_huge_pmd()").isEqualTo(21);
  }

  /**
   * No order-9 block and {@code defrag=0}: {@code thp_collapse_alloc_failed}, and khugepaged sleeps
   * {@code alloc_sleep_millisecs} before it tries again (with a block then).
   */
  @Test
  void anAllocationFailureSleepsAllocSleepMillisecs() {
    boot(false, 1);
    k.setKhugepaged(new KhugepagedTunables(false, 4096, 10, 1_000, 511, 64, 256));
    int pid = k.spawn();
    long va = region(pid, 512);
    List<Long> held = holdOrder9Blocks();
    long t0 = machine.cycles(0);
    runUntil(pid, t0 + ms(20));
    assertThat(m.get("thp_collapse_alloc_failed")).isEqualTo(1);
    assertThat(m.get("allocstall_movable")).as("GFP_TRANSHUGE_LIGHT does not reclaim").isZero();
    held.forEach(p -> k.freePages(0, p, 9));
    runUntil(pid, t0 + ms(900));
    assertThat(m.get("thp_collapse_alloc")).as("still in alloc_sleep").isZero();
    runUntil(pid, t0 + ms(1_100));
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    assertThat(m.get("thp_collapse_alloc_failed")).isEqualTo(1);
    assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(21);
  }

  /** {@code defrag=1} ({@code GFP_TRANSHUGE}): a collapse that finds no block reclaims directly. */
  @Test
  void defragLetsTheCollapseAllocationReclaim() {
    boot(false, 1);
    k.setKhugepaged(with(10, 511, 256));
    int pid = k.spawn();
    region(pid, 512);
    List<Long> held = holdOrder9Blocks();
    runUntil(pid, machine.cycles(0) + ms(20));
    assertThat(m.get("allocstall_movable")).isEqualTo(1);
    assertThat(m.get("thp_collapse_alloc") + m.get("thp_collapse_alloc_failed")).isEqualTo(1);
    held.forEach(p -> k.freePages(0, p, 9));
  }

  /**
   * {@code pages_to_scan}: each 2 MiB looked at is 512 units and the mm one more, so 1 026 units
   * collapse two of four ranges per wake-up and the default 4 096 all four.
   */
  @Test
  void pagesToScanLimitsAPass() {
    for (long pages : new long[] {1026, 4096}) {
      boot(false, 1);
      k.setKhugepaged(new KhugepagedTunables(true, pages, 10, 60_000, 511, 64, 256));
      int pid = k.spawn();
      long va = k.mmapAnon(pid, 4 * 512);
      for (int i = 0; i < 4 * 512; i++) {
        k.touch(pid, va + i * PAGE, true);
      }
      k.madviseHugepage(pid, va, 4 * 512);
      long t = machine.cycles(0);
      runUntil(pid, t + ms(5)); // the wake-up the slot caused
      assertThat(m.get("thp_collapse_alloc")).as("%d pages", pages).isEqualTo(pages == 1026 ? 2 : 4);
      runUntil(pid, t + ms(15));
      assertThat(m.get("thp_collapse_alloc")).as("%d pages", pages).isEqualTo(4);
    }
  }

  /**
   * Ranges left alone count against {@code pages_to_scan} too: six untouched 2 MiB (no PTE table)
   * before a full one; 2 048 units stop the first wake-up after four of them, the next one goes on
   * from there and collapses the seventh.
   */
  @Test
  void pagesToScanCountsRangesLeftAlone() {
    boot(false, 1);
    k.setKhugepaged(new KhugepagedTunables(true, 2048, 10, 60_000, 511, 64, 256));
    int pid = k.spawn();
    long va = k.mmapAnon(pid, 7 * 512);
    for (int i = 6 * 512; i < 7 * 512; i++) {
      k.touch(pid, va + i * PAGE, true);
    }
    k.madviseHugepage(pid, va, 7 * 512);
    long t = machine.cycles(0);
    runUntil(pid, t + ms(5));
    assertThat(m.get("thp_collapse_alloc")).isZero();
    assertThat(m.get("khugepaged_full_scans")).isZero();
    runUntil(pid, t + ms(15));
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    assertThat(as.leafShift(mm(pid), false, va + 6 * 512 * PAGE)).isEqualTo(21);
  }

  /**
   * An mm that exits while the scan cursor is on its slot ({@code __khugepaged_exit()} leaves it):
   * the next pass finds it exited, moves on to the next slot and frees it ({@code collect_mm_slot()}).
   */
  @Test
  void anExitedMmUnderTheCursorIsCollectedByTheNextPass() {
    boot(false, 1);
    k.setKhugepaged(new KhugepagedTunables(true, 513, 10, 60_000, 511, 64, 256));
    long free0 = KernelPages.freeOrSlab(k);
    int a = process(512);
    region(a, 512); // the slot's wake-up collapses the first range and leaves the cursor on this mm
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    int b = process(512);
    k.exit(a);
    runUntil(b, machine.cycles(0) + ms(15));
    assertThat(m.get("thp_collapse_alloc")).as("the exited mm skipped, the next one collapsed").isEqualTo(2);
    k.exit(b);
    assertThat(KernelPages.freeOrSlab(k)).isEqualTo(free0);
    int c = k.spawn();
    runUntil(c, machine.cycles(0) + ms(30)); // the pass that collects the last slot
    long scans = m.get("khugepaged_full_scans");
    runUntil(c, machine.cycles(0) + ms(30));
    assertThat(m.get("khugepaged_full_scans")).as("no slot left: khugepaged waits for one").isEqualTo(scans);
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(2);
  }

  /**
   * {@code pmdp_collapse_flush()}: a thread on another CPU had the old 4 KiB translations cached;
   * after the collapse both CPUs reach the new folio's pages, not the freed ones.
   */
  @Test
  void theCollapseFlushesEveryCpuOfTheMm() {
    boot(true, 2);
    k.setKhugepaged(with(10, 511, 256));
    int pid = k.spawn();
    int thread = k.cloneThread(pid);
    if (k.cpuOf(thread) == k.cpuOf(pid)) {
      k.migrate(thread, 1 - k.cpuOf(pid));
    }
    long va = k.mmapAnon(pid, 512);
    for (int i = 0; i < 512; i++) {
      k.touch(pid, va + i * PAGE, true);
      k.touch(thread, va + i * PAGE, false); // both CPUs cache the 4 KiB translations
    }
    k.madviseHugepage(pid, va, 512);
    long start = Math.max(machine.cycles(0), machine.cycles(1));
    runUntil(pid, start + ms(20));
    runUntil(thread, start + ms(20));
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    long head = as.translate(mm(pid), false, va);
    for (int cpu : new int[] {k.cpuOf(pid), k.cpuOf(thread)}) {
      for (int i = 0; i < 512; i += 37) {
        assertThat(machine.tlb().access(cpu, va + i * PAGE, false, 0)).as("cpu %d page %d", cpu, i).isEqualTo(head + i);
      }
    }
  }

  @Test
  void tunablesOutsideTheSysfsRangesAreRefused() {
    KhugepagedTunables d = KhugepagedTunables.DEFAULTS;
    assertThat(d).isEqualTo(new KhugepagedTunables(true, 4096, 10_000, 60_000, 511, 64, 256));
    assertThatThrownBy(() -> new KhugepagedTunables(true, 0, 1, 1, 1, 1, 1))
        .hasMessage("transparent_hugepage/khugepaged/pages_to_scan: 0 is out of range (valid: 1..4294967295)");
    assertThatThrownBy(() -> new KhugepagedTunables(true, 1, -1, 1, 1, 1, 1))
        .hasMessageContaining("scan_sleep_millisecs: -1 is out of range (valid: 0..4294967295)");
    assertThatThrownBy(() -> new KhugepagedTunables(true, 1, 1, 1L << 32, 1, 1, 1))
        .hasMessageContaining("alloc_sleep_millisecs: 4294967296");
    assertThatThrownBy(() -> new KhugepagedTunables(true, 1, 1, 1, 512, 1, 1))
        .hasMessageContaining("max_ptes_none: 512 is out of range (valid: 0..511)");
    assertThatThrownBy(() -> new KhugepagedTunables(true, 1, 1, 1, 1, 512, 1)).hasMessageContaining("max_ptes_swap");
    assertThatThrownBy(() -> new KhugepagedTunables(true, 1, 1, 1, 1, 1, -1)).hasMessageContaining("max_ptes_shared");
  }

  /** Without THP khugepaged never starts and its counters are not reported. */
  @Test
  void withoutThpNothingIsReported() {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 1, false), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel plain = inj.getInstance(SimKernel.class);
    int pid = plain.spawn();
    long va = plain.mmapAnon(pid, 512);
    plain.touch(pid, va, true);
    plain.runUser(pid, 1L << 40);
    assertThat(inj.getInstance(Metrics.class).all()).doesNotContainKeys("thp_collapse_alloc", "khugepaged_full_scans");
  }

  /** Every free order-9 block, taken as a THP would be (sensitive user memory under ASI too), none reclaimed for. */
  /**
   * A huge page whose PMD {@code MADV_DONTNEED} of one page split: the folio stays whole (512
   * pages, 511 mapped; no deferred split), the range keeps one PTE table. khugepaged collapses it
   * (1 empty PTE, within max_ptes_none) into a new folio: the 511 pages are copied, the old folio
   * goes back whole once its last subpage is unmapped (as many pages free as before: the old
   * folio for the new one, as in the first test), and the table page is freed.
   */
  @Test
  void aSplitHugePageIsCollapsedIntoANewFolioAndTheOldOneFreedWhole() {
    boot(false, 1);
    k.setKhugepaged(with(10, 511, 256));
    int pid = k.spawn();
    long va = k.mmapAnon(pid, 512);
    k.madviseHugepage(pid, va, 512);
    k.touch(pid, va, true);
    assertThat(m.get("thp_fault_alloc")).isEqualTo(1);
    long oldHead = as.translate(mm(pid), false, va);
    k.madviseDontneed(pid, va + 5 * PAGE, 1);
    assertThat(m.get("thp_split_pmd")).isEqualTo(1);
    assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(12);
    long free = k.freePages();
    long tables = m.get("pagetable_pages");
    runUntil(pid, machine.cycles(0) + ms(30));
    assertThat(m.get("thp_collapse_alloc")).isEqualTo(1);
    assertThat(as.leafShift(mm(pid), false, va)).isEqualTo(21);
    long head = as.translate(mm(pid), false, va);
    assertThat(head).isNotEqualTo(oldHead);
    assertThat(k.freePages()).as("the old folio back whole, the new one taken").isEqualTo(free);
    assertThat(m.get("pagetable_pages")).isEqualTo(tables - 1);
    assertThat(m.get("pages_zeroed") > 0).isTrue();
  }

  private List<Long> holdOrder9Blocks() {
    List<Long> held = new ArrayList<>();
    for (long p; (p = k.allocPages(0, 9, Gfp.GFP_TRANSHUGE_LIGHT)) >= 0; ) {
      held.add(p);
    }
    assertThat(held).isNotEmpty();
    return held;
  }

  /**
   * The sysfs stores: a write of a sleep wakes a sleeping khugepaged at once (the range collapses
   * at the next boundary, not after the old 10 s), a write of another file does not; the sleeps are
   * whole jiffies ({@code msecs_to_jiffies()}: 1 ms sleeps 4 ms at {@code HZ=250}).
   */
  @Test
  void onlyASleepsWriteWakesTheThreadAndSleepsAreWholeJiffies() {
    boot(false, 1);
    k.setThpDefrag(Kernel.THP_DEFRAG_NEVER);
    int pid = k.spawn();
    long va = k.mmapAnon(pid, 512);
    k.madviseHugepage(pid, va, 512); // the first slot: an empty scan, then 10 s of sleep
    List<Long> held = holdOrder9Blocks();
    k.touch(pid, va, true); // no order-9 block: 4 KiB
    held.forEach(p -> k.freePages(0, p, 9));
    for (int i = 1; i < 512; i++) {
      k.touch(pid, va + i * PAGE, true);
    }
    runUntil(pid, machine.cycles(0) + ms(100));
    assertThat(m.get("thp_collapse_alloc")).as("asleep for 10 s").isZero();
    k.setKhugepaged(new KhugepagedTunables(true, 4096, 10_000, 60_000, 500, 64, 256)); // max_ptes_none
    runUntil(pid, machine.cycles(0) + ms(100));
    assertThat(m.get("thp_collapse_alloc")).as("not woken by max_ptes_none").isZero();
    k.setKhugepaged(new KhugepagedTunables(true, 4096, 1, 60_000, 500, 64, 256)); // scan_sleep_millisecs
    long scans = m.get("khugepaged_full_scans");
    runUntil(pid, machine.cycles(0) + ms(1)); // the first boundary: the woken pass
    assertThat(m.get("thp_collapse_alloc")).as("woken by the sleep's write").isEqualTo(1);
    long woke = m.get("khugepaged_full_scans");
    assertThat(woke).isEqualTo(scans + 1);
    runUntil(pid, machine.cycles(0) + ms(12));
    assertThat(m.get("khugepaged_full_scans") - woke).as("1 ms is one 4 ms jiffy: 3 passes in 12 ms, not 12")
        .isEqualTo(3);
  }

  private static KhugepagedTunables with(long scanSleepMs, int maxPtesNone, int maxPtesShared) {
    return new KhugepagedTunables(true, 4096, scanSleepMs, 60_000, maxPtesNone, 64, maxPtesShared);
  }
}
