package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.fixtures.Shrink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property (docs/testing.md): over random scan sequences — duplicate and unsorted pairs, CPU clocks
 * that advance unevenly, pairs that come and go and come back, pfns up to 2^40 and CPUs up to
 * the machine's largest — {@link ExposureTracker}'s episodes ({@code leak_exposures}) and cycles
 * ({@code leak_exposure_cycles}) equal a straightforward reference: a hash map from pair to the
 * cycle it was first seen, closed when a scan misses it (docs/checker.md, "Leak exposures"). A
 * failing sequence is shrunk to a minimal one before it is reported.
 */
class ExposureTrackerPropertyTest {
  private static final int SEQUENCES = 400;

  /** One scan: the clock advance of each CPU ({@code ids}) before it, then the pairs it finds. */
  record Scan(int[] ids, long[] advance, int[] cpus, long[] pfns) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("scan(+").append(java.util.Arrays.toString(advance)).append(':');
      for (int i = 0; i < cpus.length; i++) {
        sb.append(' ').append(cpus[i]).append('/').append(pfns[i]);
      }
      return sb.append(')').toString();
    }
  }

  @Test
  void episodesAndCyclesEqualTheReference() {
    for (int seed = 0; seed < SEQUENCES; seed++) {
      List<Scan> scans = generate(new SplittableRandom(seed));
      String failure = mismatch(scans);
      if (failure != null) {
        List<Scan> min = Shrink.minimize(scans, s -> mismatch(s) != null, 5000);
        throw new AssertionError("seed " + seed + ": " + mismatch(min) + " after " + min.size() + " scans: " + min);
      }
    }
  }

  /** The shrinker finds a small counterexample for a deliberately broken reference (it works). */
  @Test
  void theShrinkerReducesAFailingSequence() {
    List<Scan> scans = List.of();
    for (int seed = 0; scans.stream().filter(x -> x.cpus().length > 0).count() < 3; seed++) {
      scans = generate(new SplittableRandom(seed));
    }
    // "fails" whenever some scan finds a pair: the minimum is one such scan
    List<Scan> min = Shrink.minimize(scans, s -> s.stream().anyMatch(x -> x.cpus().length > 0), 5000);
    assertThat(min).hasSize(1);
    assertThat(min.get(0).cpus()).isNotEmpty();
  }

  static List<Scan> generate(SplittableRandom rnd) {
    int nCpus = 1 + rnd.nextInt(4);
    int[] cpuIds = new int[nCpus];
    for (int c = 0; c < nCpus; c++) {
      cpuIds[c] = rnd.nextInt(8) == 0 ? MachineConfig.MAX_CPUS - 1 - c : c;
    }
    int pfnRange = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 200);
    long pfnBase = rnd.nextInt(4) == 0 ? (1L << 40) - 1 - pfnRange : 0;
    List<Scan> out = new ArrayList<>();
    int n = rnd.nextInt(60);
    for (int s = 0; s < n; s++) {
      long[] adv = new long[nCpus];
      for (int c = 0; c < nCpus; c++) {
        adv[c] = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(1, 1_000_000);
      }
      int k = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1 + rnd.nextInt(600));
      int[] cpus = new int[k];
      long[] pfns = new long[k];
      for (int i = 0; i < k; i++) {
        cpus[i] = cpuIds[rnd.nextInt(nCpus)];
        pfns[i] = pfnBase + rnd.nextInt(pfnRange);
      }
      out.add(new Scan(cpuIds, adv, cpus, pfns));
    }
    return out;
  }

  /** Null when tracker and reference agree after every scan and after closing, else what differs. */
  static String mismatch(List<Scan> scans) {
    Map<Integer, Long> clock = new HashMap<>();
    Metrics metrics = new Metrics();
    Counter exposures = metrics.counter(StandardMetrics.LEAK_EXPOSURES);
    Counter cycles = metrics.counter(StandardMetrics.LEAK_EXPOSURE_CYCLES);
    ExposureTracker t = new ExposureTracker(new ForwardingMachine(null) {
      @Override public long cycles(int cpu) {
        return clock.getOrDefault(cpu, 0L);
      }
    }, exposures, cycles);
    Map<List<Long>, Long> open = new HashMap<>(); // (cpu, pfn) -> first seen
    long refEpisodes = 0;
    long refCycles = 0;
    int step = 0;
    for (Scan s : scans) {
      for (int c = 0; c < s.ids().length; c++) {
        clock.merge(s.ids()[c], s.advance()[c], Long::sum);
      }
      t.begin();
      java.util.Set<List<Long>> found = new java.util.HashSet<>();
      for (int i = 0; i < s.cpus().length; i++) {
        t.found(s.cpus()[i], s.pfns()[i]);
        found.add(List.of((long) s.cpus()[i], s.pfns()[i]));
      }
      t.end();
      for (var it = open.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!found.contains(e.getKey())) {
          refCycles += Math.max(0, clock.getOrDefault(e.getKey().get(0).intValue(), 0L) - e.getValue());
          it.remove();
        }
      }
      for (List<Long> k : found) {
        if (!open.containsKey(k)) {
          open.put(k, clock.getOrDefault(k.get(0).intValue(), 0L));
          refEpisodes++;
        }
      }
      step++;
      String d = differs(t, exposures, cycles, open, refEpisodes, refCycles, "after scan " + step);
      if (d != null) {
        return d;
      }
    }
    for (var e : open.entrySet()) {
      refCycles += Math.max(0, clock.getOrDefault(e.getKey().get(0).intValue(), 0L) - e.getValue());
    }
    open.clear();
    t.closeAll();
    return differs(t, exposures, cycles, open, refEpisodes, refCycles, "after closeAll");
  }

  private static String differs(ExposureTracker t, Counter exposures, Counter cycles, Map<List<Long>, Long> open,
      long episodes, long refCycles, String when) {
    if (exposures.get() != episodes || cycles.get() != refCycles || t.openCount() != open.size()) {
      return when + ": tracker " + exposures.get() + " episodes / " + cycles.get() + " cycles / " + t.openCount()
          + " open, reference " + episodes + " / " + refCycles + " / " + open.size();
    }
    for (List<Long> k : open.keySet()) {
      if (!t.isOpen(k.get(0).intValue(), k.get(1))) {
        return when + ": reference has (" + k.get(0) + ", " + k.get(1) + ") open, the tracker does not";
      }
    }
    return null;
  }
}
