package io.asisim.sim.check;

import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.sim.util.LongLongMap;
import java.util.Arrays;

/**
 * Leak-exposure episodes (docs/checker.md): each (cpu, frame) pair found exposed by a scan opens an
 * episode stamped with that CPU's clock ({@code leak_exposures} + 1); the first later scan that no
 * longer finds it closes it and adds the cycles it stayed reachable, on the same CPU's clock, to
 * {@code leak_exposure_cycles}. A pair that is exposed again later opens a new episode. State is a
 * primitive map (cpu, pfn) → first-seen cycle; nothing is allocated per scan once buffers have grown.
 */
final class ExposureTracker {
  private static final int CPU_SHIFT = 48;
  private static final long PFN_MASK = (1L << CPU_SHIFT) - 1;

  private final Machine machine;
  private final Counter exposures;
  private final Counter exposureCycles;
  private final LongLongMap open = new LongLongMap(256);
  private long[] found = new long[256];
  private int nFound;
  private long[] closing = new long[64];

  ExposureTracker(Machine machine, Counter exposures, Counter exposureCycles) {
    this.machine = machine;
    this.exposures = exposures;
    this.exposureCycles = exposureCycles;
  }

  static long key(int cpu, long pfn) {
    return ((long) cpu << CPU_SHIFT) | pfn;
  }

  static int cpuOf(long key) {
    return (int) (key >>> CPU_SHIFT);
  }

  static long pfnOf(long key) {
    return key & PFN_MASK;
  }

  /** Starts collecting the pairs of one scan. */
  void begin() {
    nFound = 0;
  }

  /** The scan found ({@code cpu}, {@code pfn}) exposed (duplicates are fine). */
  void found(int cpu, long pfn) {
    if (nFound == found.length) {
      found = Arrays.copyOf(found, nFound * 2);
    }
    found[nFound++] = key(cpu, pfn);
  }

  /** Ends the scan: opens episodes for new pairs, closes those no longer found. */
  void end() {
    if (!sorted()) { // the scan hands its pairs over sorted and distinct: then this is a check only
      Arrays.sort(found, 0, nFound);
    }
    int w = 0;
    int present = 0;
    for (int i = 0; i < nFound; i++) {
      if (w == 0 || found[w - 1] != found[i]) {
        found[w++] = found[i];
        if (open.containsKey(found[i])) {
          present++;
        }
      }
    }
    nFound = w;
    if (present < open.size()) {
      closeMissing();
    }
    for (int i = 0; i < nFound; i++) {
      long k = found[i];
      if (!open.containsKey(k)) {
        open.put(k, machine.cycles(cpuOf(k)));
        exposures.inc();
      }
    }
  }

  private boolean sorted() {
    for (int i = 1; i < nFound; i++) {
      if (found[i - 1] > found[i]) {
        return false;
      }
    }
    return true;
  }

  /** Closes the open episodes this scan did not find (some exist: fewer were found open than are). */
  private void closeMissing() {
    int nClosing = 0;
    for (int i = 0; i < open.capacity(); i++) {
      if (open.used(i) && Arrays.binarySearch(found, 0, nFound, open.keyAt(i)) < 0) {
        if (nClosing == closing.length) {
          closing = Arrays.copyOf(closing, nClosing * 2);
        }
        closing[nClosing++] = open.keyAt(i);
      }
    }
    for (int i = 0; i < nClosing; i++) {
      close(closing[i]);
    }
  }

  private void close(long k) {
    long first = open.remove(k);
    exposureCycles.add(Math.max(0, machine.cycles(cpuOf(k)) - first));
  }

  /** Closes every open episode now (end of the measured run). */
  void closeAll() {
    begin();
    end();
  }

  /** Pairs exposed at the last scan (tests, messages). */
  int openCount() {
    return open.size();
  }

  /** Whether ({@code cpu}, {@code pfn}) is exposed as of the last scan. */
  boolean isOpen(int cpu, long pfn) {
    return open.containsKey(key(cpu, pfn));
  }
}
