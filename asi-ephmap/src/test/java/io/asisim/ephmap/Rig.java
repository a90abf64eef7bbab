package io.asisim.ephmap;

import io.asisim.api.kernel.ExposureScan;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.BumpTablePages;
import io.asisim.policies.flush.EagerGlobalFlushPolicy;
import io.asisim.policies.flush.LocalFlushPolicy;
import io.asisim.policies.flush.MmGlobalFlushPolicy;
import io.asisim.policies.flush.PreciseFlushPolicy;
import io.asisim.x86.X86Machine;
import io.asisim.x86.X86Options;
import io.asisim.x86.profile.SapphireRapidsProfile;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A small ASI machine (64 MiB, Sapphire Rapids costs) with a bump table-page source from the top
 * of memory, a flush policy chosen by name, and a toy "kernel" view of logical access: which
 * frames each mm's process may read. Frames from {@link #FILE_PFN} up are sensitive page-cache
 * pages, absent from the restricted direct map.
 */
final class Rig implements ExposureScan.Access {
  static final long FILE_PFN = 12000;

  final Metrics metrics = new Metrics();
  /** Typed as the API interface: X86Machine's own accessors return package-private types. */
  final io.asisim.api.machine.Machine m;
  final FlushPolicy flush;
  final int site;
  private final Map<Long, Set<Long>> open = new HashMap<>();

  Rig(int cpus, String policy) {
    X86Machine x86 = new X86Machine(new MachineConfig(64L << 20, cpus, true), new SapphireRapidsProfile().defaults(), metrics,
        X86Options.DEFAULT);
    m = x86;
    m.setTablePageSource(BumpTablePages.aboveBootReservation(m));
    flush = policy(policy, cpus);
    site = m.asi().exitSite("pagecache_read");
  }

  private FlushPolicy policy(String name, int cpus) {
    switch (name) {
      case "local": return new LocalFlushPolicy(m.tlb(), cpus, false);
      case "local-at-release": return new LocalFlushPolicy(m.tlb(), cpus, true);
      case "mm-global": return new MmGlobalFlushPolicy(m.tlb(), cpus);
      case "precise": return new PreciseFlushPolicy(m.tlb(), cpus);
      case "eager-global": return new EagerGlobalFlushPolicy(m.tlb(), cpus);
      default: throw new IllegalArgumentException(name);
    }
  }

  /** A process: a new mm. */
  long process() {
    long mm = m.addressSpaces().mmCreate(0);
    open.put(mm, new HashSet<>());
    return mm;
  }

  /** The task of {@code mm} starts running on {@code cpu} and returns to user (restricted). */
  void run(int cpu, long mm) {
    m.asi().asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, site);
    m.addressSpaces().switchMm(cpu, mm);
    m.asi().asiEnter(cpu);
  }

  void openFile(long mm, long pfn) {
    open.get(mm).add(pfn);
  }

  /** close(): the process loses logical access; the kernel tells the flush policy on {@code cpu}. */
  void closeFile(int cpu, long mm, long pfn) {
    open.get(mm).remove(pfn);
    flush.onAccessLost(cpu, mm, pfn);
  }

  /** A page-cache read of {@code pfn} on {@code cpu} through {@code mapper}; returns the frame the copy read. */
  long read(io.asisim.api.mapper.Mapper mapper, int cpu, long mm, long pfn) {
    long va = mapper.map(cpu, mm, pfn);
    long got = va == io.asisim.api.mapper.Mapper.NO_ALIAS
        ? m.tlb().access(cpu, io.asisim.api.machine.AddressSpaces.directMapVa(pfn), false, site)
        : m.tlb().access(cpu, va, false, site);
    if (va != io.asisim.api.mapper.Mapper.NO_ALIAS) {
      mapper.unmap(cpu, mm, va);
    }
    return got;
  }

  long ipis() {
    return metrics.get("tlb_shootdown_ipis");
  }

  @Override
  public boolean isSensitive(long pfn) {
    return pfn >= FILE_PFN && pfn < FILE_PFN + 4096;
  }

  /** The address space loaded on the CPU decides: the restricted space belongs to that mm's process. */
  @Override
  public boolean hasAccess(int cpu, long pfn) {
    Set<Long> s = open.get(m.addressSpaces().loadedMm(cpu));
    return s != null && s.contains(pfn);
  }
}
