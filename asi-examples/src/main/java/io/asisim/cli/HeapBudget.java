package io.asisim.cli;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import java.util.List;
import java.util.Locale;

/**
 * Checks, before anything is allocated, that the Java heap can hold the simulated machines that
 * run at once, so that a {@code --memory} too large for the heap is a one-line bad-input error
 * saying how much heap it needs and how to give it, not an {@link OutOfMemoryError} part-way
 * through boot. The footprint is per 4 KiB frame: the allocator's frame table (a {@code long}
 * link and a {@code byte} state per frame, mm/page_alloc.c's {@code struct page} fields it needs)
 * and the machine's zeroed-frame bits, 9.1 bytes; measured on this JVM (G1, JDK 17) as the smallest
 * {@code -Xmx} at which {@code run --workload alloc-stress --memory M} boots and runs: 160 MiB at
 * 64G, 608 MiB at 256G, i.e. 9.3 bytes per frame plus ~11 MiB (docs/testing.md). The estimate
 * takes 10 bytes per frame plus {@value #BASE_MIB} MiB for the rest of the process.
 */
final class HeapBudget {
  /** Heap per simulated 4 KiB frame, rounded up from the measured 9.3 bytes. */
  static final long BYTES_PER_FRAME = 10;
  /** Heap besides the frames: classes, the kernel's tables, metrics, reports. */
  static final long BASE_MIB = 48;
  /** Overrides the JVM's maximum heap, in bytes (tests inject a small heap with it). */
  static final String MAX_HEAP_PROPERTY = "asisim.max-heap";

  private HeapBudget() {}

  /** The heap this JVM may grow to ({@link Runtime#maxMemory()}, or {@value #MAX_HEAP_PROPERTY}). */
  static long maxHeap() {
    String injected = System.getProperty(MAX_HEAP_PROPERTY);
    return injected != null ? ParamSpec.parseSize(injected) : Runtime.getRuntime().maxMemory();
  }

  /** The heap one machine of {@code memoryBytes} needs while it runs. */
  static long perMachine(long memoryBytes) {
    return (memoryBytes >>> 12) * BYTES_PER_FRAME;
  }

  /**
   * Fails unless {@code concurrent} machines of the largest of {@code variants}' sizes fit in the
   * heap together (a comparison runs samples and {@code --asi off} baselines side by side).
   *
   * @throws BadInputException one line: what is needed, what the JVM has, how to give it more
   */
  static void check(List<VariantConfig> variants, int concurrent) {
    long largest = 0;
    for (VariantConfig v : variants) {
      largest = Math.max(largest, v.machine().memoryBytes());
    }
    int k = Math.max(1, concurrent);
    long needed = k * perMachine(largest) + (BASE_MIB << 20);
    long max = maxHeap();
    if (variants.isEmpty() || needed <= max) {
      return;
    }
    String what = k == 1 ? "--memory " + ParamSpec.formatSize(largest)
        : k + " machines at once (up to --memory " + ParamSpec.formatSize(largest) + " each)";
    throw new BadInputException(what + " needs about " + gib(needed) + " of Java heap (" + BYTES_PER_FRAME
        + " bytes per 4 KiB frame), but this JVM may use only " + gib(max) + "; give it more with "
        + "ASI_SIM_JAVA_OPTS=-Xmx" + suggestedXmx(needed) + " (the launcher's default is -Xmx8g)"
        + (k > 1 ? ", or run fewer at once with --threads 1" : "") + ", or simulate less memory");
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }

  /** {@code needed} rounded up to whole GiB, plus one for headroom, e.g. {@code 12g}. */
  static String suggestedXmx(long needed) {
    return ((needed + (1L << 30) - 1 >>> 30) + 1) + "g";
  }
}
