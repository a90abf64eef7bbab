package io.asisim.sim.trace;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Valid {@code perf script} text of any length, generated as it is read (nothing on disk, nothing
 * held but one 2 048-line cycle): alloc and free of order-0 pages over 1 024 pfns, on 4 CPUs, so
 * that at most one block is live at a time and the event count is exact: 2 048 events per cycle.
 * The bounded-memory tests replay gigabytes of it (docs/testing.md).
 */
final class GeneratedTrace extends InputStream {
  /** Events (= lines) per cycle. */
  static final int CYCLE_EVENTS = 2048;
  private static final byte[] CYCLE = cycle();
  private final long cycles;
  private long cycle;
  private int pos;

  /** A stream of {@code cycles} cycles: {@code cycles * bytesPerCycle()} bytes. */
  GeneratedTrace(long cycles) {
    this.cycles = cycles;
  }

  static int bytesPerCycle() {
    return CYCLE.length;
  }

  /** Enough cycles for at least {@code bytes} bytes. */
  static long cyclesFor(long bytes) {
    return (bytes + CYCLE.length - 1) / CYCLE.length;
  }

  private static byte[] cycle() {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < CYCLE_EVENTS / 2; k++) {
      long pfn = 0x100000 + k;
      int cpu = k & 3;
      sb.append(String.format(Locale.ROOT, "            perf  6291 [%03d]   298.%06d:         kmem:mm_page_alloc: "
          + "page=0x%x pfn=0x%x order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_ZERO\n", cpu, k, pfn, pfn));
      sb.append(String.format(Locale.ROOT, "            perf  6291 [%03d]   298.%06d:          kmem:mm_page_free: "
          + "page=0x%x pfn=0x%x order=0\n", cpu, k, pfn, pfn));
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public int read() {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (cycle >= cycles) {
      return -1;
    }
    int n = Math.min(len, CYCLE.length - pos);
    System.arraycopy(CYCLE, pos, b, off, n);
    pos += n;
    if (pos == CYCLE.length) {
      pos = 0;
      cycle++;
    }
    return n;
  }
}
