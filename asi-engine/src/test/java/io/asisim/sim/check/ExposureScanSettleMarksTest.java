package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.ExposureScan;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.machine.SettlingTlbVisitor;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ExposureScan}'s settle answers and unsettle calls, recorded at the TLB (docs/checker.md,
 * "Settled entries"): which entries a scan settles (readable 4 KiB entries, another ASID's, clean
 * frames while the sensitivity count is known; never an exposed entry or a 2 MiB leaf that reaches
 * a sensitive frame), what it unsettles when the task's losses move (only the lost frames, sorted;
 * nothing when none is listed; everything when they cannot be listed), the 2 MiB leaf's per-frame
 * rule (the 512 frames of the leaf, not one more), the per-scan clean marks of a 2 MiB block (one
 * {@code anySensitive} per block and scan, whatever the number of CPUs caching it) and the size of
 * the mark array; and the scan's result sorted and without duplicates.
 */
class ExposureScanSettleMarksTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x400000L;

  private Machine real;
  private RecordingMachine m;
  private AddressSpaces as;
  private long mm;
  private long other;
  private final Set<Long> sensitive = new HashSet<>();
  private final Set<String> readable = new HashSet<>();
  private final int[] task = {7, -1};
  private long losses;
  private long[] lost = new long[0];
  /** What lostFramesSince answers: -2 = the length of {@link #lost}. */
  private int lostAnswer = -2;
  private long sensChanges;
  private int anySensitiveCalls;
  private int isSensitiveCalls;
  private ExposureScan scan;

  /** The x86 TLB, with every settle answer and unsettle call recorded. */
  private static final class RecordingTlb extends ForwardingTlb {
    /** "cpu:va" to the last settle answer. */
    final Map<String, Boolean> answers = new LinkedHashMap<>();
    final int[] unsettles = new int[2];
    final List<long[]> unsettledFrames = new ArrayList<>();

    RecordingTlb(TlbOps t) {
      super(t);
    }

    @Override public void forEachUnsettledRestrictedEntry(int cpu, SettlingTlbVisitor v) {
      t.forEachUnsettledRestrictedEntry(cpu, (c, mm, va, pfn, shift) -> {
        boolean settle = v.entry(c, mm, va, pfn, shift);
        answers.put(c + ":0x" + Long.toHexString(va), settle);
        return settle;
      });
    }

    @Override public void unsettle(int cpu) {
      unsettles[cpu]++;
      t.unsettle(cpu);
    }

    @Override public void unsettleFrames(int cpu, long[] sortedPfns, int n) {
      long[] copy = Arrays.copyOf(sortedPfns, n);
      unsettledFrames.add(copy);
      t.unsettleFrames(cpu, sortedPfns, n);
    }
  }

  private static final class RecordingMachine extends ForwardingMachine {
    final RecordingTlb tlb;
    long frames;

    RecordingMachine(Machine m) {
      super(m);
      tlb = new RecordingTlb(m.tlb());
      frames = m.nrFrames();
    }

    @Override public TlbOps tlb() { return tlb; }
    @Override public long nrFrames() { return frames; }
  }

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    real = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.parse(List.of("machine.x86.cr3-noflush=true"), REGISTRY), 1, 1), REGISTRY).machine();
    m = new RecordingMachine(real);
    as = real.addressSpaces();
    mm = as.mmCreate(0);
    other = as.mmCreate(0);
  }

  private ExposureScan newScan() {
    return new ExposureScan(m, null, new ExposureScan.Access() {
      @Override public boolean isSensitive(long pfn) {
        isSensitiveCalls++;
        return sensitive.contains(pfn);
      }

      @Override public boolean anySensitive(long pfn, long n) {
        anySensitiveCalls++;
        for (long f = pfn; f < pfn + n; f++) {
          if (sensitive.contains(f)) {
            return true;
          }
        }
        return false;
      }

      @Override public boolean hasAccess(int cpu, long pfn) {
        return readable.contains(task[cpu] + ":" + pfn);
      }

      @Override public boolean runsTask(int cpu) {
        return task[cpu] >= 0;
      }

      @Override public int runningTask(int cpu) {
        return task[cpu];
      }

      @Override public long accessLosses(int cpu) {
        return losses;
      }

      @Override public int lostFramesSince(int cpu, long since, long[] buf) {
        System.arraycopy(lost, 0, buf, 0, lost.length);
        return lostAnswer == -2 ? lost.length : lostAnswer;
      }

      @Override public long sensitivityChanges() {
        return sensChanges;
      }
    });
  }

  /** Maps user pages of {@code owner} at {@code VA + i} to {@code pfns[i]} and caches them on {@code cpu}. */
  private void cache(int cpu, long owner, long... pfns) {
    as.switchMm(cpu, owner);
    real.asi().asiEnter(cpu);
    for (int i = 0; i < pfns.length; i++) {
      assertThat(as.mapUser(cpu, owner, VA + ((long) i << 12), pfns[i], true)).isTrue();
      assertThat(real.tlb().access(cpu, VA + ((long) i << 12), false, 0)).isEqualTo(pfns[i]);
    }
  }

  /** A pageblock the restricted direct map maps with one 2 MiB leaf, outside the boot reservation; the highest. */
  private long mappedBlock() {
    for (long b = real.nrFrames() - 512; b >= 0; b -= 512) {
      if (real.restrictedPageblockMapped(b) == 1 && PfnRange.framesIn(real.bootReservation(), b, b + 512) == 0) {
        return b;
      }
    }
    throw new AssertionError("no mapped pageblock");
  }

  /** Caches the 2 MiB restricted direct-map leaf of block {@code base} on {@code cpu} (running mm, restricted). */
  private void cacheBlock(int cpu, long base) {
    as.switchMm(cpu, mm);
    real.asi().asiEnter(cpu);
    assertThat(real.tlb().access(cpu, AddressSpaces.directMapVa(base + 3), false, 0)).isEqualTo(base + 3);
  }

  private List<String> found() {
    int n = scan.scan();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(scan.cpu(i) + ":" + scan.pfn(i));
    }
    return out;
  }

  private String key(int cpu, long va) {
    return cpu + ":0x" + Long.toHexString(va);
  }

  @Test
  void lostFramesAreUnsettledSortedAndOnlyThoseAnEmptyListUnsettlesNothingAnUnlistableOneEverything() {
    boot();
    scan = newScan();
    cache(0, mm, 20000, 20001, 20002);
    sensitive.addAll(List.of(20000L, 20001L, 20002L));
    readable.addAll(List.of("7:20000", "7:20001", "7:20002"));
    assertThat(found()).isEmpty();
    // the first scan: the sensitivity count is new (every CPU) and cpu 0 has nothing settled yet
    assertThat(m.tlb.unsettles).containsExactly(2, 1);
    assertThat(m.tlb.answers).containsEntry(key(0, VA), true).containsEntry(key(0, VA + 8192), true);
    readable.removeAll(List.of("7:20000", "7:20002"));
    losses = 2;
    lost = new long[] {20002, 20000}; // in the order the kernel logged them
    assertThat(found()).containsExactly("0:20000", "0:20002");
    assertThat(m.tlb.unsettles).as("only the lost frames").containsExactly(2, 1);
    assertThat(m.tlb.unsettledFrames).hasSize(1);
    assertThat(m.tlb.unsettledFrames.get(0)).containsExactly(20000, 20002);
    losses = 3;
    lost = new long[0]; // the count moved, nothing to list (a loss of a frame the CPU never cached)
    assertThat(found()).containsExactly("0:20000", "0:20002");
    assertThat(m.tlb.unsettles).containsExactly(2, 1);
    assertThat(m.tlb.unsettledFrames).as("no call for an empty list").hasSize(1);
    readable.remove("7:20001");
    losses = 4;
    lost = new long[] {20001};
    lostAnswer = -1; // more than can be listed: the CPU is read again whole
    assertThat(found()).containsExactly("0:20000", "0:20001", "0:20002");
    assertThat(m.tlb.unsettles).containsExactly(3, 1);
    assertThat(m.tlb.unsettledFrames).hasSize(1);
  }

  @Test
  void aFreshScanUnsettlesEveryCpuItScansWhateverItsTaskAndMm() {
    boot();
    task[0] = 0; // task 0 on init_mm, no losses: all equal to a fresh scan's zeroed arrays
    scan = newScan();
    assertThat(found()).isEmpty();
    assertThat(m.tlb.unsettles).containsExactly(2, 1);
    assertThat(found()).isEmpty();
    assertThat(m.tlb.unsettles).as("same task, mm and losses").containsExactly(2, 1);
    cache(0, mm, 21000);
    readable.add("0:21000");
    sensitive.add(21000L);
    assertThat(found()).isEmpty();
    assertThat(m.tlb.answers).as("task 0 is a task: its readable entry settles").containsEntry(key(0, VA), true);
  }

  @Test
  void whatSettlesAnAnotherAsidsEntryAReadableOneACleanOneNeverAnExposedOne() {
    boot();
    scan = newScan();
    cache(0, mm, 22000, 22001, 22002);
    sensitive.addAll(List.of(22000L, 22001L));
    readable.add("7:22000");
    assertThat(found()).containsExactly("0:22001");
    assertThat(m.tlb.answers).containsEntry(key(0, VA), true).containsEntry(key(0, VA + 4096), false)
        .containsEntry(key(0, VA + 8192), true); // clean, the count known
    sensChanges = -1; // the count not known: a clean entry is read at every scan
    m.tlb.answers.clear();
    assertThat(found()).containsExactly("0:22001");
    assertThat(m.tlb.answers).containsEntry(key(0, VA + 4096), false).containsEntry(key(0, VA + 8192), false)
        .containsEntry(key(0, VA), true);
    real.asi().asiExit(0, AsiExitReason.MISC, 0);
    as.switchMm(0, other);
    real.asi().asiEnter(0);
    m.tlb.answers.clear();
    assertThat(found()).as("another ASID's entries").isEmpty();
    assertThat(m.tlb.answers).containsEntry(key(0, VA + 4096), true).containsEntry(key(0, VA + 8192), true);
  }

  @Test
  void theResultIsSortedAndDistinct() {
    boot();
    scan = newScan();
    cache(0, mm, 23005, 23001, 23001, 23003);
    sensitive.addAll(List.of(23001L, 23003L, 23005L));
    assertThat(found()).containsExactly("0:23001", "0:23003", "0:23005");
    assertThat(scan.size()).isEqualTo(3);
    assertThat(scan.isExposed(0, 23003)).isTrue();
  }

  @Test
  void aTwoMibLeafReachesItsOwnFramesOnlyAndSettlesOnlyWhenClean() {
    boot();
    scan = newScan();
    long base = mappedBlock();
    cacheBlock(0, base);
    long leafVa = AddressSpaces.directMapVa(base);
    assertThat(found()).isEmpty();
    assertThat(m.tlb.answers).containsEntry(key(0, leafVa), true);
    sensitive.addAll(List.of(base + 5, base + 511, base + 512, base - 1)); // the last two are not in the leaf
    readable.add("7:" + (base + 511));
    sensChanges++;
    assertThat(found()).containsExactly("0:" + (base + 5));
    assertThat(m.tlb.answers).containsEntry(key(0, leafVa), false);
    readable.add("7:" + (base + 5));
    assertThat(found()).as("readable, but never settled: another frame may turn").isEmpty();
    assertThat(m.tlb.answers).containsEntry(key(0, leafVa), false);
  }

  @Test
  void aCleanBlockIsAskedOncePerScanWhateverTheCpusCachingIt() {
    boot();
    task[1] = 8;
    scan = newScan();
    long base = mappedBlock();
    cacheBlock(0, base);
    cacheBlock(1, base);
    long leafVa = AddressSpaces.directMapVa(base);
    assertThat(found()).isEmpty();
    assertThat(anySensitiveCalls).isEqualTo(1);
    assertThat(m.tlb.answers).as("clean, the count known: settled on both CPUs, the second by the mark")
        .containsEntry(key(0, leafVa), true).containsEntry(key(1, leafVa), true);
    sensChanges = -1; // the count not known: nothing clean settles, every scan reads both entries
    assertThat(found()).isEmpty();
    assertThat(anySensitiveCalls).isEqualTo(2);
    assertThat(m.tlb.answers).containsEntry(key(0, leafVa), false).containsEntry(key(1, leafVa), false);
    assertThat(found()).isEmpty();
    assertThat(anySensitiveCalls).as("a mark holds for its own scan only").isEqualTo(3);
    assertThat(isSensitiveCalls).isZero();
  }

  @Test
  void theMarksCoverTheLastBlockAndUpToFourMillionBlocks() {
    boot();
    long base = mappedBlock();
    for (long frames : new long[] {base + 512, ((1L << 22) - 1) * 512}) {
      m.frames = frames; // the marks are sized from the machine's frames
      scan = newScan();
      anySensitiveCalls = 0;
      cacheBlock(0, base);
      task[1] = 8;
      cacheBlock(1, base);
      sensChanges = -1;
      assertThat(found()).isEmpty();
      assertThat(anySensitiveCalls).as("frames " + frames).isEqualTo(1);
    }
    assertReadFrameByFrame(base - 512); // a leaf past the frames the marks cover
    assertReadFrameByFrame((1L << 22) * 512); // 8 TiB: no marks at all
  }

  /** On a machine of {@code frames}, each CPU's 2 MiB leaf is judged frame by frame, not by marks. */
  private void assertReadFrameByFrame(long frames) {
    m.frames = frames;
    scan = newScan();
    anySensitiveCalls = 0;
    isSensitiveCalls = 0;
    assertThat(found()).isEmpty();
    assertThat(anySensitiveCalls).isZero();
    assertThat(isSensitiveCalls).isEqualTo(2 * 512);
  }
}
