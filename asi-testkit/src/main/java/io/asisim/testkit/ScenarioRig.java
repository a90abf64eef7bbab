package io.asisim.testkit;

import io.asisim.api.kernel.ExposureScan;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.BumpTablePages;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hand-driven slice of the simulated kernel for mapper and flush-policy contracts: the variant's
 * real machine, mapper and flush policy (built by the engine's Guice wiring from a
 * {@link VariantConfig}), processes that open, {@code read()} and close pages of one tmpfs file,
 * migrate between CPUs and exit, and the leak-exposure scan ({@link ExposureScan}, docs/checker.md).
 *
 * <p>It follows the calls the simulated kernel makes (asi-engine {@code SimKernel}): a read
 * enters the kernel restricted, maps the page-cache frame through the mapper (or touches the
 * direct map and exits ASI when the mapper refuses), copies, unmaps and returns to user
 * ({@code asi_enter}); {@code close()} reports the lost access to the flush policy; exit follows
 * {@code exit_mmap()}: flush the mm, move idle CPUs off it, {@link Mapper#mmExit},
 * {@link FlushPolicy#onMmExit}, destroy. The page allocator is not involved: page tables come from
 * the top of memory and the file's frames are fixed, so a scenario isolates the mapper and the
 * flush policy. A frame is sensitive when it belongs to the file; the task running on a CPU has
 * logical access to it while its process holds it open.
 */
public final class ScenarioRig implements ExposureScan.Access {
  private final Machine machine;
  private final Mapper mapper;
  private final FlushPolicy flush;
  private final Metrics metrics;
  private final ExposureScan scan;
  private final AddressSpaces as;
  private final int site;
  private final long filePfn;
  private final int filePages;
  /** mm to the file pages its process holds open, in creation order for determinism. */
  private final Map<Long, BitSet> open = new TreeMap<>();

  /**
   * Builds the variant's machine, mapper and flush policy.
   *
   * @param config the variant (ASI must be on; its mapper and flush selections are used)
   * @param registry the plugins to build from (see {@link TestVariants#registry})
   * @param filePages pages of the tmpfs file the processes read
   */
  public ScenarioRig(VariantConfig config, PluginRegistry registry, int filePages) {
    if (!config.machine().asi()) {
      throw new IllegalArgumentException("a scenario needs ASI on");
    }
    VariantObjects injector = new VariantObjects(config, registry);
    this.machine = injector.get(Machine.class);
    this.metrics = injector.get(Metrics.class);
    this.as = machine.addressSpaces();
    // page tables from the top of memory down to the half the file stays below; frees ignored (a scenario is short)
    machine.setTablePageSource(BumpTablePages.above(machine, machine.nrFrames() / 2));
    this.flush = injector.get(FlushPolicy.class);
    this.mapper = injector.get(Mapper.class);
    this.site = machine.asi().exitSite("pagecache_read");
    this.filePages = filePages;
    this.filePfn = Math.max(io.asisim.api.machine.PfnRange.endOf(machine.bootReservation()), machine.nrFrames() / 4);
    if (filePfn + filePages > machine.nrFrames() / 2) {
      throw new IllegalArgumentException("file of " + filePages + " pages does not fit");
    }
    this.scan = new ExposureScan(machine, mapper, this);
  }

  /** The machine. */
  public Machine machine() {
    return machine;
  }

  /** The variant's mapper. */
  public Mapper mapper() {
    return mapper;
  }

  /** The variant's flush policy. */
  public FlushPolicy flush() {
    return flush;
  }

  /** The variant's counters. */
  public Metrics metrics() {
    return metrics;
  }

  /** Number of CPUs. */
  public int nrCpus() {
    return machine.nrCpus();
  }

  /** The frame of file page {@code index}. */
  public long filePfn(int index) {
    return filePfn + index;
  }

  /** Pages of the file. */
  public int filePages() {
    return filePages;
  }

  /** A new process ({@code mm_alloc()}); it runs nowhere yet. */
  public long process() {
    long mm = as.mmCreate(0);
    if (mm < 0) {
      throw new IllegalStateException("out of page-table memory");
    }
    open.put(mm, new BitSet(filePages));
    return mm;
  }

  /** The live processes, in creation order. */
  public List<Long> processes() {
    return new ArrayList<>(open.keySet());
  }

  /** The mm loaded on {@code cpu} ({@link AddressSpaces#INIT_MM} when idle). */
  public long running(int cpu) {
    return as.loadedMm(cpu);
  }

  /**
   * The task of {@code mm} runs on {@code cpu} and returns to user: {@code context_switch()}
   * (exit ASI, {@code switch_mm}) when another mm is loaded, then {@code asi_enter}.
   */
  public void run(int cpu, long mm) {
    if (!open.containsKey(mm)) {
      throw new IllegalArgumentException("no process with mm " + mm);
    }
    if (as.loadedMm(cpu) != mm) {
      machine.asi().asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, site);
      as.switchMm(cpu, mm);
    }
    machine.asi().asiEnter(cpu);
  }

  /** {@code open()}: the process of {@code mm} may now read file page {@code index}. */
  public void open(long mm, int index) {
    open.get(mm).set(index);
  }

  /** Whether the process of {@code mm} holds file page {@code index} open. */
  public boolean isOpen(long mm, int index) {
    BitSet s = open.get(mm);
    return s != null && s.get(index);
  }

  /**
   * {@code read()} of file page {@code index} by the task running on {@code cpu}: map through the
   * mapper (or touch the direct map, faulting out of ASI), copy, unmap, return to user.
   *
   * @return the frame the copy actually read (a stale translation shows as a wrong frame)
   */
  public long read(int cpu, int index) {
    long mm = as.loadedMm(cpu);
    if (!isOpen(mm, index)) {
      throw new IllegalStateException("cpu " + cpu + " runs mm " + mm + " which has page " + index + " closed");
    }
    long pfn = filePfn(index);
    long va = mapper.map(cpu, mm, pfn);
    long got;
    if (va == Mapper.NO_ALIAS) {
      got = machine.tlb().access(cpu, AddressSpaces.directMapVa(pfn), false, site);
    } else {
      got = machine.tlb().access(cpu, va, false, site);
      mapper.unmap(cpu, mm, va);
    }
    machine.asi().asiEnter(cpu);
    return got;
  }

  /** {@code close()} by the task running on {@code cpu}: its process loses access to page {@code index}. */
  public void close(int cpu, int index) {
    long mm = as.loadedMm(cpu);
    if (!isOpen(mm, index)) {
      throw new IllegalStateException("mm " + mm + " has page " + index + " closed");
    }
    open.get(mm).clear(index);
    flush.onAccessLost(cpu, mm, filePfn(index));
  }

  /** The process running on {@code cpu} exits ({@code exit_mmap()}), leaving the CPU idle. */
  public void exit(int cpu) {
    long mm = as.loadedMm(cpu);
    if (!open.containsKey(mm)) {
      throw new IllegalStateException("cpu " + cpu + " runs no process");
    }
    open.remove(mm);
    machine.tlb().flushMmRange(cpu, mm, 0, Long.MAX_VALUE >>> 12);
    for (int c = 0; c < machine.nrCpus(); c++) {
      if (as.loadedMm(c) == mm) {
        machine.asi().asiExit(c, AsiExitReason.CONTEXT_SWITCH, site);
        as.switchMm(c, AddressSpaces.INIT_MM);
      }
    }
    mapper.mmExit(cpu, mm);
    flush.onMmExit(cpu, mm);
    as.mmDestroy(cpu, mm);
  }

  /** Scans every CPU; returns the number of exposed (cpu, frame) pairs (see {@link ExposureScan}). */
  public int exposures() {
    return scan.scan();
  }

  /** The last scan's exposures as {@code cpu:pfn} pairs. */
  public String lastExposures() {
    return scan.toString();
  }

  /** Every counter's value, by name, for determinism checks. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    metrics.all().forEach((k, c) -> m.put(k, c.get()));
    return m;
  }

  @Override
  public boolean isSensitive(long pfn) {
    return pfn >= filePfn && pfn < filePfn + filePages;
  }

  @Override
  public boolean hasAccess(int cpu, long pfn) {
    BitSet s = open.get(as.loadedMm(cpu));
    return s != null && isSensitive(pfn) && s.get((int) (pfn - filePfn));
  }
}
