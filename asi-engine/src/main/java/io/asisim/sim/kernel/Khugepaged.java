package io.asisim.sim.kernel;

import io.asisim.api.kernel.KhugepagedTunables;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.sim.util.LongLongMap;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * khugepaged (mm/khugepaged.c): the kernel thread that collapses 2 MiB ranges of anonymous 4 KiB
 * pages into transparent huge pages, e.g. a range whose THP fault fell back ({@link HugeMemory}).
 *
 * <p>Which mms it scans: an mm gets a slot on its list ({@code __khugepaged_enter()}) when one of
 * its anonymous mappings becomes one THP may back, holding a PMD-aligned 2 MiB
 * ({@code khugepaged_enter_vma()} from {@code mmap()} and {@code madvise(MADV_HUGEPAGE)}; a fork
 * copies the slot, {@code khugepaged_fork()}), and loses it when the mm is torn down
 * ({@code __khugepaged_exit()}; the slot under the scan cursor is collected by the scan).
 *
 * <p>When it runs: it starts with THP ({@code start_stop_khugepaged()}); with no slot it waits for
 * the first one, which wakes it at once; then it scans up to {@code pages_to_scan} PTEs and sleeps
 * {@code scan_sleep_millisecs} ({@code khugepaged_wait_work()}); a failed huge-page allocation
 * makes it sleep {@code alloc_sleep_millisecs} in the middle of a pass, and a second one ends the
 * pass ({@code khugepaged_do_scan()}). Simulated time is per CPU: the wake-up is a deadline in
 * cycles, a kernel timer ({@link Timers}), and the first CPU whose clock has passed it at a user-mode
 * boundary runs the pass as a kernel thread ({@link Sched#runKthread}: two switches on the
 * borrowed mm, lazy TLB, ASI exits of the kthread's sensitive touches).
 *
 * <p>Not modelled (docs/deviations.md): {@code collapse_file()} (file and shmem ranges),
 * {@code MADV_COLLAPSE}, mTHP orders below PMD, swap-in during a collapse (there is no swap: no
 * PTE counts against {@code max_ptes_swap}), the accessed bit (every present page counts as
 * referenced: the model's reclaim never ages anonymous pages), NUMA node choice, memcg charge,
 * and VMAs THP never backs (file mappings, the brk heap), which the kernel's walk counts one
 * progress unit each.
 */
final class Khugepaged {
  private static final Logger LOG = LoggerFactory.getLogger(Khugepaged.class);
  /** The deadline of a khugepaged waiting for an event (a first slot), not for time. */
  private static final long WAITING = Long.MAX_VALUE;
  private static final long PMD_SIZE = HugeMemory.HPAGE_PMD_SIZE;
  private static final int PMD_NR = HugeMemory.HPAGE_PMD_NR;

  /** The outcomes of {@code hpage_collapse_scan_pmd()} the model can reach ({@code enum scan_result}). */
  enum Scan {
    SUCCEED, FAIL, PMD_NONE, PMD_MAPPED, EXCEED_NONE_PTE, EXCEED_SHARED_PTE, PAGE_RO, ALLOC_HUGE_PAGE_FAIL;

    /** Whether {@code collapse_huge_page()} ran, which drops {@code mmap_lock} and ends the mm's scan. */
    boolean collapseTried() {
      return this == SUCCEED || this == ALLOC_HUGE_PAGE_FAIL;
    }
  }

  /** A pass that an allocation failure suspended ({@code khugepaged_alloc_sleep()} inside {@code khugepaged_do_scan()}). */
  private record Suspended(long pages, long progress, int passThroughHead) {}

  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final Vmscan vmscan;
  private final Highmem highmem;
  private final HugeMemory huge;
  private final MapCount mapCount;
  private final AsiPlugins plugins;
  private final Sched sched;
  private final Metrics metrics;
  private final MmuGather gather;
  private final java.util.function.IntConsumer pass = this::doScan;
  private KhugepagedTunables tunables = KhugepagedTunables.DEFAULTS;
  /** {@code khugepaged_scan.mm_head}: the slots, in the order they were added. */
  private final List<MmState> slots = new ArrayList<>();
  /** {@code khugepaged_scan.mm_slot} (null: at the list head) and {@code khugepaged_scan.address}. */
  private MmState cursor;
  private long address;
  private boolean started;
  private long deadline = WAITING;
  /** The kernel timer that wakes the thread at {@link #deadline} ({@link Timers}). */
  private final int timer;
  private Suspended suspended;
  private Counter collapseAlloc;
  private Counter collapseAllocFailed;
  private Counter exceedNone;
  private Counter exceedShared;
  private Counter pagesCollapsed;
  private Counter fullScans;

  Khugepaged(Machine machine, Vmscan vmscan, Highmem highmem, HugeMemory huge, MapCount mapCount, AsiPlugins plugins,
      Sched sched, Metrics metrics, MmuGather gather) {
    this.machine = machine;
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.vmscan = vmscan;
    this.highmem = highmem;
    this.huge = huge;
    this.mapCount = mapCount;
    this.plugins = plugins;
    this.sched = sched;
    this.metrics = metrics;
    this.gather = gather;
    this.timer = sched.timers().add(this::poll);
  }

  /** The thread's next wake-up ({@link #WAITING}: none), as its kernel timer's expiry. */
  private void arm(long at) {
    deadline = at;
    if (at == WAITING) {
      sched.timers().del(timer);
    } else {
      sched.timers().mod(timer, at);
    }
  }

  /**
   * {@code start_stop_khugepaged()} after a write to {@code transparent_hugepage/enabled}: the
   * thread starts with THP (its counters appear in the run's metrics from then on, so a run
   * without THP reports what it did before) and stops without it. A started thread's first
   * {@code khugepaged_do_scan()} finds work only if slots are left from before a stop.
   */
  void startStop() {
    if (!huge.enabled()) {
      if (started && cursor != null && cursor.users == 0) { // the thread's exit: collect_mm_slot()
        slots.remove(cursor);
        cursor.vmHugepage = false;
      }
      cursor = null; // khugepaged_scan.mm_slot = NULL
      started = false;
      return;
    }
    if (collapseAlloc == null) {
      collapseAlloc = metrics.counter(KernelMetrics.THP_COLLAPSE_ALLOC);
      collapseAllocFailed = metrics.counter(KernelMetrics.THP_COLLAPSE_ALLOC_FAILED);
      exceedNone = metrics.counter(KernelMetrics.THP_SCAN_EXCEED_NONE_PTE);
      exceedShared = metrics.counter(KernelMetrics.THP_SCAN_EXCEED_SHARE_PTE);
      pagesCollapsed = metrics.counter(KernelMetrics.KHUGEPAGED_PAGES_COLLAPSED);
      fullScans = metrics.counter(KernelMetrics.KHUGEPAGED_FULL_SCANS);
    }
    if (!started) {
      started = true;
      suspended = null;
      arm(slots.isEmpty() ? WAITING : 0);
    }
  }

  /**
   * Writes of the {@code khugepaged/} files: the store functions of the two sleeps
   * ({@code scan_sleep_millisecs_store()}, {@code alloc_sleep_millisecs_store()}) reset
   * {@code khugepaged_sleep_expire} and wake the thread, so a thread sleeping with work runs at
   * the next poll of any CPU; the other files only change what the next pass does.
   */
  void setTunables(KhugepagedTunables t) {
    boolean sleeps = t.scanSleepMillis() != tunables.scanSleepMillis()
        || t.allocSleepMillis() != tunables.allocSleepMillis();
    tunables = t;
    huge.splitter.setMaxPtesNone(t.maxPtesNone()); // thp_underused() reads khugepaged_max_ptes_none too
    if (sleeps && started && deadline != WAITING) {
      arm(0);
    }
  }

  KhugepagedTunables tunables() {
    return tunables;
  }

  /**
   * {@code khugepaged_enter_vma()} for the mappings of {@code m} (after an {@code mmap()} or a
   * {@code madvise(MADV_HUGEPAGE)} on {@code cpu}): the mm takes a slot if THP is enabled, it has
   * none yet and one of its mappings is one THP may back and holds a PMD-aligned 2 MiB
   * ({@code thp_vma_allowable_order()} with {@code TVA_ENFORCE_SYSFS}).
   */
  void enterVmas(int cpu, MmState m) {
    if (m.vmHugepage || !huge.enabled()) {
      return;
    }
    AnonVmas v = m.anonVmas;
    for (int i = 0; i < v.size(); i++) {
      if (huge.allowed(m, i) && roundUp(v.start(i)) + PMD_SIZE <= v.end(i)) {
        enter(cpu, m);
        return;
      }
    }
  }

  /** {@code khugepaged_fork()}: the child of an mm with a slot gets one too. */
  void fork(int cpu, MmState parent, MmState child) {
    if (parent.vmHugepage) {
      enter(cpu, child);
    }
  }

  /**
   * {@code __khugepaged_enter()}: the slot goes to the tail of the list, just behind the cursor
   * ("to let the area settle down a little"); the first slot wakes a waiting thread, which then
   * runs on the first CPU polled at or after the waker's time.
   */
  private void enter(int cpu, MmState m) {
    m.vmHugepage = true;
    boolean wakeup = slots.isEmpty();
    slots.add(m);
    if (wakeup && started && deadline == WAITING) {
      arm(machine.cycles(cpu));
    }
  }

  /**
   * {@code __khugepaged_exit()} from {@code __mmput()}: the slot is freed, unless the scan cursor
   * is on it, in which case the next pass finds the mm exited and collects it.
   */
  void exit(MmState m) {
    if (m.vmHugepage && cursor != m) {
      slots.remove(m);
      m.vmHugepage = false;
    }
  }

  /**
   * Its timer fired on {@code cpu} (at a user-mode boundary, after the ticks, its sleep expired by
   * this CPU's clock): one pass runs here as a kernel thread, unless THP was turned off meanwhile.
   */
  private void poll(int cpu) {
    if (started) { // (the timer's expiry is the deadline; Timers runs no timer inside another's callback)
      sched.runKthread(cpu, pass, true);
    }
  }

  /**
   * {@code khugepaged_do_scan()} then {@code khugepaged_wait_work()}: slots are scanned round-robin
   * until {@code pages_to_scan} units of progress are made or the list head is passed twice; an
   * allocation failure suspends the pass for {@code alloc_sleep_millisecs} (its second one ends
   * it); then the thread sleeps {@code scan_sleep_millisecs}, or waits for a slot if it has none.
   */
  private void doScan(int cpu) {
    machine.charge(cpu, KernelCosts.KTHREAD_WORK); // the loop's set-up, lru_add_drain_all()
    long pages = suspended == null ? tunables.pagesToScan() : suspended.pages();
    long progress = suspended == null ? 0 : suspended.progress();
    int passThroughHead = suspended == null ? 0 : suspended.passThroughHead();
    boolean wait = suspended == null;
    suspended = null;
    while (true) {
      Scan result = Scan.SUCCEED;
      if (cursor == null) {
        passThroughHead++;
      }
      if (hasWork() && passThroughHead < 2) {
        long[] out = {0};
        result = scanMmSlot(cpu, pages - progress, out);
        progress += out[0];
      } else {
        progress = pages;
      }
      if (progress >= pages) {
        break;
      }
      if (result == Scan.ALLOC_HUGE_PAGE_FAIL) {
        if (!wait) {
          break;
        }
        // khugepaged_alloc_sleep(): the same pass goes on after the sleep
        suspended = new Suspended(pages, progress, passThroughHead);
        arm(machine.cycles(cpu) + sched.msecsToCycles(tunables.allocSleepMillis()));
        return;
      }
    }
    arm(hasWork() ? machine.cycles(cpu) + sched.msecsToCycles(tunables.scanSleepMillis()) : WAITING);
  }

  /** {@code khugepaged_has_work()}: a slot, and THP enabled. */
  private boolean hasWork() {
    return !slots.isEmpty() && huge.enabled();
  }

  /**
   * {@code khugepaged_scan_mm_slot()}: scans the cursor's mm (the list's first if at the head)
   * from the cursor's address: one unit of progress for the mm, one per mapping THP may not back,
   * 512 per 2 MiB looked at; it stops after a collapse attempt (which dropped {@code mmap_lock}) or
   * when {@code pages} units are made, keeping the cursor there; after the mm's last mapping the
   * cursor moves to the next slot (past the last: the head, a full scan), and the slot of an
   * exited mm is collected. Returns the last 2 MiB's result; the progress goes to {@code progressOut[0]}.
   */
  private Scan scanMmSlot(int cpu, long pages, long[] progressOut) {
    if (cursor == null) {
      cursor = slots.get(0);
      address = 0;
    }
    MmState m = cursor;
    Scan result = Scan.FAIL;
    long progress = 1;
    if (m.users > 0) { // hpage_collapse_test_exit()
      AnonVmas v = m.anonVmas;
      for (int i = v.firstEndingAbove(address); i < v.size(); i++) {
        if (!huge.allowed(m, i)) {
          progress++;
          continue;
        }
        long hstart = roundUp(v.start(i));
        long hend = v.end(i) & -PMD_SIZE;
        if (address > hend) {
          progress++;
          continue;
        }
        address = Math.max(address, hstart);
        while (address < hend) {
          result = scanPmd(cpu, m, address);
          if (result == Scan.SUCCEED) {
            pagesCollapsed.inc();
          }
          address += PMD_SIZE;
          progress += PMD_NR;
          if (result.collapseTried() || progress >= pages) {
            progressOut[0] = progress; // breakouterloop: the mm keeps the cursor
            return result;
          }
        }
      }
    }
    // every mapping scanned (or the mm exited): on to the next slot
    int idx = slots.indexOf(m);
    if (idx + 1 < slots.size()) {
      cursor = slots.get(idx + 1);
      address = 0;
    } else {
      cursor = null;
      fullScans.inc();
    }
    if (m.users == 0) { // collect_mm_slot()
      slots.remove(idx);
      m.vmHugepage = false;
    }
    progressOut[0] = progress;
    return result;
  }

  /**
   * {@code hpage_collapse_scan_pmd()} of the 2 MiB at {@code haddr}: no PTE table (nothing mapped)
   * or a huge mapping already is left alone; else each PTE is looked at, and an empty one past
   * {@code max_ptes_none}, or a page shared with another mm past {@code max_ptes_shared}
   * ({@code folio_likely_mapped_shared()}: for a page of a THP folio, its first page's sharing)
   * ends the scan; a range with no writable PTE is not collapsed ({@code SCAN_PAGE_RO}). A range
   * that passes is collapsed ({@link #collapse}).
   */
  private Scan scanPmd(int cpu, MmState m, long haddr) {
    machine.charge(cpu, KernelCosts.KHUGEPAGED_PER_PTE); // find_pmd_or_thp_or_none()
    if (m.pmdNone(haddr) && !as.hasUserPteTable(m.mm, haddr)) {
      return Scan.PMD_NONE; // an emptied table is scanned: its 512 empty PTEs exceed max_ptes_none
    }
    if (HugeMemory.isHuge(m.anon.get(haddr))) {
      return Scan.PMD_MAPPED;
    }
    int none = 0;
    int shared = 0;
    boolean writable = false;
    for (int i = 0; i < PMD_NR; i++) {
      machine.charge(cpu, KernelCosts.KHUGEPAGED_PER_PTE);
      long v = m.anon.get(haddr + ((long) i << 12));
      if (v == LongLongMap.ABSENT) {
        if (++none > tunables.maxPtesNone()) {
          exceedNone.inc();
          return Scan.EXCEED_NONE_PTE;
        }
        continue;
      }
      writable |= (v & MmState.WRITABLE) != 0;
      long pfn = v & MmState.PFN_MASK;
      long head = mapCount.folioOf(pfn);
      if (mapCount.isShared(head >= 0 ? head : pfn) && ++shared > tunables.maxPtesShared()) {
        exceedShared.inc();
        return Scan.EXCEED_SHARED_PTE;
      }
    }
    return writable ? collapse(cpu, m, haddr) : Scan.PAGE_RO;
  }

  /**
   * {@code collapse_huge_page()}: an order-9 folio ({@code alloc_charge_folio()} with
   * {@code alloc_hugepage_khugepaged_gfpmask()}: {@code GFP_TRANSHUGE}, which may reclaim and
   * compact, with {@code khugepaged/defrag}, else {@code GFP_TRANSHUGE_LIGHT}; none counts
   * {@code thp_collapse_alloc_failed}); the PTE table leaves the PMD and the range is flushed on
   * every CPU of the mm ({@code pmdp_collapse_flush()} → {@code flush_tlb_range()}); each present
   * page is copied to its subpage ({@code __collapse_huge_page_copy()}: {@code copy_mc_user_highpage()},
   * both pages mapped at once under ASI through the migrate site's mapper or an exit, as a page
   * compaction moves), each empty one cleared ({@code clear_user_highpage()}); the old pages lose
   * their mapping and are freed if it was their last ({@code __collapse_huge_page_copy_succeeded()}),
   * the table page is freed (the kernel deposits it for a later split; the model's split takes a
   * new one), and one writable PMD leaf maps the folio ({@code set_pmd_at()}).
   */
  private Scan collapse(int cpu, MmState m, long haddr) {
    int gfp = tunables.defrag() ? Gfp.GFP_TRANSHUGE : Gfp.GFP_TRANSHUGE_LIGHT;
    long folio = vmscan.allocPages(cpu, HugeMemory.HPAGE_PMD_ORDER, gfp);
    if (folio < 0) {
      collapseAllocFailed.inc();
      return Scan.ALLOC_HUGE_PAGE_FAIL;
    }
    collapseAlloc.inc();
    machine.charge(cpu, KernelCosts.KHUGEPAGED_COLLAPSE);
    // the allocation may have compacted, moving pages of this range: read the PTEs from here on.
    // The flush comes first so that the table page is freed after it (nothing runs in between)
    tlb.flushMmRange(cpu, m.mm, haddr, PMD_NR);
    int present = as.removeUserPteTable(cpu, m.mm, haddr);
    if (present < 0) {
      throw new IllegalStateException("khugepaged: no PTE table at 0x" + Long.toHexString(haddr) + " of mm " + m.mm);
    }
    long sourceSet = m.anon.size();
    for (int i = 0; i < PMD_NR; i++) {
      long v = m.anon.get(haddr + ((long) i << 12));
      if (v == LongLongMap.ABSENT) {
        highmem.clearPage(cpu, m.mm, folio + i, AccessSite.ZEROING);
      } else {
        highmem.copyPage(cpu, m.mm, v & MmState.PFN_MASK, folio + i, AccessSite.MIGRATE, sourceSet);
      }
    }
    machine.charge(cpu, KernelCosts.KHUGEPAGED_PER_PAGE * present);
    for (int i = 0; i < PMD_NR; i++) {
      long a = haddr + ((long) i << 12);
      long v = m.anon.get(a);
      m.putAnon(a, (folio + i) | MmState.WRITABLE | MmState.HUGE);
      if (v != LongLongMap.ABSENT) {
        long old = v & MmState.PFN_MASK;
        plugins.accessLost(cpu, m, old);
        huge.dropAnonPage(old, gather);
      }
    }
    gather.freeFlushed(cpu); // flushed above, before the copies
    if (!as.mapUserHuge(cpu, m.mm, haddr, folio, true)) {
      throw new IllegalStateException("khugepaged: the PMD at 0x" + Long.toHexString(haddr) + " of mm " + m.mm
          + " is not empty after its PTE table left");
    }
    mapCount.folioMapped(folio, PMD_NR);
    huge.splitter.queueUnderused(folio); // deferred_split_folio(folio, false) (Linux 6.12)
    LOG.debug("khugepaged collapsed 0x{} of mm {} into pfn {} ({} pages present)", Long.toHexString(haddr), m.mm,
        folio, present);
    return Scan.SUCCEED;
  }

  private static long roundUp(long va) {
    return (va + PMD_SIZE - 1) & -PMD_SIZE;
  }
}
