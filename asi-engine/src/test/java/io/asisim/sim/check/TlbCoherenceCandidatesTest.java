package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TlbCoherence}'s incremental check on hand-made TLB states and change logs (docs/checker.md,
 * "Incremental checking"): a write to the shared kernel half probes every mm's entries there, a
 * write to one mm's tables only that mm's; a PTE rewritten to frame 0 is a rewrite; the candidates
 * are kept per (cpu, mm, address), each followed until judged, and judged before the log's entries;
 * a global entry on a CPU in init_mm waits for an mm; more candidates than can be followed make the
 * next check judge every entry; and a dropped candidate is not probed again. Entries the x86 model
 * cannot make under ASI (global ones, thousands on one CPU) come from a TLB that adds them.
 */
class TlbCoherenceCandidatesTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x400000L;
  private static final long KVA = AddressSpaces.VMALLOC_START + (11L << 12);

  private Machine real;
  private AddressSpaces as;
  private TlbCoherence coherence;
  private long mm;
  private long other;
  private long mm2;
  /** Entries the TLB adds to the x86 model's: {cpu, mm, va, pfn}. */
  private final List<long[]> extra = new ArrayList<>();

  private final class ExtraTlb extends ForwardingTlb {
    ExtraTlb(TlbOps t) {
      super(t);
    }

    @Override public void forEachRestrictedEntry(int cpu, TlbVisitor v) {
      t.forEachRestrictedEntry(cpu, v);
      for (long[] e : List.copyOf(extra)) {
        if (e[0] == cpu) {
          v.entry(cpu, e[1], e[2], e[3], 12);
        }
      }
    }

    @Override public void forEachRestrictedEntryIn(int cpu, long va, long pages, TlbVisitor v) {
      t.forEachRestrictedEntryIn(cpu, va, pages, v);
      for (long[] e : List.copyOf(extra)) {
        if (e[0] == cpu && Long.compareUnsigned(e[2], va) >= 0 && Long.compareUnsigned(e[2], va + (pages << 12)) < 0) {
          v.entry(cpu, e[1], e[2], e[3], 12);
        }
      }
    }
  }

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    real = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.parse(List.of("machine.x86.cr3-noflush=true"), REGISTRY), 1, 1), REGISTRY).machine();
    as = real.addressSpaces();
    ExtraTlb tlb = new ExtraTlb(real.tlb());
    coherence = new TlbCoherence(new ForwardingMachine(real) {
      @Override public TlbOps tlb() {
        return tlb;
      }
    });
    mm = as.mmCreate(0);
    other = as.mmCreate(0);
    mm2 = as.mmCreate(0);
  }

  /** Runs {@code owner} restricted on {@code cpu} and caches {@code va} there. */
  private void cache(int cpu, long owner, long va) {
    run(cpu, owner);
    assertThat(real.tlb().access(cpu, va, false, 0)).isNotNegative();
  }

  private void run(int cpu, long owner) {
    if (real.asi().isRestricted(cpu)) {
      real.asi().asiExit(cpu, AsiExitReason.MISC, 0);
    }
    as.switchMm(cpu, owner);
    real.asi().asiEnter(cpu);
  }

  private void remapUser(long owner, long va, long pfn) {
    as.unmapUser(0, owner, va);
    assertThat(as.mapUser(0, owner, va, pfn, true)).isTrue(); // no flush
  }

  private static ChangeLog log(long[]... translations) {
    ChangeLog log = new ChangeLog(Math.max(1, translations.length));
    for (long[] t : translations) {
      log.translation(t[0], t[1], t[2]);
    }
    return log;
  }

  private static String incoherent(int cpu, long va, long pfn, long loaded, long now) {
    return "TLB coherence: cpu " + cpu + " caches va 0x" + Long.toHexString(va) + " -> pfn " + pfn
        + " but the restricted page tables of mm " + loaded + " now map it to pfn " + now
        + " (a flush was skipped before the PTE was rewritten)";
  }

  @Test
  void aKernelHalfWriteProbesEveryMmsEntryAndAUserWriteOnlyThatMms() {
    boot();
    as.mapKernel(0, KVA, 500);
    cache(0, mm, KVA); // tagged with mm's restricted PCID: ASI drops the global bit
    as.unmapKernel(0, KVA);
    as.mapKernel(0, KVA, 501);
    assertThat(coherence.checkChanged(new long[] {mm, 0}, log(new long[] {TlbOps.ALL_MM, KVA, 1})))
        .isEqualTo(incoherent(0, KVA, 500, mm, 501));
    assertThat(as.mapUser(0, mm2, VA, 600, true)).isTrue();
    cache(0, mm2, VA);
    remapUser(mm2, VA, 601);
    assertThat(coherence.checkChanged(new long[] {mm2, 0}, log(new long[] {mm, VA, 1})))
        .as("mm's tables were written, not mm2's").isNull();
    assertThat(coherence.checkChanged(new long[] {mm2, 0}, log(new long[] {mm2, VA, 1})))
        .isEqualTo(incoherent(0, VA, 600, mm2, 601));
  }

  @Test
  void aRewriteToFrameZeroIsARewrite() {
    boot();
    assertThat(as.mapUser(0, mm, VA, 700, true)).isTrue();
    cache(0, mm, VA);
    remapUser(mm, VA, 0);
    long[] loaded = {mm, 0};
    assertThat(coherence.checkChanged(loaded, log(new long[] {mm, VA, 1}))).isEqualTo(incoherent(0, VA, 700, mm, 0));
    assertThat(coherence.checkAll(loaded)).isEqualTo(incoherent(0, VA, 700, mm, 0));
  }

  @Test
  void candidatesAreKeptPerCpuPerMmAndPerAddress() {
    boot();
    assertThat(as.mapUser(0, mm, VA, 800, true)).isTrue();
    assertThat(as.mapUser(0, mm, VA + 4096, 801, true)).isTrue();
    assertThat(as.mapUser(0, mm2, VA, 900, true)).isTrue();
    cache(0, mm, VA);
    cache(0, mm, VA + 4096);
    cache(1, mm, VA);
    cache(0, mm2, VA);
    run(0, other);
    run(1, other);
    remapUser(mm, VA, 810);
    remapUser(mm, VA + 4096, 811);
    remapUser(mm2, VA, 910);
    long[] away = {other, other};
    assertThat(coherence.checkChanged(away, log(new long[] {mm, VA, 2}, new long[] {mm2, VA, 1}))).isNull();
    assertThat(coherence.checkChanged(away, log())).as("followed, not judged").isNull();
    // four candidates: (0, mm, VA), (0, mm, VA+1), (1, mm, VA), (0, mm2, VA); each must be kept
    assertThat(coherence.checkChanged(new long[] {mm2, other}, log())).isEqualTo(incoherent(0, VA, 900, mm2, 910));
    assertThat(coherence.checkChanged(new long[] {other, mm}, log())).as("cpu 1's entry of mm, the same address")
        .isEqualTo(incoherent(1, VA, 800, mm, 810));
  }

  @Test
  void aCandidateAtAnotherAddressOfTheSameMmIsKept() {
    boot();
    assertThat(as.mapUser(0, mm, VA + 4096, 801, true)).isTrue();
    assertThat(as.mapUser(0, mm, VA, 800, true)).isTrue();
    cache(0, mm, VA);
    cache(0, mm, VA + 4096);
    run(0, other);
    remapUser(mm, VA, 810);
    remapUser(mm, VA + 4096, 811);
    long[] away = {other, 0};
    assertThat(coherence.checkChanged(away, log(new long[] {mm, VA, 2}))).isNull();
    remapUser(mm, VA, 800);
    assertThat(coherence.checkChanged(away, log(new long[] {mm, VA, 1}))).isNull();
    assertThat(coherence.checkChanged(new long[] {mm, 0}, log())).as("the second address, followed alone")
        .isEqualTo(incoherent(0, VA + 4096, 801, mm, 811));
  }

  @Test
  void candidatesAreJudgedBeforeTheLogsEntries() {
    boot();
    assertThat(as.mapUser(0, mm, VA, 800, true)).isTrue();
    assertThat(as.mapUser(0, mm, VA + 4096, 801, true)).isTrue();
    cache(1, mm, VA);
    run(1, other);
    remapUser(mm, VA, 810);
    assertThat(coherence.checkChanged(new long[] {0, other}, log(new long[] {mm, VA, 1}))).isNull();
    cache(0, mm, VA + 4096);
    remapUser(mm, VA + 4096, 811);
    run(1, mm);
    assertThat(coherence.checkChanged(new long[] {mm, mm}, log(new long[] {mm, VA + 4096, 1})))
        .isEqualTo(incoherent(1, VA, 800, mm, 810));
  }

  @Test
  void aGlobalEntryOnACpuInInitMmIsJudgedOnceItLoadsAnMm() {
    boot();
    as.mapKernel(0, KVA, 501);
    extra.add(new long[] {0, TlbOps.ALL_MM, KVA, 500});
    long[] init = {AddressSpaces.INIT_MM, AddressSpaces.INIT_MM};
    assertThat(coherence.checkChanged(init, log(new long[] {TlbOps.ALL_MM, KVA, 1}))).isNull();
    assertThat(coherence.checkAll(init)).as("init_mm has no restricted tables to judge by").isNull();
    assertThat(coherence.checkChanged(init, log())).isNull();
    assertThat(coherence.checkChanged(new long[] {mm, AddressSpaces.INIT_MM}, log()))
        .isEqualTo(incoherent(0, KVA, 500, mm, 501));
  }

  @Test
  void moreCandidatesThanCanBeFollowedMakeTheNextCheckJudgeEveryEntry() {
    boot();
    int n = TlbCoherence.MAX_CANDIDATES + 1;
    for (int i = 0; i < n; i++) {
      assertThat(as.mapUser(0, mm, VA + ((long) i << 12), 30000 + i, true)).isTrue();
      extra.add(new long[] {0, mm, VA + ((long) i << 12), 40000 + i}); // stale: mm maps another frame
    }
    long[] away = {other, 0};
    assertThat(coherence.checkChanged(away, log(new long[] {mm, VA, n}))).isNull();
    extra.subList(0, n - 1).clear(); // the followed ones are flushed; the last was not followed
    assertThat(coherence.checkChanged(new long[] {mm, 0}, log()))
        .isEqualTo(incoherent(0, VA + ((long) (n - 1) << 12), 40000 + n - 1, mm, 30000 + n - 1));
    assertThat(coherence.checkChanged(new long[] {mm, 0}, log()))
        .as("following starts afresh, from the log: no candidate left").isNull();
  }

  @Test
  void aDroppedCandidateIsNotProbedAgain() {
    boot();
    assertThat(as.mapUser(0, mm, VA, 30000, true)).isTrue();
    assertThat(as.mapUser(0, mm, VA + 4096, 30001, true)).isTrue();
    extra.add(new long[] {1, mm, VA, 40000});
    extra.add(new long[] {0, mm, VA + 4096, 40001});
    long[] away = {other, other};
    assertThat(coherence.checkChanged(away, log(new long[] {mm, VA, 2}))).isNull();
    // candidates in probe order: (0, mm, VA+1) then (1, mm, VA)
    long[] last = extra.remove(0); // cpu 1's is flushed: dropped at the next check
    assertThat(coherence.checkChanged(away, log())).isNull();
    extra.add(last); // refilled wrongly behind the log's back: only the full check sees it
    assertThat(coherence.checkChanged(new long[] {other, mm}, log())).isNull();
    assertThat(coherence.checkAll(new long[] {other, mm})).isEqualTo(incoherent(1, VA, 40000, mm, 30000));
  }
}
