package io.asisim.api.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.SettlingTlbVisitor;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.Mapper;
import java.util.Arrays;

/**
 * The leak-exposure rule, the one definition the engine's checker and the mapper scenario tests
 * share (docs/checker.md): a (cpu, frame) pair is exposed at an instant when a translation usable
 * while restricted reaches a sensitive frame that the task running on that CPU has no logical
 * access to. Two sources are scanned: every CPU's TLB ({@link TlbOps#forEachRestrictedEntry},
 * entries of the loaded mm's ASID and global ones — entries of another ASID are unreachable until
 * that mm is loaded again, by a task that then runs), and the restricted page tables of each CPU's
 * loaded mm at every live alias the mapper holds (a live alias is reachable by a page walk on any
 * CPU whose address space contains it). Aliases a mapper lists as unmapped but pending are not
 * counted on their own: their PTE is gone, so only a TLB entry can reach them, which the TLB scan
 * sees exactly. The kernel decides sensitivity and logical access; this class asks it through
 * {@link Access}. Reuse one instance: a scan allocates only when its result buffer must grow.
 */
public final class ExposureScan {
  /** What only the kernel knows. */
  public interface Access {
    /** Whether frame {@code pfn} holds sensitive data now. */
    boolean isSensitive(long pfn);

    /**
     * A count that moves whenever any frame's sensitivity changes, or -1 (the default) when unknown:
     * then entries of nonsensitive frames are re-read at every scan, as they may turn sensitive.
     */
    default long sensitivityChanges() {
      return -1;
    }

    /** Whether any frame of {@code [pfn, pfn + n)} is sensitive now; by default frame by frame. */
    default boolean anySensitive(long pfn, long n) {
      for (long f = pfn; f < pfn + n; f++) {
        if (isSensitive(f)) {
          return true;
        }
      }
      return false;
    }

    /** Whether the task running on {@code cpu} may legitimately read {@code pfn} now. */
    boolean hasAccess(int cpu, long pfn);

    /**
     * Whether {@code cpu} runs a task at all; an idle CPU runs no attacker, so nothing is exposed
     * on it and the scan skips it. By default every CPU is scanned.
     */
    default boolean runsTask(int cpu) {
      return true;
    }

    /** An id of the task running on {@code cpu} (its pid), or {@code -1} when not known. */
    default int runningTask(int cpu) {
      return -1;
    }

    /**
     * How many losses of logical access the task running on {@code cpu} has had so far (a count
     * that only grows), or {@code -1} when the kernel does not count them. While the task and its
     * count are unchanged, an entry found readable by it stays readable, so the scan settles it
     * ({@link TlbOps#forEachUnsettledRestrictedEntry}) and checks it again only when it is
     * refilled. By default {@code -1}: every entry is checked at every scan.
     */
    default long accessLosses(int cpu) {
      return -1;
    }

    /**
     * The frames of that task's losses number {@code since} .. {@link #accessLosses} - 1, copied
     * into {@code buf}; returns how many, or {@code -1} when they cannot all be listed (then every
     * entry is checked again). By default {@code -1}.
     */
    default int lostFramesSince(int cpu, long since, long[] buf) {
      return -1;
    }
  }

  private final Machine machine;
  private final Mapper mapper;
  private final Access access;
  private final TlbVisitor tlbVisitor = this::tlbEntry;
  private final SettlingTlbVisitor settlingVisitor = this::tlbEntry;
  private final AliasVisitor aliasVisitor = this::alias;
  private final long[] loadedMm;
  /**
   * Per CPU, what its settled entries were checked under: the task, the loaded mm and the task's
   * loss count ({@code -1}: nothing settled yet).
   */
  private final int[] settledTask;
  private final long[] settledMm;
  private final long[] settledLosses;
  /** Lost frames listed per scan and CPU; more than this many and the CPU is checked whole. */
  private final long[] lostBuf = new long[64];
  private long[] found = new long[16];
  private int n;
  /**
   * Per 2 MiB block, the scan number in which the block was found to hold no sensitive frame: a
   * 2 MiB entry (the restricted direct map's) sits in many CPUs' TLBs, and its 512 frames need be
   * classified once per scan. The scan only reads state, so the answer holds for the whole scan.
   */
  private final int[] cleanInScan;
  private int scanNo;
  /** {@link Access#sensitivityChanges()} at the previous scan. */
  private long lastSensChanges = Long.MIN_VALUE;
  /** Whether this scan may settle entries of nonsensitive frames (the count is known). */
  private boolean settleNonsensitive;

  /**
   * @param machine the machine whose TLBs and page tables are scanned
   * @param mapper the mapper whose live aliases are checked in the page tables ({@link #scan()})
   * @param access the kernel's sensitivity and logical-access answers
   */
  public ExposureScan(Machine machine, Mapper mapper, Access access) {
    this.machine = machine;
    this.mapper = mapper;
    this.access = access;
    this.loadedMm = new long[machine.nrCpus()];
    this.settledTask = new int[machine.nrCpus()];
    this.settledMm = new long[machine.nrCpus()];
    this.settledLosses = new long[machine.nrCpus()];
    Arrays.fill(settledLosses, -1);
    long blocks = (machine.nrFrames() >>> 9) + 1;
    this.cleanInScan = new int[blocks <= (1 << 22) ? (int) blocks : 0]; // 8 TiB and up: no marks
  }

  /** A scan whose mapper is given per call ({@link #scan(Mapper)}). */
  public ExposureScan(Machine machine, Access access) {
    this(machine, null, access);
  }

  /** Scans every CPU with the constructor's mapper; returns the number of distinct exposed pairs. */
  public int scan() {
    return scan(mapper);
  }

  /**
   * Scans every CPU; {@code aliases} may be null (no mapper built yet: TLBs only). Returns the
   * number of distinct exposed (cpu, frame) pairs.
   */
  public int scan(Mapper aliases) {
    return scan(aliases == null ? java.util.List.of() : java.util.List.of(aliases));
  }

  /**
   * Scans every CPU with the aliases of every mapper in {@code mappers} (a kernel with a mapper per
   * access site holds several). Returns the number of distinct exposed (cpu, frame) pairs.
   */
  public int scan(java.util.List<Mapper> mappers) {
    n = 0;
    if (++scanNo == 0) { // wrapped: forget every block's mark
      Arrays.fill(cleanInScan, 0);
      scanNo = 1;
    }
    AddressSpaces as = machine.addressSpaces();
    TlbOps tlb = machine.tlb();
    long sensChanges = access.sensitivityChanges();
    if (sensChanges != lastSensChanges) {
      // a frame may have turned sensitive: every entry settled for its nonsensitive frames goes
      for (int cpu = 0; cpu < loadedMm.length; cpu++) {
        tlb.unsettle(cpu);
      }
    }
    lastSensChanges = sensChanges;
    settleNonsensitive = sensChanges >= 0;
    for (int cpu = 0; cpu < loadedMm.length; cpu++) {
      loadedMm[cpu] = as.loadedMm(cpu);
      if (!access.runsTask(cpu)) {
        continue; // settled entries stay so: the next scan compares the task and its losses
      }
      int task = access.runningTask(cpu);
      long losses = access.accessLosses(cpu);
      if (task < 0 || losses < 0) {
        tlb.forEachRestrictedEntry(cpu, tlbVisitor); // touches no settle marks
        continue;
      }
      unsettleChanged(tlb, cpu, task, losses);
      tlb.forEachUnsettledRestrictedEntry(cpu, settlingVisitor);
    }
    if (machine.asi().enabled()) {
      for (int i = 0; i < mappers.size(); i++) {
        mappers.get(i).forEachAlias(aliasVisitor);
      }
    }
    Arrays.sort(found, 0, n);
    int w = 0;
    for (int i = 0; i < n; i++) {
      if (w == 0 || found[w - 1] != found[i]) {
        found[w++] = found[i];
      }
    }
    n = w;
    return n;
  }

  /**
   * Unsettles what may have turned since the CPU's last scan: everything when another task or mm
   * is there, or when the task's losses cannot be listed; else only the entries of the lost frames.
   */
  private void unsettleChanged(TlbOps tlb, int cpu, int task, long losses) {
    long since = settledLosses[cpu];
    if (since < 0 || task != settledTask[cpu] || loadedMm[cpu] != settledMm[cpu]) {
      tlb.unsettle(cpu);
    } else if (losses != since) {
      int lost = access.lostFramesSince(cpu, since, lostBuf);
      if (lost < 0) {
        tlb.unsettle(cpu);
      } else if (lost > 0) {
        Arrays.sort(lostBuf, 0, lost);
        tlb.unsettleFrames(cpu, lostBuf, lost);
      }
    }
    settledTask[cpu] = task;
    settledMm[cpu] = loadedMm[cpu];
    settledLosses[cpu] = losses;
  }

  /**
   * Checks one entry; the answer is whether it may be settled: a 4 KiB entry of the loaded mm (or
   * global) whose sensitive frame the running task may read. Such an entry cannot become exposed
   * while the same task runs with the same loss count ({@link Access#accessLosses}). Entries of other
   * ASIDs are settled too (the next load of their mm unsettles the CPU); a non-sensitive 4 KiB frame
   * and a 2 MiB leaf over no sensitive frame are settled until some frame's sensitivity changes
   * (when the {@link Access} counts changes); other larger leaves are never settled.
   */
  private boolean tlbEntry(int cpu, long mm, long va, long pfn, int pageShift) {
    if (mm != loadedMm[cpu] && mm != TlbOps.ALL_MM) {
      // another ASID: unreachable until that mm is loaded again (and then flushed if stale); the
      // load changes the loaded mm, which unsettles the CPU before the entry could count
      return true;
    }
    long frames = pageShift == 30 ? 1 : 1L << (pageShift - 12); // 1 GiB leaves are never restricted-visible data
    if (frames == 1) {
      if (!access.isSensitive(pfn)) {
        return settleNonsensitive; // stays unexposed until some frame's sensitivity changes
      }
      if (access.hasAccess(cpu, pfn)) {
        return true;
      }
      add(cpu, pfn);
      return false;
    }
    if (frames == 512 && (pfn & 511) == 0 && (pfn >>> 9) < cleanInScan.length) {
      int block = (int) (pfn >>> 9);
      if (cleanInScan[block] == scanNo) {
        return settleNonsensitive;
      }
      if (noneSensitive(pfn, frames)) {
        cleanInScan[block] = scanNo;
        return settleNonsensitive;
      }
    }
    for (long f = pfn; f < pfn + frames; f++) {
      if (access.isSensitive(f) && !access.hasAccess(cpu, f)) {
        add(cpu, f);
      }
    }
    return false;
  }

  private boolean noneSensitive(long pfn, long frames) {
    return !access.anySensitive(pfn, frames);
  }

  /** A live alias is reachable by a page walk from every CPU whose loaded restricted tables map it. */
  private void alias(int aliasCpu, long mm, long va, long pfn, boolean live) {
    if (!live || !access.isSensitive(pfn)) {
      return; // an unmapped alias is reachable only through a TLB entry, which the TLB scan sees
    }
    AddressSpaces as = machine.addressSpaces();
    for (int c = 0; c < loadedMm.length; c++) {
      if (loadedMm[c] != AddressSpaces.INIT_MM && access.runsTask(c) && as.translate(loadedMm[c], true, va) == pfn
          && !access.hasAccess(c, pfn)) {
        add(c, pfn);
      }
    }
  }

  private void add(int cpu, long pfn) {
    if (n == found.length) {
      found = Arrays.copyOf(found, n * 2);
    }
    found[n++] = ((long) cpu << 48) | pfn;
  }

  /** Number of exposures found by the last {@link #scan}. */
  public int size() {
    return n;
  }

  /** CPU of exposure {@code i} (ordered by cpu, then frame). */
  public int cpu(int i) {
    return (int) (found[i] >>> 48);
  }

  /** Frame of exposure {@code i}. */
  public long pfn(int i) {
    return found[i] & ((1L << 48) - 1);
  }

  /** Whether the last scan found ({@code cpu}, {@code pfn}) exposed. */
  public boolean isExposed(int cpu, long pfn) {
    return Arrays.binarySearch(found, 0, n, ((long) cpu << 48) | pfn) >= 0;
  }

  /** The last scan's exposures as {@code "cpu:pfn"} strings, for test messages and logs. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ", ").append(cpu(i)).append(':').append(pfn(i));
    }
    return sb.append(']').toString();
  }
}
