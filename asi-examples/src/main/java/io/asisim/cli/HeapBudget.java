package io.asisim.cli;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.pagealloc.Allocators;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import java.util.List;
import java.util.Locale;

/**
 * Checks, before anything is allocated, that the Java heap can boot the simulated machines that
 * run at once, so that a {@code --memory} too large for the heap is a one-line bad-input error
 * saying how much heap it needs and how to give it, not an {@link OutOfMemoryError} part-way
 * through boot. What a machine holds at boot, per 4 KiB frame: the machine's zeroed-frame bits
 * (0.125 bytes), the allocator's frame table before any pageblock is split (0.035 bytes, see
 * {@code FrameTable} in asi-pagealloc), the unmapped pool's membership bits (0.125 bytes) and the
 * checker's restricted-map bits (0.25 bytes) when selected; the estimate takes
 * {@value #BOOT_TENTHS_PER_FRAME}/10 bytes per frame plus {@value #BASE_MIB} MiB for the rest of
 * the process, plus the dense frame table of a machine up to 64 GiB
 * ({@link Allocators#DENSE_FRAME_TABLE_MAX_FRAMES}, 9 bytes per frame: 144 MiB at 64 GiB), which a
 * larger machine's estimate keeps as room for the chunks its run populates. Measured on this JVM
 * (G1, JDK 17) as the smallest {@code -Xmx} at which
 * {@code run --workload alloc-stress --memory M --set workload.alloc-stress.ops=200} runs:
 * 96 MiB at 1T, 224 MiB at 4T (0.16 bytes per frame plus ~50 MiB); with
 * {@code --allocator unmapped-pool}, 128 MiB at 1T (docs/performance.md).
 *
 * <p>A run then grows the frame table by 9 bytes per frame of every pageblock it splits below
 * pageblock order, which depends on the workload, not on {@code --memory} alone; a run that
 * outgrows the heap ends with {@link Main}'s one-line out-of-heap error instead.
 */
final class HeapBudget {
  /** Heap per simulated 4 KiB frame at boot, in tenths of a byte (0.6: rounded up from 0.54). */
  static final long BOOT_TENTHS_PER_FRAME = 6;
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

  /** The heap one machine of {@code memoryBytes} needs to boot. */
  static long perMachine(long memoryBytes) {
    long frames = memoryBytes >>> 12;
    return frames * BOOT_TENTHS_PER_FRAME / 10
        + Math.min(frames, Allocators.DENSE_FRAME_TABLE_MAX_FRAMES) * Allocators.FRAME_TABLE_BYTES_PER_FRAME;
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
    double boot = BOOT_TENTHS_PER_FRAME / 10.0;
    throw new BadInputException(what + " needs about " + gib(needed) + " of Java heap to boot ("
        + String.format(Locale.ROOT, "%.1f bytes per 4 KiB frame, %.1f up to %d GiB", boot,
            boot + Allocators.FRAME_TABLE_BYTES_PER_FRAME, Allocators.DENSE_FRAME_TABLE_MAX_FRAMES >>> 18)
        + "), but this JVM may use only " + gib(max) + "; give it more with "
        + "ASI_SIM_JAVA_OPTS=-Xmx" + suggestedXmx(needed) + " (the launcher's default is -Xmx8g)"
        + (k > 1 ? ", or run fewer at once with --threads 1" : "") + ", or simulate less memory");
  }

  /** The one-line error of a run that outgrew the heap after it booted (see the class comment). */
  static String outOfHeap() {
    long max = maxHeap();
    return "out of Java heap part-way through a run (this JVM may use " + gib(max) + "): a machine's frame "
        + "table grows by " + Allocators.FRAME_TABLE_BYTES_PER_FRAME + " bytes per 4 KiB frame of the pageblocks "
        + "the run splits (docs/performance.md); "
        + "give it more with ASI_SIM_JAVA_OPTS=-Xmx" + suggestedXmx(2 * max) + ", run fewer at once with "
        + "--threads 1, or simulate less memory";
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }

  /** {@code needed} rounded up to whole GiB, plus one for headroom, e.g. {@code 12g}. */
  static String suggestedXmx(long needed) {
    return ((needed + (1L << 30) - 1 >>> 30) + 1) + "g";
  }
}
