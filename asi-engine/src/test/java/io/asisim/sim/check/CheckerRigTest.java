package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.KernelView;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import io.asisim.sim.run.BootedVariant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Checker} on a booted x86 machine with a kernel the test plays ({@link KernelView}: which
 * task runs where, what it may read, its loss count, the mapper's aliases, the recorded mismatches;
 * docs/checker.md): the exposure accounting per (cpu, frame) with pid 0 a task like any other and an
 * idle CPU none, settling on and off, episodes that close; the live-alias rule's owner, access,
 * init_mm and translation conditions and the first violation named; the full check's order and its
 * ASI-off path; a machine that does not log checked whole by {@link Checker#checkChanged()}; and the
 * change log cleared by every check (else it overflows and every check turns full).
 */
class CheckerRigTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x400000L;
  private static final long KVA = AddressSpaces.VMALLOC_START + (9L << 12);

  private BootedVariant v;
  private Machine m;
  private AddressSpaces as;
  private PageAllocator alloc;
  private long mm;
  private long other;
  private final int[] pid = {-1, -1};
  private final Set<String> access = new HashSet<>();
  private long lossCount;
  private String aliasMismatch;
  private String unzeroed;
  /** Aliases the fake mapper lists: {mm, va, pfn, live}. */
  private final List<long[]> aliases = new ArrayList<>();
  private final Mapper mapper = new Mapper() {
    @Override public long map(int cpu, long owner, long pfn) { return NO_ALIAS; }
    @Override public void unmap(int cpu, long owner, long va) {}
    @Override public void forEachAlias(AliasVisitor visitor) {
      for (long[] a : aliases) {
        visitor.alias(0, a[0], a[1], a[2], a[3] != 0);
      }
    }
  };
  private final KernelView kernel = new KernelView() {
    @Override public int currentPid(int cpu) { return pid[cpu]; }
    @Override public long taskSteps(int cpu) { return 0; }
    @Override public boolean hasLogicalAccess(int p, long pfn) { return access.contains(p + ":" + pfn); }
    @Override public List<Mapper> mappersBuilt() { return List.of(mapper); }
    @Override public long accessLossCount(int p) { return lossCount; }
    @Override public int lostFramesSince(int p, long since, long[] buf) { return -1; }
    @Override public String takeAliasMismatch() {
      String r = aliasMismatch;
      aliasMismatch = null;
      return r;
    }
    @Override public String takeUnzeroedUserPage() {
      String r = unzeroed;
      unzeroed = null;
      return r;
    }
  };

  private void boot(boolean asi) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    v = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, asi), sel, sel.keySet(),
        Settings.parse(List.of("machine.x86.cr3-noflush=true"), REGISTRY), 1, 1), REGISTRY);
    m = v.machine();
    as = m.addressSpaces();
    alloc = v.allocator();
    mm = as.mmCreate(0);
    other = as.mmCreate(0);
  }

  private Checker checker(Machine machine, boolean settle) {
    return new Checker(machine, alloc, kernel, v.metrics(), true, settle);
  }

  /** A sensitive frame inside its pageblock (not at either end, which the allocator's own pageblock rule looks at). */
  private long sensitiveFrame() {
    while (true) {
      long p = alloc.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE);
      assertThat(alloc.sensitivity(p)).isEqualTo(Sensitivity.SENSITIVE);
      if (p % 512 != 0 && p % 512 != 511) {
        return p;
      }
    }
  }

  /** Maps VA to {@code pfn} in mm and caches it restricted on cpu 0. */
  private void cacheUser(long pfn) {
    assertThat(as.mapUser(0, mm, VA, pfn, true)).isTrue();
    as.switchMm(0, mm);
    m.asi().asiEnter(0);
    assertThat(m.tlb().access(0, VA, false, 0)).isEqualTo(pfn);
  }

  private long exposures() {
    return v.metrics().counter(StandardMetrics.LEAK_EXPOSURES).get();
  }

  @Test
  void exposuresArePerRunningTaskPidZeroIncludedAndEpisodesClose() {
    boot(true);
    Checker c = checker(m, true);
    long a = sensitiveFrame();
    cacheUser(a);
    c.scanExposures();
    assertThat(c.openExposures()).as("cpu 0 idle: no attacker").isZero();
    pid[0] = 0;
    c.scanExposures();
    assertThat(c.isExposed(0, a)).isTrue();
    assertThat(c.isExposed(1, a)).isFalse();
    assertThat(c.openExposures()).isEqualTo(1);
    assertThat(exposures()).isEqualTo(1);
    access.add("0:" + a);
    c.scanExposures();
    assertThat(c.openExposures()).as("readable now: the episode ended").isZero();
    pid[0] = 5; // another task: the settled entry is read again
    c.scanExposures();
    assertThat(c.isExposed(0, a)).isTrue();
    assertThat(exposures()).isEqualTo(2);
    m.charge(0, 1000);
    c.closeExposures();
    assertThat(c.openExposures()).isZero();
    assertThat(v.metrics().counter(StandardMetrics.LEAK_EXPOSURE_CYCLES).get()).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void aNonsensitiveFrameIsNeverExposedNorAFrameBeyondMemory() {
    boot(true);
    Checker c = checker(m, true);
    long n = alloc.alloc(0, 0, Gfp.GFP_KERNEL);
    assertThat(alloc.sensitivity(n)).isEqualTo(Sensitivity.NONSENSITIVE);
    cacheUser(n);
    pid[0] = 5;
    as.mapKernel(0, KVA, m.nrFrames() - 1);
    aliases.add(new long[] {AliasVisitor.ALL_MM, KVA, m.nrFrames(), 1}); // a bogus alias beyond memory
    c.scanExposures();
    assertThat(c.openExposures()).isZero();
    assertThat(c.checkFunctional()).startsWith("alias PTE: va 0x" + Long.toHexString(KVA));
  }

  @Test
  void settlingTrustsTheLossCountAndTheReferenceScanDoesNot() {
    boot(true);
    long a = sensitiveFrame();
    cacheUser(a);
    pid[0] = 5;
    access.add("5:" + a);
    Checker settled = checker(m, true);
    Checker reference = checker(m, false);
    reference.scanExposures();
    settled.scanExposures();
    assertThat(settled.openExposures()).isZero();
    access.remove("5:" + a); // lost without the count moving: a kernel that broke its promise
    reference.scanExposures();
    assertThat(reference.isExposed(0, a)).as("the reference reads every entry").isTrue();
    settled.scanExposures();
    assertThat(settled.isExposed(0, a)).as("settled readable: not read again").isFalse();
    lossCount++;
    settled.scanExposures();
    assertThat(settled.isExposed(0, a)).isTrue();
  }

  @Test
  void theFullCheckReportsTheKernelsRecordsInOrder() {
    boot(true);
    Checker c = checker(m, true);
    unzeroed = "pfn 5";
    aliasMismatch = "cpu 0 va 0x1";
    assertThat(c.checkFunctional()).isEqualTo("user zeroing: pfn 5");
    assertThat(c.checkFunctional()).isEqualTo("alias translation: cpu 0 va 0x1");
    assertThat(c.checkFunctional()).isNull();
    aliasMismatch = "cpu 1 va 0x2";
    assertThat(c.checkChanged()).isEqualTo("alias translation: cpu 1 va 0x2");
    assertThat(c.fullChecks()).isEqualTo(3);
  }

  @Test
  void withoutAsiOnlyTheAllocatorAndUserZeroingAreChecked() {
    boot(false);
    Checker c = checker(m, true);
    aliasMismatch = "never asked";
    assertThat(c.checkFunctional()).isNull();
    assertThat(c.checkChanged()).isNull();
    assertThat(c.localChecks()).as("the allocator logs; nothing else to check").isEqualTo(1);
    assertThat(c.fullChecks()).isEqualTo(1);
    unzeroed = "pfn 9";
    assertThat(c.checkChanged()).isEqualTo("user zeroing: pfn 9");
    Checker scansOnly = new Checker(m, alloc, kernel, v.metrics(), false);
    assertThat(scansOnly.checkFunctional()).isNull();
    scansOnly.scanExposures();
    assertThat(scansOnly.openExposures()).isZero();
  }

  @Test
  void aLiveAliasIsJudgedPerCpuByOwnerAccessAndTranslation() {
    boot(true);
    Checker c = checker(m, true);
    long a = sensitiveFrame();
    long b = sensitiveFrame();
    as.mapKernel(0, KVA, a);
    as.switchMm(0, mm);
    as.switchMm(1, other);
    pid[0] = 5;
    pid[1] = 0;
    aliases.add(new long[] {mm, KVA, a, 1});
    access.add("0:" + a);
    assertThat(c.checkFunctional()).as("cpu 0 runs its owner mm, cpu 1's task 0 may read it").isNull();
    access.clear();
    String onCpu1 = "restricted map: live alias va 0x" + Long.toHexString(KVA) + " of sensitive pfn " + a
        + " made for mm " + mm + " is reachable restricted on cpu 1 whose task 0 has no access to it";
    assertThat(c.checkFunctional()).isEqualTo(onCpu1);
    as.switchMm(1, AddressSpaces.INIT_MM);
    assertThat(c.checkFunctional()).as("init_mm has no restricted tables").isNull();
    as.switchMm(1, other);
    aliases.set(0, new long[] {mm, KVA, a, 0});
    assertThat(c.checkChanged()).as("released (its PTE is the alias PTE rule's)").startsWith("alias PTE: ");
    aliases.set(0, new long[] {mm, KVA, b, 1});
    aliases.add(new long[] {mm, KVA, a, 1});
    assertThat(c.checkFunctional()).as("the first alias names another frame than the walk reaches").isEqualTo(onCpu1);
    aliases.clear();
    aliases.add(new long[] {AliasVisitor.ALL_MM, KVA, a, 1});
    long kva2 = KVA + 4096;
    as.mapKernel(0, kva2, b);
    aliases.add(new long[] {AliasVisitor.ALL_MM, kva2, b, 1});
    assertThat(c.checkFunctional()).as("untracked owner: cpu 0 is judged too; the first violation stays")
        .isEqualTo("restricted map: live alias va 0x" + Long.toHexString(KVA) + " of sensitive pfn " + a
            + " (owner untracked) is reachable restricted on cpu 0 whose task 5 has no access to it");
    long n = alloc.alloc(0, 0, Gfp.GFP_KERNEL);
    aliases.clear();
    as.unmapKernel(0, kva2);
    as.unmapKernel(0, KVA);
    as.mapKernel(0, KVA, n);
    aliases.add(new long[] {AliasVisitor.ALL_MM, KVA, n, 1});
    assertThat(c.checkFunctional()).as("a nonsensitive frame").isNull();
  }

  @Test
  void aMachineThatDoesNotLogIsCheckedWholeAtEveryCheck() {
    boot(true);
    Machine silent = new ForwardingMachine(m) {
      @Override public boolean logChanges(ChangeLog log) {
        return false;
      }
    };
    Checker c = checker(silent, true);
    assertThat(c.checkChanged()).isNull();
    assertThat(c.fullChecks()).isEqualTo(1);
    assertThat(c.localChecks()).isZero();
    long a = sensitiveFrame();
    long b = sensitiveFrame();
    cacheUser(a);
    as.unmapUser(0, mm, VA);
    assertThat(as.mapUser(0, mm, VA, b, true)).isTrue(); // no flush
    assertThat(c.checkChanged()).isEqualTo("TLB coherence: cpu 0 caches va 0x400000 -> pfn " + a
        + " but the restricted page tables of mm " + mm + " now map it to pfn " + b
        + " (a flush was skipped before the PTE was rewritten)");
    m.setRestrictedMapped(0, a, 1, true);
    assertThat(c.checkChanged())
        .isEqualTo("restricted map: sensitive pfn " + a + " is present in the restricted direct map");
    assertThat(c.fullChecks()).isEqualTo(3);
  }

  @Test
  void theIncrementalCheckFollowsAliasPtesAndFindsALeftOne() {
    boot(true);
    Checker c = checker(m, true);
    as.mapKernel(0, KVA, 4321);
    assertThat(c.checkChanged()).isEqualTo("alias PTE: va 0x" + Long.toHexString(KVA)
        + " in the shared kernel area maps pfn 4321 but no mapper holds a live alias there (a release left its PTE)");
    assertThat(c.checkFunctional()).startsWith("alias PTE: va 0x" + Long.toHexString(KVA));
  }

  /** Writes 4 page-table records per round: two kernel-area PTEs mapped and cleared. */
  private void churn(int rounds) {
    for (int i = 0; i < rounds; i++) {
      as.mapKernel(0, KVA, 100);
      as.mapKernel(0, KVA + 4096, 101);
      as.unmapKernel(0, KVA);
      as.unmapKernel(0, KVA + 4096);
    }
  }

  @Test
  void everyCheckClearsTheLogSoItNeverOverflows() {
    boot(true);
    Checker c = checker(m, true);
    int rounds = ChangeLog.DEFAULT_CAPACITY / 4 + 1000; // more records than one log holds
    for (int done = 0; done < rounds; done += 1000) {
      churn(1000);
      assertThat(c.checkChanged()).isNull();
    }
    assertThat(c.fullChecks()).isZero();
    churn(rounds);
    assertThat(c.checkFunctional()).isNull(); // overflowed: this full check clears it
    churn(1);
    assertThat(c.checkChanged()).isNull();
    assertThat(c.fullChecks()).isEqualTo(1);
    assertThat(c.localChecks()).isEqualTo((rounds + 999) / 1000 + 1);
    churn(rounds);
    assertThat(c.checkChanged()).as("overflowed: checked in full").isNull();
    assertThat(c.fullChecks()).isEqualTo(2);
  }

  /** The allocator, with its consistency checks counted and frame 0 made sensitive on demand. */
  private static final class Recording implements PageAllocator {
    final PageAllocator a;
    int full;
    int local;
    boolean zeroSensitive;

    Recording(PageAllocator a) {
      this.a = a;
    }

    @Override public long alloc(int cpu, int order, int gfpMask) { return a.alloc(cpu, order, gfpMask); }
    @Override public void free(int cpu, long pfn, int order) { a.free(cpu, pfn, order); }
    @Override public Sensitivity sensitivity(long pfn) {
      return pfn == 0 && zeroSensitive ? Sensitivity.SENSITIVE : a.sensitivity(pfn);
    }
    @Override public boolean anySensitive(long pfn, long n) { return a.anySensitive(pfn, n); }
    @Override public long sensitivityChanges() { return a.sensitivityChanges(); }
    @Override public long freePages() { return a.freePages(); }
    @Override public String checkConsistency() {
      full++;
      return a.checkConsistency();
    }
    @Override public boolean logChanges(ChangeLog log) { return a.logChanges(log); }
    @Override public String checkConsistency(ChangeLog changed) {
      local++;
      return a.checkConsistency(changed);
    }
  }

  @Test
  void theIncrementalCheckAsksTheAllocatorAndTheMapOnlyWhatChangedAndFrameZeroIsAFrame() {
    boot(true);
    int[] pmdLookups = {0};
    Machine counting = new ForwardingMachine(m) {
      @Override public int restrictedPageblockMapped(long pfn) {
        pmdLookups[0]++;
        return m.restrictedPageblockMapped(pfn);
      }
    };
    Recording rec = new Recording(alloc);
    Checker c = new Checker(counting, rec, kernel, v.metrics(), true, true);
    assertThat(c.checkChanged()).isNull();
    assertThat(rec.local).isEqualTo(1);
    assertThat(rec.full).isZero();
    assertThat(pmdLookups[0]).as("nothing logged: no pageblock looked up").isZero();
    assertThat(c.checkFunctional()).isNull();
    assertThat(rec.full).isEqualTo(1);
    assertThat(pmdLookups[0]).isPositive();
    rec.zeroSensitive = true; // an allocator that owns frame 0
    cacheUser(0);
    pid[0] = 5;
    c.scanExposures();
    assertThat(c.isExposed(0, 0)).isTrue();
  }
}
