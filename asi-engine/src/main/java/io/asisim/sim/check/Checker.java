package io.asisim.sim.check;

import io.asisim.api.kernel.ExposureScan;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.sim.kernel.KernelView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checker for one variant (docs/checker.md). {@link #checkFunctional()} verifies, in this order:
 * <ol>
 *   <li><b>allocator consistency</b>: {@link PageAllocator#checkConsistency()} (free lists,
 *       counters, coverage, no merge across sensitivity, pageblock sensitivity vs restricted PMDs);
 *   <li><b>restricted map</b>: no frame that is sensitive now is present in the restricted direct
 *       map ({@link RestrictedMapCheck}), and no live temporary alias of a sensitive frame is
 *       reachable by page walk from a CPU whose running task did not make it and has no logical
 *       access to the frame;
 *   <li><b>zero on flip</b>: a frame that was sensitive at the previous check and has since become
 *       present in the restricted direct map is zeroed ({@link Machine#isZeroed});
 *   <li><b>user zeroing</b>: every anonymous page mapped to user space since the last check was
 *       zeroed ({@link KernelView#takeUnzeroedUserPage()}): a skipped {@code clear_user_highpage()};
 *   <li><b>user PTE</b>: the page tables hold the user PTEs the kernel installed, write-protected
 *       where it write-protected them, and no anonymous page two mms share is writable
 *       ({@link UserPteCheck}): a copy-on-write that shares instead of copying;
 *   <li><b>alias translation</b>: every kernel access through a temporary alias since the last check
 *       reached the frame the alias was made for ({@link KernelView#takeAliasMismatch()}): a slot
 *       reused without the flush {@code FlushPolicy.beforeReuse} owes reads another page;
 *   <li><b>alias PTE</b>: every PTE present in the temporary-alias areas belongs to a live alias
 *       ({@link AliasPteCheck}): a release that left its PTE;
 *   <li><b>TLB coherence</b>: no TLB entry usable by a CPU running its loaded address space (not in
 *       lazy-TLB mode, whose stale entries are flushed before it runs the mm again) translates
 *       an address that the page tables now map to a different frame — a flush that was skipped
 *       before a PTE was rewritten (the bug {@code flush_tlb_*} exist to prevent).
 * </ol>
 * {@link #checkChanged()} reaches the same verdicts from what changed since the last check (a
 * {@link ChangeLog} the machine and the allocator write while the checker lives), leaving what only
 * a walk can see to the periodic full check (docs/checker.md, "Incremental checking").
 * {@link #scanExposures()} does the leak-exposure accounting: the exposed (cpu, frame) pairs of the
 * one rule in {@link ExposureScan} (idle CPUs run no attacker and are skipped), turned into
 * episodes with durations by {@link ExposureTracker}. With ASI off there is no restricted space:
 * only allocator consistency, user zeroing and user PTEs are checked.
 *
 * <p>The checker only reads state: it charges no cycles and touches no TLB replacement state, so
 * turning it on does not change any other metric.
 */
public final class Checker {
  private static final Logger LOG = LoggerFactory.getLogger(Checker.class);
  private final Machine machine;
  private final AddressSpaces as;
  private final PageAllocator allocator;
  private final KernelView kernel;
  private final boolean asi;
  private final RestrictedMapCheck restrictedMap;
  private final TlbCoherence coherence;
  private final AliasPteCheck aliasPtes;
  private final UserPteCheck userPtes;
  /** What changed since the last check; null without functional checks. */
  private final ChangeLog log;
  private final boolean allocatorLogs;
  private final boolean machineLogs;
  private final ExposureTracker tracker;
  private final int nrCpus;
  private final long[] loadedMm;
  private final int[] runningPid;
  /** Whether exposure scans skip entries settled readable (docs/checker.md); off: full scans. */
  private final boolean settle;
  private final ExposureScan exposureScan;
  private final AliasVisitor liveAliasCheck = this::liveAlias;
  private String violation;
  private long fullChecks;
  private long localChecks;

  /**
   * @param functional whether functional checks will run ({@code --check}); they need per-frame
   *     bitsets (2 bits per frame), built now so that flips during workload set-up are seen
   */
  public Checker(Machine machine, PageAllocator allocator, KernelView kernel, Metrics metrics,
      boolean functional) {
    this(machine, allocator, kernel, metrics, functional, true);
  }

  /**
   * @param settle whether exposure scans skip entries settled readable (docs/checker.md); false
   *     checks every entry at every scan (the reference the settled scans are tested against)
   */
  public Checker(Machine machine, PageAllocator allocator, KernelView kernel, Metrics metrics,
      boolean functional, boolean settle) {
    this.machine = machine;
    this.settle = settle;
    this.as = machine.addressSpaces();
    this.allocator = allocator;
    this.kernel = kernel;
    this.asi = machine.asi().enabled();
    this.nrCpus = machine.nrCpus();
    this.loadedMm = new long[nrCpus];
    this.runningPid = new int[nrCpus];
    this.restrictedMap = functional && asi ? new RestrictedMapCheck(machine, allocator) : null;
    this.coherence = functional && asi ? new TlbCoherence(machine) : null;
    this.aliasPtes = functional && asi ? new AliasPteCheck(machine) : null;
    this.userPtes = functional ? new UserPteCheck(machine, kernel) : null;
    this.log = functional ? new ChangeLog() : null;
    // both start logging now, as the restricted-map bits above were taken now
    this.allocatorLogs = functional && allocator.logChanges(log);
    this.machineLogs = functional && machine.logChanges(log);
    this.tracker = new ExposureTracker(machine, metrics.counter(StandardMetrics.LEAK_EXPOSURES),
        metrics.counter(StandardMetrics.LEAK_EXPOSURE_CYCLES));
    this.exposureScan = new ExposureScan(machine, new ExposureScan.Access() {
      @Override
      public boolean isSensitive(long pfn) {
        return sensitive(pfn);
      }

      @Override
      public long sensitivityChanges() {
        return allocator.sensitivityChanges();
      }

      @Override
      public boolean anySensitive(long pfn, long n) {
        return pfn >= 0 && pfn + n <= machine.nrFrames() ? allocator.anySensitive(pfn, n)
            : ExposureScan.Access.super.anySensitive(pfn, n);
      }

      @Override
      public boolean hasAccess(int cpu, long pfn) {
        return mayRead(cpu, pfn);
      }

      @Override
      public boolean runsTask(int cpu) {
        return runningPid[cpu] >= 0;
      }

      @Override
      public int runningTask(int cpu) {
        return runningPid[cpu];
      }

      @Override
      public long accessLosses(int cpu) {
        return settle ? kernel.accessLossCount(runningPid[cpu]) : -1;
      }

      @Override
      public int lostFramesSince(int cpu, long since, long[] buf) {
        return kernel.lostFramesSince(runningPid[cpu], since, buf);
      }
    });
  }

  /**
   * Runs the functional invariants over the whole machine (the full check). The change log is
   * cleared: what it held has been looked at.
   *
   * @return {@code null}, or "invariant: what" for the first violation found
   */
  public String checkFunctional() {
    fullChecks++;
    String r = run(false, false);
    if (log != null) {
      log.clear();
    }
    return r;
  }

  /**
   * Runs the functional invariants on what changed since the last check (docs/checker.md,
   * "Incremental checking"): the same verdicts as {@link #checkFunctional()} for every invariant
   * the {@link ChangeLog} can localize, the rest left to the periodic full check. Falls back to the
   * full check of a part whose source does not log ({@link Machine#logChanges},
   * {@link PageAllocator#logChanges}) or when the log overflowed.
   */
  public String checkChanged() {
    if (log == null || log.overflowed()) {
      return checkFunctional();
    }
    if (allocatorLogs && machineLogs) {
      localChecks++;
    } else {
      fullChecks++; // a part whose source does not log is walked whole below
    }
    String r = run(allocatorLogs, machineLogs);
    log.clear();
    return r;
  }

  /**
   * The invariants in their order, each on what the log holds where its source logs
   * ({@code allocatorLocal}, {@code machineLocal}), else over the whole machine.
   */
  private String run(boolean allocatorLocal, boolean machineLocal) {
    String r = allocatorLocal ? allocator.checkConsistency(log) : allocator.checkConsistency();
    if (r != null) {
      return "allocator consistency: " + r;
    }
    if (!allocatorLocal) { // the slab recount walks every cached page: full checks only
      r = kernel.slabInconsistency();
      if (r != null) {
        return "slab consistency: " + r;
      }
    }
    r = kernel.takeUnzeroedUserPage();
    if (r != null) {
      return "user zeroing: " + r;
    }
    if (userPtes != null) { // null: a checker built for exposure scans only
      r = machineLocal ? userPtes.check(log) : userPtes.checkAll();
    }
    if (r != null || !asi) {
      return r;
    }
    r = kernel.takeAliasMismatch();
    if (r != null) {
      return "alias translation: " + r;
    }
    snapshotCpus();
    r = allocatorLocal && machineLocal ? restrictedMap.checkFrames(log) : restrictedMap.check();
    if (r == null) {
      r = checkLiveAliases();
    }
    if (r == null && machineLogs) {
      r = aliasPtes.check(log); // the same in both: it follows the PTEs written since the start
    }
    if (r == null) {
      r = machineLocal ? coherence.checkChanged(loadedMm, log) : coherence.checkAll(loadedMm);
    }
    return r;
  }

  private String checkLiveAliases() {
    violation = null;
    aliasPtes.beginAliases();
    java.util.List<Mapper> mappers = kernel.mappersBuilt();
    for (int i = 0; i < mappers.size(); i++) { // an index loop: this runs after every op
      mappers.get(i).forEachAlias(liveAliasCheck);
      if (violation != null) {
        return violation;
      }
    }
    return null;
  }

  /** One exposure scan over every CPU; updates {@code leak_exposures} and {@code leak_exposure_cycles}. */
  public void scanExposures() {
    if (!asi) {
      return;
    }
    snapshotCpus();
    tracker.begin();
    int n = exposureScan.scan(kernel.mappersBuilt());
    for (int i = 0; i < n; i++) {
      int cpu = exposureScan.cpu(i);
      long pfn = exposureScan.pfn(i);
      if (LOG.isDebugEnabled() && !tracker.isOpen(cpu, pfn)) {
        LOG.debug("exposure cpu {} pfn {} (loaded mm {}, task {})", cpu, pfn, loadedMm[cpu], runningPid[cpu]);
      }
      tracker.found(cpu, pfn);
    }
    tracker.end();
  }

  /** Closes every open exposure episode at the current clocks (end of the measured interval). */
  public void closeExposures() {
    tracker.closeAll();
  }

  /**
   * Checks that walked the whole machine, in whole or in part ({@link #checkFunctional()}, and
   * {@link #checkChanged()} when a source does not log or the log overflowed): an operation count
   * for tests, since a regression to full checks would keep every verdict and lose only the speed.
   */
  public long fullChecks() {
    return fullChecks;
  }

  /** Checks {@link #checkChanged()} ran on the change log alone (tests). */
  public long localChecks() {
    return localChecks;
  }

  /** Exposures open as of the last scan. */
  public int openExposures() {
    return tracker.openCount();
  }

  /** Whether ({@code cpu}, {@code pfn}) was exposed at the last scan. */
  public boolean isExposed(int cpu, long pfn) {
    return tracker.isOpen(cpu, pfn);
  }

  private void snapshotCpus() {
    for (int c = 0; c < nrCpus; c++) {
      loadedMm[c] = as.loadedMm(c);
      runningPid[c] = kernel.currentPid(c);
    }
  }

  private boolean sensitive(long pfn) {
    return pfn >= 0 && pfn < machine.nrFrames() && allocator.sensitivity(pfn) == Sensitivity.SENSITIVE;
  }

  /** Whether the task running on {@code cpu} may read {@code pfn}; an idle CPU runs no attacker. */
  private boolean mayRead(int cpu, long pfn) {
    int pid = runningPid[cpu];
    return pid < 0 || kernel.hasLogicalAccess(pid, pfn);
  }

  // ---- functional: live aliases and TLB coherence

  private void liveAlias(int aliasCpu, long mm, long va, long pfn, boolean live) {
    aliasPtes.alias(aliasCpu, mm, va, pfn, live);
    if (!live || violation != null || !sensitive(pfn)) {
      return;
    }
    for (int c = 0; c < nrCpus; c++) {
      long loaded = loadedMm[c];
      if (loaded == AddressSpaces.INIT_MM || as.translate(loaded, true, va) != pfn) {
        continue;
      }
      boolean owner = mm != AliasVisitor.ALL_MM && loaded == mm;
      if (!owner && !(runningPid[c] >= 0 && kernel.hasLogicalAccess(runningPid[c], pfn))) {
        violation = "restricted map: live alias va 0x" + Long.toHexString(va) + " of sensitive pfn " + pfn
            + (mm == AliasVisitor.ALL_MM ? " (owner untracked)" : " made for mm " + mm)
            + " is reachable restricted on cpu " + c + " whose task " + runningPid[c] + " has no access to it";
        return;
      }
    }
  }

}
