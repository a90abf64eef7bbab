package io.asisim.bench.mapper;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Metrics;
import io.asisim.ephmap.EphmapMapper;
import io.asisim.ephmap.ExitMapper;
import io.asisim.ephmap.KmapLocalMapper;
import io.asisim.ephmap.MermapMapper;
import io.asisim.ephmap.VmallocMapper;
import io.asisim.fixtures.BumpTablePages;
import io.asisim.policies.flush.LocalFlushPolicy;
import io.asisim.policies.flush.PreciseFlushPolicy;
import io.asisim.x86.X86Machine;
import io.asisim.x86.X86Options;
import io.asisim.x86.profile.SapphireRapidsProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Host cost of one page-cache-read step through each mapper: map a sensitive frame, read it while
 * restricted, unmap (for {@code exit}: the faulting direct-map read, the exit, and the return to
 * user that re-enters). Frames rotate over 256 so TLB fills and misses both happen. 2 CPUs, ASI on,
 * Sapphire Rapids costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MapperBench {
  private static final long FIRST = 12000;

  @Param({"exit", "ephmap", "kmap-local", "vmalloc", "mermap"})
  public String mapper;

  @Param({"local", "precise"})
  public String flush;

  private Machine m;
  private Mapper map;
  private long mm;
  private int site;
  private long i;

  @Setup(Level.Trial)
  public void setup() {
    X86Machine x = new X86Machine(new MachineConfig(64L << 20, 2, true), new SapphireRapidsProfile().defaults(),
        new Metrics(), X86Options.DEFAULT);
    m = x;
    m.setTablePageSource(BumpTablePages.aboveBootReservation(m));
    Metrics metrics = new Metrics();
    FlushPolicy f = flush.equals("local") ? new LocalFlushPolicy(m.tlb(), 2, false) : new PreciseFlushPolicy(m.tlb(), 2);
    switch (mapper) {
      case "exit": map = new ExitMapper(); break;
      case "ephmap": map = new EphmapMapper(m.addressSpaces(), f, metrics, 2, 1); break;
      case "kmap-local": map = new KmapLocalMapper(m.addressSpaces(), f, metrics, 2); break;
      case "vmalloc": map = new VmallocMapper(m.addressSpaces(), m.tlb(), m, f, metrics, 2, 32L << 20, 40, 6); break;
      case "mermap": map = new MermapMapper(m.addressSpaces(), m.tlb(), f, metrics, 2, 512, 4); break;
      default: throw new IllegalArgumentException(mapper);
    }
    site = m.asi().exitSite("pagecache_read");
    mm = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, mm);
    m.asi().asiEnter(0);
  }

  @Benchmark
  public long mapAccessUnmap() {
    long pfn = FIRST + (i++ & 255);
    long va = map.map(0, mm, pfn);
    if (va == Mapper.NO_ALIAS) {
      long got = m.tlb().access(0, AddressSpaces.directMapVa(pfn), false, site);
      m.asi().asiEnter(0); // return to user
      return got;
    }
    long got = m.tlb().access(0, va, false, site);
    map.unmap(0, mm, va);
    return got;
  }

}
