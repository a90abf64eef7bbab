package io.asisim.bench.x86;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.BumpTablePages;
import io.asisim.x86.X86Machine;
import io.asisim.x86.X86Options;
import io.asisim.x86.profile.SapphireRapidsProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Host cost of the simulated TLB: a lookup that hits, an access that misses and walks the page
 * tables (working set far above the STLB), and a shootdown of one page to three CPUs.
 * Run: {@code java -jar asi-bench/target/benchmarks.jar 'x86.TlbBench' -f 1 -wi 2 -i 3 -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlbBench {
  private static final long USER = 0x10_0000_0000L;
  private static final int HOT = 8;
  private static final int COLD = 1 << 16; // 64 Ki pages vs a 2048-entry STLB: every access misses

  private X86Machine m;
  private long mm;
  private int i;
  private final CpuMask three = CpuMask.of(1, 2, 3);

  @Setup
  public void setUp() {
    m = new X86Machine(new MachineConfig(4L << 30, 4, true), new SapphireRapidsProfile().defaults(),
        new Metrics(), X86Options.DEFAULT);
    m.setTablePageSource(BumpTablePages.aboveBootReservation(m));
    AddressSpaces as = m.addressSpaces();
    mm = as.mmCreate(0);
    for (int p = 0; p < COLD; p++) {
      as.mapUser(0, mm, USER + ((long) p << 12), 100_000 + p, true);
    }
    for (int c = 0; c < 4; c++) {
      as.switchMm(c, mm);
    }
    m.asi().asiEnter(0);
  }

  /** A TLB hit (restricted PCID, 4K entry). */
  @Benchmark
  public long lookupHit() {
    i = (i + 1) & (HOT - 1);
    return m.tlb().access(0, USER + ((long) i << 12), false, 0);
  }

  /** A TLB miss: a 4-level page walk and a fill with LRU replacement. */
  @Benchmark
  public long walkMiss() {
    i = (i + 1) & (COLD - 1);
    return m.tlb().access(0, USER + ((long) i << 12), false, 0);
  }

  /** flush_tlb_multi() of one page to 3 CPUs running the mm (3 IPIs). */
  @Benchmark
  public long shootdown() {
    i = (i + 1) & (HOT - 1);
    m.tlb().shootdown(0, three, mm, USER + ((long) i << 12), 1);
    return m.cycles(0);
  }
}
