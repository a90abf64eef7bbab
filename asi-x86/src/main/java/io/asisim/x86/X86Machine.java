package io.asisim.x86;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.TablePageSource;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Metrics;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated x86-64 machine: CPUs with cycle clocks, physical frames (a zeroed-frame bitset;
 * the page allocator owns the rest of the per-frame state), 4-level page tables, per-CPU
 * PCID-tagged TLBs and the ASI core. Construct it directly, no injector needed:
 * {@code new X86Machine(config, profile, metrics, X86Options.DEFAULT)}.
 *
 * <p>Boot ({@code setup_arch()} / {@code init_mem_mapping()}), placed as x86 places it: the first
 * 1 MiB is reserved ({@code reserve_real_mode()}, arch/x86/realmode/init.c: "Unconditionally
 * reserve the entire first 1M"), the kernel image sits at {@code CONFIG_PHYSICAL_START} (16 MiB,
 * the arch/x86/Kconfig default, KASLR off), the boot page tables are taken from the frames after
 * it (the image's brk area, {@code alloc_low_pages()}), then {@link X86Options#spareTablePages()}
 * more frames are held back for page tables needed before {@link #setTablePageSource} is called.
 * These are the {@link #bootReservation()} ranges; everything else (1 MiB to 16 MiB included)
 * goes to the page allocator. CPUs boot
 * with {@code init_mm} loaded and ASI exited.
 *
 * <p>Parts, each sharing the per-CPU {@link CpuTlbState} ({@code cpu_tlbstate}) rather than
 * calling back into the machine: {@link DirectMap} (kernel half, set_memory.c),
 * {@link X86AddressSpaces} (per-mm tables), {@link MmContexts} (mm ids), {@link X86Cr3}
 * (CR3/ASIDs, {@code switch_mm_irqs_off()}), {@link X86Mmu} (access path, #PF exit),
 * {@link X86TlbOps} (flushes) and {@link X86Asi} (asi.c).
 */
public final class X86Machine implements Machine {
  private static final Logger LOG = LoggerFactory.getLogger(X86Machine.class);

  private final MachineConfig config;
  private final CpuProfile profile;
  private final X86Options options;
  private final Costs costs;
  private final KvmGuest guest;
  private final MachineCounters counters;
  private final long nrFrames;
  private final CpuClocks clocks;
  private final CpuTlbState tlbState;
  private final ZeroedFrames zeroed;
  private final PageTables pageTables;
  private final DirectMap directMap;
  private final X86AddressSpaces addressSpaces;
  private final X86TlbOps tlbOps;
  private final X86Asi asi;
  private final Tlb tlb;
  private final WorkingSets workingSets;

  /** {@code reserve_real_mode()}: the first 1 MiB, in frames. */
  static final long LOW_RESERVED_FRAMES = (1L << 20) >>> 12;
  /** {@code CONFIG_PHYSICAL_START} (arch/x86/Kconfig default 0x1000000), in frames. */
  static final long PHYSICAL_START_FRAMES = (16L << 20) >>> 12;

  /** First frame of the boot page tables (the end of the image). */
  private final long tablesStart;
  private long bootNext;
  private boolean booting = true;
  private long[] spare = new long[0];
  /** The checker's log of restricted-map changes ({@link #logChanges}), or null. */
  private ChangeLog changeLog;
  private int nSpare;
  private final long bootReserved;
  private TablePageSource tableSource;

  /**
   * Boots a machine.
   *
   * @param config memory size, CPUs, whether ASI is on
   * @param profile the CPU cost model and TLB geometry
   * @param metrics where this layer's counters go
   * @param options knobs that are not CPU properties
   */
  public X86Machine(MachineConfig config, CpuProfile profile, Metrics metrics, X86Options options) {
    this.config = Objects.requireNonNull(config, "config");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.options = Objects.requireNonNull(options, "options");
    if (options.virt().kvm() && profile.has(io.asisim.api.machine.CpuTrait.MEASURED_IN_GUEST)) {
      throw new IllegalArgumentException("machine.x86.virt=kvm: CPU profile " + profile.name()
          + " was measured inside a guest (measured-in-guest = true), so its costs already contain the VM exits; "
          + "run it with virt=none, or a bare-metal profile with virt=kvm");
    }
    this.costs = new Costs(profile);
    this.counters = new MachineCounters(metrics);
    this.nrFrames = config.frames();
    int n = config.cpus();
    X86AddressSpaces.checkMmLocalFits(n, options.mmLocalSlotsPerCpu());
    clocks = new CpuClocks(n);
    guest = new KvmGuest(options.virt(), profile, clocks, metrics, config.cpus());
    tlbState = new CpuTlbState(n, options.mmLocalSlotsPerCpu());
    zeroed = new ZeroedFrames(nrFrames);
    tablesStart = PHYSICAL_START_FRAMES + (options.kernelImageBytes() >>> 12);
    bootNext = tablesStart;
    if (bootNext >= nrFrames) {
      throw new IllegalArgumentException("a kernel image of " + (options.kernelImageBytes() >> 20)
          + " MiB loaded at 16 MiB does not fit in " + (config.memoryBytes() >> 20) + " MiB of memory");
    }
    pageTables = new PageTables(new PageTables.FrameSource() {
      @Override
      public long alloc(int cpu) {
        return allocTableFrame(cpu);
      }

      @Override
      public void free(int cpu, long pfn) {
        freeTableFrame(cpu, pfn);
      }
    }, counters.pagetablePages);
    boolean asiOn = config.asi();
    tlb = new Tlb(n, profile);
    directMap = new DirectMap(pageTables, nrFrames, clocks, costs, counters, asiOn, options.mirrorPhysmap());
    MmContexts mms = new MmContexts(directMap.kernPgd());
    workingSets = new WorkingSets(tlbState, tlb, clocks, costs, counters, guest, asiOn, options.kernelDataPages(),
        options.kernelTextPages());
    X86Cr3 cr3 = new X86Cr3(tlbState, tlb, mms, clocks, costs, counters, asiOn, workingSets);
    asi = new X86Asi(tlbState, cr3, clocks, costs, counters, metrics, asiOn, options.cr3NoFlush(), workingSets);
    X86Mmu mmu = new X86Mmu(tlbState, tlb, pageTables, mms, cr3, asi, clocks, costs, counters, zeroed, guest);
    tlbOps = new X86TlbOps(tlbState, tlb, cr3, mmu, mms, asi, clocks, costs, counters, guest, asiOn,
        options.singlePageFlushCeiling(), options.cr3NoFlush());
    addressSpaces = new X86AddressSpaces(pageTables, directMap, mms, cr3, tlbState, clocks, costs, asiOn,
        options.mmLocalSlotsPerCpu());
    booting = false;
    spare = new long[options.spareTablePages()];
    for (int i = options.spareTablePages() - 1; i >= 0; i--) {
      spare[nSpare++] = bootNext + i;
    }
    bootReserved = bootNext + options.spareTablePages();
    if (bootReserved >= nrFrames) {
      throw new IllegalArgumentException("boot reservations exceed memory");
    }
    LOG.debug("booted {} MiB, {} cpus, asi={}, profile {}: {} boot table pages, {} frames reserved",
        config.memoryBytes() >> 20, n, config.asi(), profile.name(), pageTables.inUse(), bootReserved);
  }

  private long allocTableFrame(int cpu) {
    if (booting) {
      return bootNext < nrFrames ? bootNext++ : -1;
    }
    if (tableSource != null) {
      return tableSource.allocTablePage(cpu);
    }
    return nSpare > 0 ? spare[--nSpare] : -1;
  }

  private void freeTableFrame(int cpu, long pfn) {
    if (pfn >= tablesStart && pfn < bootReserved) {
      if (nSpare == spare.length) {
        spare = java.util.Arrays.copyOf(spare, Math.max(16, nSpare * 2));
      }
      spare[nSpare++] = pfn;
    } else {
      tableSource.freeTablePage(cpu, pfn);
    }
  }

  /**
   * Bytes held by the machine's large arrays (zeroed-frame bitset, page-table storage, TLBs,
   * per-CPU state): what the simulated memory size and CPU count cost in host heap.
   */
  public long arrayBytes() {
    return zeroed.arrayBytes() + pageTables.arrayBytes() + tlb.arrayBytes() + workingSets.arrayBytes()
        + tlbState.arrayBytes()
        + clocks.nrCpus() * 8L;
  }

  /** The options this machine was built with. */
  public X86Options options() {
    return options;
  }

  // ---- Machine ------------------------------------------------------------------------------

  @Override
  public CpuProfile profile() {
    return profile;
  }

  @Override
  public long cycles(int cpu) {
    return clocks.cycles(cpu);
  }

  @Override
  public void setTablePageSource(TablePageSource source) {
    this.tableSource = Objects.requireNonNull(source, "source");
  }

  @Override
  public AddressSpaces addressSpaces() {
    return addressSpaces;
  }

  @Override
  public TlbOps tlb() {
    return tlbOps;
  }

  @Override
  public AsiOps asi() {
    return asi;
  }

  /**
   * Charges {@code cycles} of user mode plus the refill of the part of the task's working set
   * ({@code dataPages} data, {@code textPages} text translations) no longer resident in the PCID
   * user mode runs in: the restricted PCID of the mm's ASID while ASI is entered
   * ({@code asi_enter_userspace()}), else the unrestricted one, as far as a stretch of {@code cycles}
   * touches it ({@link WorkingSets#CYCLES_PER_DISTINCT_PAGE}). Counted in
   * {@code tlb_refills_user}.
   */
  @Override
  public void runUser(int cpu, long cycles, int dataPages, int textPages) {
    charge(cpu, cycles);
    workingSets.runUser(cpu, cycles, dataPages, textPages);
  }

  /**
   * Refills the kernel footprint ({@link X86Options#kernelDataPages()} data and
   * {@link X86Options#kernelTextPages()} text translations) in the PCID the kernel runs in, if a
   * flush removed it; counted in {@code tlb_refills_kernel}. The machine also does this itself
   * after {@code asi_exit()} and {@code switch_mm_irqs_off()}; repeated calls refill nothing.
   */
  @Override
  public void kernelEntry(int cpu) {
    workingSets.kernelEntry(cpu);
  }

  /** A guest's timer exits ({@link KvmGuest#tick}); nothing on bare metal. */
  @Override
  public void timerInterrupt(int cpu) {
    guest.tick(cpu);
  }

  /** Resident user data translations of (cpu, ASID slot, PCID kind), for tests. */
  int residentUserData(int cpu, int asid, boolean restricted) {
    return workingSets.residentUserData(cpu, asid, restricted);
  }

  @Override
  public boolean isZeroed(long pfn) {
    return zeroed.isZeroed(pfn);
  }

  // ---- ArchPageOps --------------------------------------------------------------------------

  @Override
  public int nrCpus() {
    return clocks.nrCpus();
  }

  @Override
  public long nrFrames() {
    return nrFrames;
  }

  @Override
  public long bootReservedFrames() {
    return LOW_RESERVED_FRAMES + bootReserved - PHYSICAL_START_FRAMES;
  }

  /**
   * The memblock reservations of this boot, as placed in the constructor: the first 1 MiB, the
   * kernel image at 16 MiB, the boot page tables {@code init_mem_mapping()} took after it, then the
   * spare table frames.
   */
  @Override
  public java.util.List<io.asisim.api.machine.PfnRange> bootReservation() {
    long tablesEnd = bootReserved - options.spareTablePages();
    java.util.List<io.asisim.api.machine.PfnRange> r = new java.util.ArrayList<>();
    for (long[] range : new long[][] {{0, LOW_RESERVED_FRAMES}, {PHYSICAL_START_FRAMES, tablesStart},
        {tablesStart, tablesEnd}, {tablesEnd, bootReserved}}) {
      if (range[1] > range[0]) {
        r.add(new io.asisim.api.machine.PfnRange(range[0], range[1]));
      }
    }
    return java.util.List.copyOf(r);
  }

  @Override
  public void charge(int cpu, long c) {
    clocks.charge(cpu, c);
  }

  /** {@code clear_page()} per frame. */
  @Override
  public void clearPages(int cpu, long pfn, long count) {
    checkRange(pfn, count);
    charge(cpu, costs.clearPage * count);
    counters.pagesZeroed.add(count);
    zeroed.cleared(pfn, count);
  }

  @Override
  public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    checkRange(pfn, count);
    if (changeLog != null) {
      changeLog.frames(pfn, count);
      changeLog.translation(TlbOps.ALL_MM, AddressSpaces.directMapVa(pfn), count);
    }
    return directMap.setRestrictedMapped(cpu, pfn, count, present);
  }

  /**
   * Records restricted direct-map changes here and restricted page-table and user PTE writes in
   * {@link X86AddressSpaces}; without ASI only the user PTEs are written of what the log covers.
   */
  @Override
  public boolean logChanges(ChangeLog log) {
    changeLog = log;
    addressSpaces.logChanges(log);
    return true;
  }

  @Override
  public boolean isRestrictedMapped(long pfn) {
    return directMap.isRestrictedMapped(pfn);
  }

  @Override
  public int restrictedPageblockMapped(long pfn) {
    return pfn < 0 || pfn >= nrFrames ? -1 : directMap.restrictedPageblockMapped(pfn);
  }

  @Override
  public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
    checkRange(pfn, count);
    return directMap.setDirectMapped(cpu, pfn, count, present);
  }

  @Override
  public boolean setDirectMapReadOnly(int cpu, long pfn, long count, boolean readOnly) {
    checkRange(pfn, count);
    if (changeLog != null) {
      changeLog.frames(pfn, count); // the restricted map's rights against these frames' changed
      changeLog.translation(TlbOps.ALL_MM, AddressSpaces.directMapVa(pfn), count);
    }
    return directMap.setReadOnly(cpu, pfn, count, readOnly);
  }

  @Override
  public boolean removeMemory(int cpu, long pfn, long count) {
    checkRange(pfn, count);
    if (changeLog != null) {
      changeLog.frames(pfn, count); // the restricted map's rights against these frames changed
      changeLog.translation(TlbOps.ALL_MM, AddressSpaces.directMapVa(pfn), count);
    }
    return directMap.removeMemory(cpu, pfn, count);
  }

  @Override
  public boolean addMemory(int cpu, long pfn, long count) {
    checkRange(pfn, count);
    if (changeLog != null) {
      changeLog.frames(pfn, count);
    }
    return directMap.addMemory(cpu, pfn, count);
  }

  @Override
  public boolean isHotRemoved(long pfn) {
    return pfn >= 0 && pfn < nrFrames && directMap.isHotRemoved(pfn);
  }

  @Override
  public boolean restrictedGrantsWrite(long pfn) {
    return pfn >= 0 && pfn < nrFrames && directMap.restrictedGrantsWrite(pfn);
  }

  @Override
  public boolean isDirectMapped(long pfn) {
    return directMap.isDirectMapped(pfn);
  }

  @Override
  public void flushKernelRange(int cpu, long pfn, long count) {
    tlbOps.flushKernelRange(cpu, AddressSpaces.directMapVa(pfn), count);
  }

  private void checkRange(long pfn, long count) {
    if (pfn < 0 || count < 0 || pfn + count > nrFrames) {
      throw new IllegalArgumentException("frames [" + pfn + ", +" + count + ") outside memory of " + nrFrames);
    }
  }
}
