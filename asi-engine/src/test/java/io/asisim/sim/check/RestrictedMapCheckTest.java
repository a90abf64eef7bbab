package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link RestrictedMapCheck} on the x86 machine's restricted direct map, with sensitivity, zeroing
 * and the boot reservation played by the test (docs/checker.md, "restricted map", "zero on flip"):
 * the remembered bits of each frame taken at construction and kept per frame (neighbours in the same
 * 64-frame word untouched), so a flip is judged exactly where a frame that was sensitive and unmapped
 * became mapped unzeroed; boot-reserved frames skipped inside a pageblock; and the walk's cost, one
 * PMD lookup per whole unreserved pageblock and a frame lookup only where the PMD does not decide.
 */
class RestrictedMapCheckTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();

  private Machine real;
  private Played m;
  private final Set<Long> sensitive = new HashSet<>();
  private final PageAllocator alloc = new PageAllocator() {
    @Override public long alloc(int cpu, int order, int gfpMask) { throw new UnsupportedOperationException(); }
    @Override public void free(int cpu, long pfn, int order) { throw new UnsupportedOperationException(); }
    @Override public Sensitivity sensitivity(long pfn) {
      return sensitive.contains(pfn) ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;
    }
    @Override public long freePages() { return 0; }
  };
  /** A pageblock the test maps with a 2 MiB leaf, outside the boot reservation. */
  private long b;

  /** The machine with its lookups counted, written frames not zeroed, and a reservation of the test's. */
  private static final class Played extends ForwardingMachine {
    int pmdLookups;
    int frameLookups;
    final Set<Long> written = new HashSet<>();
    List<PfnRange> reservation;
    long frames;
    /** Frames beyond the real machine the test plays as mapped (a larger machine's). */
    final Set<Long> mappedBeyond = new HashSet<>();

    Played(Machine m) {
      super(m);
      reservation = m.bootReservation();
      frames = m.nrFrames();
    }

    @Override public int restrictedPageblockMapped(long pfn) {
      pmdLookups++;
      return pfn >= m.nrFrames() ? -1 : m.restrictedPageblockMapped(pfn);
    }

    @Override public boolean isRestrictedMapped(long pfn) {
      frameLookups++;
      return pfn < m.nrFrames() ? m.isRestrictedMapped(pfn) : mappedBeyond.contains(pfn);
    }

    @Override public boolean isZeroed(long pfn) { return !written.contains(pfn); }
    @Override public List<PfnRange> bootReservation() { return reservation; }
    @Override public long nrFrames() { return frames; }
  }

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    real = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 1, true), sel, sel.keySet(), Settings.none(),
        1, 1), REGISTRY).machine();
    m = new Played(real);
    b = real.nrFrames() - 4 * 512; // free memory, sensitive at boot: unmapped until the test maps it
    assertThat(real.restrictedPageblockMapped(b)).isZero();
    real.setRestrictedMapped(0, b, 512, true);
    assertThat(real.restrictedPageblockMapped(b)).as("one 2 MiB leaf").isEqualTo(1);
    assertThat(b).isPositive();
  }

  private void unmap(long... pfns) {
    for (long p : pfns) {
      real.setRestrictedMapped(0, p, 1, false);
    }
  }

  private String flipped(long p) {
    return "zero on flip: pfn " + p + " was sensitive, became present in the restricted direct map and was not zeroed";
  }

  @Test
  void aSensitiveUnmappedFrameMappedUnzeroedIsReportedFromTheBitsTakenAtConstruction() {
    boot();
    long r = b + 20;
    sensitive.addAll(List.of(r, b + 37)); // two in one 64-frame word, the other frames of the word not
    unmap(r, b + 37);
    RestrictedMapCheck full = new RestrictedMapCheck(m, alloc);
    RestrictedMapCheck local = new RestrictedMapCheck(m, alloc);
    sensitive.remove(r); // flipped to nonsensitive, mapped, and written before any check
    real.setRestrictedMapped(0, r, 1, true);
    m.written.add(r);
    assertThat(full.check()).isEqualTo(flipped(r));
    ChangeLog log = new ChangeLog(1);
    log.frames(r, 1);
    assertThat(local.checkFrames(log)).isEqualTo(flipped(r));
    assertThat(full.check()).as("judged once: remembered as mapped now").isNull();
    m.written.remove(r);
    sensitive.remove(b + 37);
    real.setRestrictedMapped(0, b + 37, 1, true);
    assertThat(local.checkFrames(single(b + 37))).as("zeroed in time").isNull();
  }

  private static ChangeLog single(long p) {
    ChangeLog log = new ChangeLog(1);
    log.frames(p, 1);
    return log;
  }

  @Test
  void aFrameThatWasNeverSensitiveOrStayedMappedIsNotAFlip() {
    boot();
    long q = b + 300;
    long s = b + 400;
    unmap(q, b + 410);
    sensitive.add(s); // sensitive and mapped: reported, and remembered as mapped
    RestrictedMapCheck c = new RestrictedMapCheck(m, alloc);
    assertThat(c.check()).isEqualTo("restricted map: sensitive pfn " + s + " is present in the restricted direct map");
    sensitive.remove(s);
    m.written.add(s);
    real.setRestrictedMapped(0, q, 1, true);
    m.written.add(q);
    assertThat(c.check()).as("q was never sensitive, s was mapped already").isNull();
    ChangeLog log = new ChangeLog(2);
    log.frames(q, 1);
    log.frames(s, 1);
    assertThat(c.checkFrames(log)).isNull();
  }

  @Test
  void bootReservedFramesInsideAPageblockAreSkipped() {
    boot();
    List<PfnRange> res = new ArrayList<>(real.bootReservation());
    res.add(new PfnRange(b + 100, b + 200));
    m.reservation = res;
    sensitive.addAll(List.of(b + 150, b + 250)); // both mapped; the first is not the allocator's
    RestrictedMapCheck c = new RestrictedMapCheck(m, alloc);
    String expected = "restricted map: sensitive pfn " + (b + 250) + " is present in the restricted direct map";
    assertThat(c.check()).isEqualTo(expected);
    ChangeLog log = new ChangeLog(1);
    log.frames(b, 512);
    m.pmdLookups = 0;
    m.frameLookups = 0;
    assertThat(c.checkFrames(log)).isEqualTo(expected);
    assertThat(m.pmdLookups).as("a pageblock with reserved frames is read frame by frame").isZero();
    assertThat(m.frameLookups).isEqualTo(412);
    assertThat(c.checkFrames(range(b + 150, 200))).as("a record starting inside the reservation").isEqualTo(expected);
  }

  private static ChangeLog range(long p, long n) {
    ChangeLog log = new ChangeLog(1);
    log.frames(p, n);
    return log;
  }

  @Test
  void theWalkLooksUpAPmdPerWholePageblockAndFramesOnlyWhereItDoesNotDecide() {
    boot();
    long empty = b + 512;
    assertThat(real.restrictedPageblockMapped(empty)).isZero();
    real.setRestrictedMapped(0, b + 1024 + 5, 1, true); // a table, not a leaf
    assertThat(real.restrictedPageblockMapped(b + 1024)).isEqualTo(-1);
    List<PfnRange> res = new ArrayList<>(real.bootReservation());
    res.add(new PfnRange(b + 100, b + 200));
    m.reservation = res;
    m.frames = real.nrFrames() - 100; // the last pageblock is partial
    RestrictedMapCheck c = new RestrictedMapCheck(m, alloc);
    m.pmdLookups = 0;
    m.frameLookups = 0;
    assertThat(c.check()).isNull();
    int pmd = 0;
    long frames = 0;
    for (long p = PfnRange.nextOutside(res, 0); p < m.frames; p = PfnRange.nextOutside(res, p)) {
      long end = Math.min(m.frames, (p | 511) + 1);
      if (PfnRange.framesIn(res, p, end) == 0 && end - p == 512) {
        pmd++;
        frames += real.restrictedPageblockMapped(p) < 0 ? 512 : 0;
      } else {
        frames += end - p - PfnRange.framesIn(res, p, end);
      }
      p = end;
    }
    assertThat(m.pmdLookups).isEqualTo(pmd);
    assertThat(m.frameLookups).isEqualTo(frames);
    assertThat(frames).as("the table's block, the reserved block's rest, the partial last block, the boot blocks")
        .isGreaterThanOrEqualTo(512 + 412 + 412);
    ChangeLog log = new ChangeLog(2);
    log.frames(empty, 512);
    log.frames(b, 512);
    m.pmdLookups = 0;
    m.frameLookups = 0;
    assertThat(c.checkFrames(log)).isNull();
    assertThat(m.pmdLookups).isEqualTo(1);
    assertThat(m.frameLookups).as("the empty PMD decides its block; the reserved block frame by frame").isEqualTo(412);
  }

  @Test
  void aLargeMachineGetsOneBitPerFrame() {
    boot();
    m.frames = (1L << 26) - 63; // 256 GiB: 2^20 words of 64 frames per bit set, 8 MiB each
    RestrictedMapCheck c = new RestrictedMapCheck(m, alloc);
    sensitive.add(m.frames - 1);
    assertThat(c.checkFrames(single(m.frames - 1))).isNull();
    m.mappedBeyond.add(m.frames - 1); // the last frame's bit is there to be judged
    assertThat(c.checkFrames(single(m.frames - 1)))
        .isEqualTo("restricted map: sensitive pfn " + (m.frames - 1) + " is present in the restricted direct map");
  }
}
