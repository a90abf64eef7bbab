package io.asisim.bench.x86;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.x86.X86Machine;
import io.asisim.x86.X86Options;
import io.asisim.x86.profile.SapphireRapidsProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the host heap a simulated machine costs per simulated 4 KiB frame, at 64 GiB and
 * 1 TiB with ASI on and 8 CPUs: used heap after GC with the machine alive minus before.
 * Run: {@code java -Xmx4g -cp asi-bench/target/benchmarks.jar io.asisim.bench.x86.MachineFootprint}.
 */
public final class MachineFootprint {
  private static final Logger LOG = LoggerFactory.getLogger(MachineFootprint.class);

  private MachineFootprint() {}

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int k = 0; k < 4; k++) {
      System.gc();
      Thread.sleep(50);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Boots machines of 64 GiB and 1 TiB and logs heap bytes per frame. */
  public static void main(String[] args) throws InterruptedException {
    for (long bytes : new long[] {64L << 30, 1L << 40}) {
      long before = usedAfterGc();
      X86Machine m = new X86Machine(new MachineConfig(bytes, 8, true), new SapphireRapidsProfile().defaults(),
          new Metrics(), X86Options.DEFAULT);
      long after = usedAfterGc();
      double perFrame = (after - before) / (double) m.nrFrames();
      LOG.info("{} GiB: {} frames, heap delta {} bytes ({} bytes/frame), machine arrays {} bytes",
          bytes >> 30, m.nrFrames(), after - before, String.format("%.4f", perFrame), m.arrayBytes());
    }
  }
}
