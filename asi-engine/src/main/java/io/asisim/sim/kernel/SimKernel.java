package io.asisim.sim.kernel;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.util.LongLongMap;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated kernel: processes with their mm, a scheduler over the CPUs, a page cache, and the
 * system calls and faults the workloads drive. Every memory touch goes through the machine's TLB
 * model, so a restricted access to a sensitive frame takes the #PF path and exits ASI; every exit
 * is attributed to the kernel path (site) that caused it.
 *
 * <p>What is modelled, and from where:
 * <ul>
 *   <li>ASI: the CPU enters the restricted address space on return to user
 *       ({@code asi_enter_userspace()}), stays there through system calls until kernel code touches
 *       sensitive memory, and exits on {@code context_switch()} as the selected policy says.
 *   <li>Temporary mappings: when kernel code must touch a sensitive frame (page-cache copies,
 *       zeroing, copy-on-write) it asks the selected mapper for an alias and falls back to the
 *       direct map (and so an exit) when it gets none; releasing an alias is reported to the flush
 *       policy, as is every loss of logical access (close, eviction, munmap, exit).
 *   <li>Page cache of files: tmpfs files (never evicted) and disk-backed files whose clean pages a
 *       second-chance reclaim evicts when free memory falls below a low mark. Disk I/O time is not
 *       modelled (only CPU time is).
 *   <li>fork shares anonymous pages copy-on-write ({@code copy_present_pte()} write-protects the
 *       parent and {@code dup_mmap()} flushes it); a write to a shared page copies it
 *       ({@code wp_page_copy()}).
 * </ul>
 * Not modelled: threads (one task per mm), file-backed mmap, swap, dirty writeback, NUMA.
 */
public final class SimKernel implements Kernel {
  /** {@code GFP_HIGHUSER_MOVABLE | __GFP_ZERO}: anonymous faults ({@code vma_alloc_zeroed_movable_folio()}). */
  static final int GFP_ANON = Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_ZERO;
  /** The mapping gfp of tmpfs and regular files: {@code GFP_HIGHUSER_MOVABLE}. */
  static final int GFP_PAGECACHE = Gfp.GFP_HIGHUSER_MOVABLE;
  /** No task on a CPU (idle, lazily keeping the last mm loaded). */
  private static final int IDLE = -1;
  /** SWAP_CLUSTER_MAX: pages reclaimed per round. */
  private static final int RECLAIM_BATCH = 32;
  private static final int MAX_FDS = 64;

  private final Machine machine;
  private final AddressSpaces as;
  private final TlbOps tlb;
  private final AsiOps asi;
  private final CpuProfile profile;
  private final PageAllocator allocator;
  private final Provider<Mapper> mapperProvider;
  private final Provider<FlushPolicy> flushProvider;
  private final Provider<ContextSwitchPolicy> csProvider;
  private final SplittableRandom random;
  private final int nrCpus;
  private final long reclaimLow;

  private Mapper mapper;
  private FlushPolicy flush;
  private ContextSwitchPolicy cs;

  // processes (pid-indexed; pids are reused through a free stack)
  private MmState[] mmOf = new MmState[64];
  private int[] cpuOf = new int[64];
  private int[][] fds = new int[64][];
  private int[] freePids = new int[64];
  private int nrFreePids;
  private int nextPid;

  private final int[] current;
  // first alias access that reached the wrong frame (0 = none), for the checker
  private int badAliasCpu;
  private long badAliasVa;
  private long badAliasWant;
  private long badAliasGot;
  private final PageCache cache = new PageCache();
  /** Frames shared copy-on-write: frame → number of mms mapping it (absent means one). */
  private final LongLongMap sharedCount = new LongLongMap(256);
  /** Frames unmapped but not yet freed: the mmu_gather batch of {@code zap_pte_range()}. */
  private final io.asisim.sim.util.LongList gather = new io.asisim.sim.util.LongList(512);

  private final int siteUser;
  private final int siteReadPagecache;
  private final int siteWritePagecache;
  private final int siteZeroing;
  private final int siteCow;
  private final int siteContextSwitch;
  private final int siteExec;

  private final Counter syscalls;
  private final Counter contextSwitches;
  private final Counter anonFaults;
  private final Counter cowFaults;
  private final Counter forks;
  private final Counter pagecacheMisses;
  private final Counter evictions;
  private final Counter accessLosses;
  private final Counter oomEvents;

  @Inject
  public SimKernel(SimContext ctx, Provider<Mapper> mapper, Provider<FlushPolicy> flush,
      Provider<ContextSwitchPolicy> cs) {
    this.machine = ctx.machine();
    this.as = machine.addressSpaces();
    this.tlb = machine.tlb();
    this.asi = machine.asi();
    this.profile = machine.profile();
    this.allocator = ctx.allocator();
    this.mapperProvider = mapper;
    this.flushProvider = flush;
    this.csProvider = cs;
    this.random = ctx.random("workload");
    this.nrCpus = machine.nrCpus();
    this.reclaimLow = Math.max(allocator.reclaimWatermark(), lowWatermarkPages(machine.nrFrames()));
    this.current = new int[nrCpus];
    Arrays.fill(current, IDLE);
    siteUser = asi.exitSite("user_access");
    siteReadPagecache = asi.exitSite("pagecache_read");
    siteWritePagecache = asi.exitSite("pagecache_write");
    siteZeroing = asi.exitSite("zeroing");
    siteCow = asi.exitSite("cow");
    siteContextSwitch = asi.exitSite("context_switch");
    siteExec = asi.exitSite("exec");
    Metrics m = ctx.metrics();
    syscalls = m.counter(KernelMetrics.SYSCALLS);
    contextSwitches = m.counter(KernelMetrics.CONTEXT_SWITCHES);
    anonFaults = m.counter(KernelMetrics.ANON_FAULTS);
    cowFaults = m.counter(KernelMetrics.COW_FAULTS);
    forks = m.counter(KernelMetrics.FORKS);
    pagecacheMisses = m.counter(KernelMetrics.PAGECACHE_MISSES);
    evictions = m.counter(KernelMetrics.PAGECACHE_EVICTIONS);
    accessLosses = m.counter(KernelMetrics.ACCESS_LOSSES);
    oomEvents = m.counter(KernelMetrics.OOM_EVENTS);
  }

  /**
   * Lower bound of when reclaim starts, for allocators without watermarks: the kernel's default low
   * watermark, {@code min_free_kbytes * 5/4} with
   * {@code min_free_kbytes = sqrt(lowmem_kbytes * 16)} clamped to 128..262144 KiB
   * ({@code calculate_min_free_kbytes()} and {@code __setup_per_zone_wmarks()} with the default
   * {@code watermark_scale_factor}; kswapd's finer per-zone marks are not modelled).
   */
  static long lowWatermarkPages(long frames) {
    long kbytes = frames * 4;
    long minFree = Math.max(128, Math.min(262_144, (long) Math.sqrt((double) kbytes * 16)));
    return (minFree + minFree / 4) / 4;
  }

  // ---- plugins are built on first use, so allocator-only workloads need no mapper/flush plugins

  private Mapper mapper() {
    if (mapper == null) {
      mapper = mapperProvider.get();
    }
    return mapper;
  }

  private FlushPolicy flush() {
    if (flush == null) {
      flush = flushProvider.get();
    }
    return flush;
  }

  private ContextSwitchPolicy cs() {
    if (cs == null) {
      cs = csProvider.get();
    }
    return cs;
  }

  // ---- Kernel: allocator

  @Override
  public int nrCpus() {
    return nrCpus;
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public long allocPages(int cpu, int order, int gfpMask) {
    return allocator.alloc(cpu, order, gfpMask);
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    allocator.free(cpu, pfn, order);
  }

  @Override
  public long freePages() {
    return allocator.freePages();
  }

  @Override
  public long totalPages() {
    return machine.nrFrames();
  }

  @Override
  public long reclaimWatermark() {
    return reclaimLow;
  }

  // ---- processes

  @Override
  public int cpuOf(int pid) {
    checkPid(pid);
    return cpuOf[pid];
  }

  @Override
  public int spawn() {
    int cpu = leastLoadedCpu();
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc();
      return -1;
    }
    int pid = newPid();
    mmOf[pid] = new MmState(mm);
    cpuOf[pid] = cpu;
    fds[pid] = emptyFds();
    machine.charge(cpu, KernelCosts.FORK_BASE + KernelCosts.EXEC_BASE);
    switchTo(cpu, pid);
    if (!setUpBuffer(cpu, pid)) {
      exit(pid);
      return -1;
    }
    returnToUser(cpu);
    return pid;
  }

  @Override
  public int fork(int parent) {
    int cpu = enter(parent);
    forks.inc();
    MmState p = mmOf[parent];
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc();
      returnToUser(cpu);
      return -1;
    }
    int child = newPid();
    MmState c = new MmState(mm);
    c.nextVa = p.nextVa;
    c.bufVa = p.bufVa;
    mmOf[child] = c;
    fds[child] = fds[parent].clone();
    machine.charge(cpu, KernelCosts.FORK_BASE);
    // copy_present_pte(): share every anonymous page read-only, parent and child
    LongLongMap a = p.anon;
    for (int i = 0; i < a.capacity(); i++) {
      if (!a.used(i)) {
        continue;
      }
      long va = a.keyAt(i);
      long pfn = a.valueAt(i) & MmState.PFN_MASK;
      if (!as.mapUser(cpu, mm, va, pfn, false)) {
        oomEvents.inc();
        break;
      }
      c.putAnon(va, pfn);
      if ((a.valueAt(i) & MmState.WRITABLE) != 0) {
        as.mapUser(cpu, p.mm, va, pfn, false);
        p.putAnon(va, pfn);
      }
      long n = sharedCount.get(pfn);
      sharedCount.put(pfn, (n == LongLongMap.ABSENT ? 1 : n) + 1);
      machine.charge(cpu, KernelCosts.FORK_PER_PAGE);
    }
    // dup_mmap() -> flush_tlb_mm(oldmm): write-protected PTEs must not stay writable in any TLB
    tlb.flushMmRange(cpu, p.mm, 0, Long.MAX_VALUE >>> 12);
    cpuOf[child] = leastLoadedCpu();
    returnToUser(cpu);
    return child;
  }

  @Override
  public boolean exec(int pid) {
    int cpu = enter(pid);
    MmState old = mmOf[pid];
    long mm = as.mmCreate(cpu);
    if (mm < 0) {
      oomEvents.inc(); // execve() fails with -ENOMEM before the point of no return: the caller goes on
      returnToUser(cpu);
      return true;
    }
    machine.charge(cpu, KernelCosts.EXEC_BASE);
    // exec_mmap(): the CPU switches to the new mm; the restricted space of the old one goes away
    asi.asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, siteExec);
    as.switchMm(cpu, mm);
    mmOf[pid] = new MmState(mm);
    teardown(cpu, old);
    if (!setUpBuffer(cpu, pid)) {
      exit(pid); // past the point of no return the kernel kills the task (SIGSEGV/SIGKILL)
      return false;
    }
    returnToUser(cpu);
    return true;
  }

  @Override
  public void exit(int pid) {
    int cpu = enter(pid);
    machine.charge(cpu, KernelCosts.EXIT_BASE);
    MmState m = mmOf[pid];
    int[] f = fds[pid];
    for (int fd = 0; fd < f.length; fd++) {
      if (f[fd] >= 0) {
        closeFd(cpu, pid, fd);
      }
    }
    // the CPU goes idle: a switch to the idle task, then off the dying mm
    contextSwitches.inc();
    machine.charge(cpu, KernelCosts.CONTEXT_SWITCH);
    asi.asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, siteContextSwitch);
    as.switchMm(cpu, AddressSpaces.INIT_MM);
    current[cpu] = IDLE;
    teardown(cpu, m);
    mmOf[pid] = null;
    fds[pid] = null;
    freePids[nrFreePids++] = pid;
  }

  @Override
  public void migrate(int pid, int cpu) {
    checkPid(pid);
    if (cpu < 0 || cpu >= nrCpus) {
      throw new IllegalArgumentException("cpu " + cpu + " out of range 0.." + (nrCpus - 1));
    }
    int from = cpuOf[pid];
    if (from == cpu) {
      return;
    }
    if (current[from] == pid) {
      switchToIdle(from);
    }
    cpuOf[pid] = cpu;
  }

  @Override
  public void runKthread(int cpu) {
    int prev = current[cpu];
    long mm = as.loadedMm(cpu);
    // to the kthread (borrowing active_mm) and back: two switches within one mm
    kthreadSwitch(cpu, mm);
    machine.charge(cpu, KernelCosts.KTHREAD_WORK);
    kthreadSwitch(cpu, mm);
    if (prev != IDLE) {
      returnToUser(cpu);
    }
  }

  private void kthreadSwitch(int cpu, long mm) {
    contextSwitches.inc();
    machine.charge(cpu, KernelCosts.CONTEXT_SWITCH);
    if (mm != AddressSpaces.INIT_MM && cs().mustExit(mm, mm)) {
      asi.asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, siteContextSwitch);
    }
  }

  // ---- files

  @Override
  public int createFile(long pages, boolean evictable) {
    return cache.createFile(pages, evictable);
  }

  @Override
  public int open(int pid, int file) {
    if (!cache.exists(file)) {
      throw new IllegalArgumentException("no file " + file);
    }
    int cpu = enter(pid);
    machine.charge(cpu, KernelCosts.OPEN_CLOSE);
    int[] f = fds[pid];
    for (int fd = 0; fd < f.length; fd++) {
      if (f[fd] < 0) {
        f[fd] = file;
        returnToUser(cpu);
        return fd;
      }
    }
    throw new IllegalStateException("pid " + pid + " has " + MAX_FDS + " files open");
  }

  @Override
  public void close(int pid, int fd) {
    int cpu = enter(pid);
    machine.charge(cpu, KernelCosts.OPEN_CLOSE);
    closeFd(cpu, pid, fd);
    returnToUser(cpu);
  }

  private void closeFd(int cpu, int pid, int fd) {
    int file = fileOf(pid, fd);
    fds[pid][fd] = -1;
    if (hasOpen(pid, file)) {
      return; // another descriptor of the same file keeps access
    }
    // the process can no longer read() this file's cached pages
    long mm = mmOf[pid].mm;
    long n = cache.size(file);
    for (long i = 0; i < n; i++) {
      long pfn = cache.peek(file, i);
      if (pfn >= 0) {
        accessLost(cpu, mm, pfn);
      }
    }
  }

  @Override
  public void read(int pid, int fd, long index, int pages) {
    int cpu = enter(pid);
    int file = fileOf(pid, fd);
    MmState m = mmOf[pid];
    long end = Math.min(index + pages, cache.size(file));
    for (long i = index; i < end; i++) {
      machine.charge(cpu, KernelCosts.PAGECACHE_LOOKUP);
      long pfn = cache.lookup(file, i);
      if (pfn < 0 && !cache.evictable(file)) {
        // shmem_file_read_iter() with SGP_READ: a hole reads as ZERO_PAGE (kernel image,
        // nonsensitive), nothing is allocated
        userWrite(cpu, m, m.bufVa);
        machine.charge(cpu, profile.get(Cost.COPY_PAGE));
        continue;
      }
      if (pfn < 0) {
        pfn = fill(cpu, file, i);
        if (pfn < 0) {
          break;
        }
      }
      // copy_page_to_iter(): source is the page-cache page, destination the user buffer
      touchSensitive(cpu, m.mm, pfn, false, siteReadPagecache);
      userWrite(cpu, m, m.bufVa); // copy_to_user() into a buffer still shared after fork faults: CoW
      machine.charge(cpu, profile.get(Cost.COPY_PAGE));
    }
    returnToUser(cpu);
  }

  @Override
  public void write(int pid, int fd, long index, int pages) {
    int cpu = enter(pid);
    int file = fileOf(pid, fd);
    MmState m = mmOf[pid];
    long end = Math.min(index + pages, cache.size(file));
    for (long i = index; i < end; i++) {
      machine.charge(cpu, KernelCosts.PAGECACHE_LOOKUP);
      long pfn = cache.lookup(file, i);
      if (pfn < 0) {
        pfn = allocUser(cpu, GFP_PAGECACHE);
        if (pfn < 0) {
          break;
        }
        pagecacheMisses.inc();
        cache.insert(file, i, pfn);
      }
      // copy_page_from_iter(): user buffer into the page-cache page (a full-page write needs no zeroing)
      userAccess(cpu, m.bufVa, false);
      touchSensitive(cpu, m.mm, pfn, true, siteWritePagecache);
      machine.charge(cpu, profile.get(Cost.COPY_PAGE));
    }
    returnToUser(cpu);
  }

  /**
   * A page-cache miss on a disk file's read ({@code filemap_read()} → readahead): the page is
   * allocated and filled by DMA, which touches no CPU mapping (I/O time is not modelled).
   */
  private long fill(int cpu, int file, long index) {
    long pfn = allocUser(cpu, GFP_PAGECACHE);
    if (pfn < 0) {
      return -1;
    }
    pagecacheMisses.inc();
    cache.insert(file, index, pfn);
    return pfn;
  }

  // ---- anonymous memory

  @Override
  public long mmapAnon(int pid, int pages) {
    int cpu = enter(pid);
    long va = mmOf[pid].take(pages);
    returnToUser(cpu);
    return va;
  }

  @Override
  public void munmap(int pid, long va, int pages) {
    int cpu = enter(pid);
    MmState m = mmOf[pid];
    for (int i = 0; i < pages; i++) {
      long a = va + ((long) i << 12);
      long v = m.removeAnon(a);
      if (v != LongLongMap.ABSENT) {
        as.unmapUser(cpu, m.mm, a);
        dropAnon(cpu, m.mm, v & MmState.PFN_MASK);
      }
    }
    // zap_page_range() + tlb_finish_mmu(): flush the range on every CPU of the mm, then free
    tlb.flushMmRange(cpu, m.mm, va, pages);
    freeGathered(cpu);
    returnToUser(cpu);
  }

  @Override
  public void touch(int pid, long va, boolean write) {
    int cpu = enter(pid);
    MmState m = mmOf[pid];
    long v = m.anon.get(va);
    if (v == LongLongMap.ABSENT) {
      anonFault(cpu, m, va);
    } else if (write && (v & MmState.WRITABLE) == 0) {
      cowFault(cpu, m, va, v & MmState.PFN_MASK);
    } else {
      userAccess(cpu, va, write);
    }
    returnToUser(cpu);
  }

  /** {@code do_anonymous_page()}: a zeroed movable page mapped writable. */
  private void anonFault(int cpu, MmState m, long va) {
    anonFaults.inc();
    machine.charge(cpu, profile.get(Cost.PAGE_FAULT));
    long pfn = allocUser(cpu, GFP_ANON);
    if (pfn < 0) {
      return;
    }
    zeroPage(cpu, m.mm, pfn);
    if (!as.mapUser(cpu, m.mm, va, pfn, true)) {
      allocator.free(cpu, pfn, 0);
      oomEvents.inc();
      return;
    }
    m.putAnon(va, pfn | MmState.WRITABLE);
    userAccess(cpu, va, true);
  }

  /** {@code do_wp_page()}: reuse a page only this mm maps, else {@code wp_page_copy()}. */
  private void cowFault(int cpu, MmState m, long va, long old) {
    machine.charge(cpu, profile.get(Cost.PAGE_FAULT));
    long n = sharedCount.get(old);
    if (n == LongLongMap.ABSENT) {
      // wp_page_reuse(): the last user gets the page writable in place
      as.mapUser(cpu, m.mm, va, old, true);
      m.putAnon(va, old | MmState.WRITABLE);
      tlb.flushOne(cpu, va);
      userAccess(cpu, va, true);
      return;
    }
    cowFaults.inc();
    long pfn = allocUser(cpu, Gfp.GFP_HIGHUSER_MOVABLE);
    if (pfn < 0) {
      return;
    }
    // copy_user_highpage(): source and destination mapped at once (two temporary mappings)
    copyPage(cpu, m.mm, old, pfn);
    as.mapUser(cpu, m.mm, va, pfn, true);
    m.putAnon(va, pfn | MmState.WRITABLE);
    dropShared(old);
    accessLost(cpu, m.mm, old);
    // ptep_clear_flush(): the old translation must leave every CPU of the mm
    tlb.flushMmRange(cpu, m.mm, va, 1);
    userAccess(cpu, va, true);
  }

  private boolean setUpBuffer(int cpu, int pid) {
    MmState m = mmOf[pid];
    m.bufVa = m.take(1);
    anonFault(cpu, m, m.bufVa);
    return m.anon.containsKey(m.bufVa);
  }

  /** Unmaps and drops every anonymous page of a dying mm, flushes it and destroys it. */
  private void teardown(int cpu, MmState m) {
    LongLongMap a = m.anon;
    for (int i = 0; i < a.capacity(); i++) {
      if (a.used(i)) {
        as.unmapUser(cpu, m.mm, a.keyAt(i));
        dropAnon(cpu, m.mm, a.valueAt(i) & MmState.PFN_MASK);
      }
    }
    m.clearAnon();
    // exit_mmap() -> tlb_finish_mmu(): flush the mm wherever it may still be cached, then free
    tlb.flushMmRange(cpu, m.mm, 0, Long.MAX_VALUE >>> 12);
    freeGathered(cpu);
    // CPUs still lazily holding the mm (idle) leave it before it is freed
    for (int c = 0; c < nrCpus; c++) {
      if (as.loadedMm(c) == m.mm) {
        asi.asiExit(c, AsiExitReason.CONTEXT_SWITCH, siteContextSwitch);
        as.switchMm(c, AddressSpaces.INIT_MM);
        if (current[c] != IDLE && mmOf[current[c]] != null && mmOf[current[c]].mm == m.mm) {
          current[c] = IDLE;
        }
      }
    }
    if (asi.enabled()) {
      // per-mm state of the temporary-mapping design (ephmap slots, pending flushes) goes first
      mapper().mmExit(cpu, m.mm);
      flush().onMmExit(cpu, m.mm);
    }
    as.mmDestroy(cpu, m.mm);
  }

  /**
   * Drops the mm's reference to an anonymous frame; the last reference queues the frame in the
   * mmu_gather ({@code tlb_remove_page()}), freed by {@link #freeGathered} after the TLB flush.
   */
  private void dropAnon(int cpu, long mm, long pfn) {
    accessLost(cpu, mm, pfn);
    if (!dropShared(pfn)) {
      gather.add(pfn);
    }
  }

  /** {@code tlb_batch_pages_flush()}: frees the gathered frames, after the flush. */
  private void freeGathered(int cpu) {
    for (int i = 0; i < gather.size(); i++) {
      allocator.free(cpu, gather.get(i), 0);
    }
    gather.clear();
  }

  /** Drops one sharer of a CoW-shared frame; false if it had only one (caller frees it). */
  private boolean dropShared(long pfn) {
    long n = sharedCount.get(pfn);
    if (n == LongLongMap.ABSENT) {
      return false;
    }
    if (n <= 2) {
      sharedCount.remove(pfn);
    } else {
      sharedCount.put(pfn, n - 1);
    }
    return true;
  }

  // ---- memory touches

  /**
   * Kernel code touches a (possibly sensitive) frame: through a temporary alias if the mapper gives
   * one, else through the direct map, which faults and exits ASI while restricted.
   */
  private void touchSensitive(int cpu, long mm, long pfn, boolean write, int site) {
    if (!asi.enabled()) {
      tlb.access(cpu, AddressSpaces.directMapVa(pfn), write, site);
      return;
    }
    Mapper mp = mapper();
    long va = mp.map(cpu, mm, pfn);
    if (va == Mapper.NO_ALIAS) {
      tlb.access(cpu, AddressSpaces.directMapVa(pfn), write, site);
      return;
    }
    aliasAccess(cpu, va, pfn, write, site);
    mp.unmap(cpu, mm, va); // the mapper reports the release to the flush policy
  }

  /**
   * A touch through a temporary alias; a TLB that still holds an older translation of a reused
   * alias address returns another frame than the one just mapped — recorded for the checker.
   */
  private void aliasAccess(int cpu, long va, long pfn, boolean write, int site) {
    long got = tlb.access(cpu, va, write, site);
    if (got != pfn && badAliasVa == 0) {
      badAliasCpu = cpu;
      badAliasVa = va;
      badAliasWant = pfn;
      badAliasGot = got;
    }
  }

  /**
   * The first access through a temporary alias that reached another frame than the alias was made
   * for (a stale TLB entry after a slot was reused without a flush), as a message, or {@code null}.
   * Cleared by the call.
   */
  public String takeAliasMismatch() {
    if (badAliasVa == 0) {
      return null;
    }
    String m = "cpu " + badAliasCpu + " accessed alias va 0x" + Long.toHexString(badAliasVa) + " made for pfn "
        + badAliasWant + " and reached pfn " + badAliasGot + " through a stale TLB entry";
    badAliasVa = 0;
    return m;
  }

  /** {@code clear_user_highpage()} of a newly allocated page. */
  private void zeroPage(int cpu, long mm, long pfn) {
    touchSensitive(cpu, mm, pfn, true, siteZeroing);
    machine.clearPages(cpu, pfn, 1);
  }

  /** {@code copy_user_highpage()}: both pages mapped at the same time. */
  private void copyPage(int cpu, long mm, long src, long dst) {
    if (!asi.enabled()) {
      tlb.access(cpu, AddressSpaces.directMapVa(src), false, siteCow);
      tlb.access(cpu, AddressSpaces.directMapVa(dst), true, siteCow);
    } else {
      Mapper mp = mapper();
      long vs = mp.map(cpu, mm, src);
      long vd = vs == Mapper.NO_ALIAS ? Mapper.NO_ALIAS : mp.map(cpu, mm, dst);
      if (vd == Mapper.NO_ALIAS) {
        if (vs != Mapper.NO_ALIAS) {
          mp.unmap(cpu, mm, vs);
        }
        tlb.access(cpu, AddressSpaces.directMapVa(src), false, siteCow);
        tlb.access(cpu, AddressSpaces.directMapVa(dst), true, siteCow);
      } else {
        aliasAccess(cpu, vs, src, false, siteCow);
        aliasAccess(cpu, vd, dst, true, siteCow);
        mp.unmap(cpu, mm, vd);
        mp.unmap(cpu, mm, vs);
      }
    }
    machine.charge(cpu, profile.get(Cost.COPY_PAGE));
  }

  /** A kernel write to a user page: a write-protected (copy-on-write) page faults and is copied first. */
  private void userWrite(int cpu, MmState m, long va) {
    long v = m.anon.get(va);
    if (v != LongLongMap.ABSENT && (v & MmState.WRITABLE) == 0) {
      cowFault(cpu, m, va, v & MmState.PFN_MASK);
    } else {
      userAccess(cpu, va, true);
    }
  }

  private void userAccess(int cpu, long va, boolean write) {
    tlb.access(cpu, va, write, siteUser);
  }

  private void accessLost(int cpu, long mm, long pfn) {
    accessLosses.inc();
    if (asi.enabled()) {
      flush().onAccessLost(cpu, mm, pfn);
    }
  }

  // ---- allocation with reclaim

  /** An order-0 user/page-cache page, reclaiming clean page cache below the low mark first. */
  private long allocUser(int cpu, int gfp) {
    if (allocator.freePages() < reclaimLow) {
      reclaim(cpu, RECLAIM_BATCH);
    }
    long pfn = allocator.alloc(cpu, 0, gfp);
    if (pfn < 0) {
      reclaim(cpu, RECLAIM_BATCH * 4);
      pfn = allocator.alloc(cpu, 0, gfp);
      if (pfn < 0) {
        oomEvents.inc();
      }
    }
    return pfn;
  }

  /** {@code shrink_folio_list()} on up to {@code nr} clean evictable page-cache pages. */
  private void reclaim(int cpu, int nr) {
    for (int k = 0; k < nr; k++) {
      long code = cache.nextVictim();
      if (code < 0) {
        return;
      }
      int file = PageCache.fileOf(code);
      long pfn = cache.remove(file, PageCache.indexOf(code));
      // every process with the file open loses read() access to this page
      for (int pid = 0; pid < nextPid; pid++) {
        if (mmOf[pid] != null && hasOpen(pid, file)) {
          accessLost(cpu, mmOf[pid].mm, pfn);
        }
      }
      machine.charge(cpu, KernelCosts.RECLAIM_PER_PAGE);
      evictions.inc();
      allocator.free(cpu, pfn, 0);
    }
  }

  // ---- scheduling

  /** Syscall or fault entry for {@code pid}: runs it on its CPU, switching to it if needed. */
  private int enter(int pid) {
    checkPid(pid);
    int cpu = cpuOf[pid];
    if (switchTo(cpu, pid)) {
      // the task was preempted in user mode (or is new from fork/spawn): it resumes through the
      // return to user space, asi_enter_userspace(), before it can make this system call
      returnToUser(cpu);
    }
    syscalls.inc();
    machine.charge(cpu, profile.get(Cost.SYSCALL));
    return cpu;
  }

  /** Return to user space: {@code asi_enter_userspace()}. */
  private void returnToUser(int cpu) {
    asi.asiEnter(cpu);
  }

  /** {@code context_switch()} on {@code cpu} to {@code pid}; false if it was already running there. */
  private boolean switchTo(int cpu, int pid) {
    if (current[cpu] == pid) {
      return false;
    }
    long prevMm = as.loadedMm(cpu);
    long nextMm = mmOf[pid].mm;
    contextSwitches.inc();
    machine.charge(cpu, KernelCosts.CONTEXT_SWITCH);
    // the restricted space belongs to an mm: a change of mm always leaves it
    if (prevMm != AddressSpaces.INIT_MM && (prevMm != nextMm || cs().mustExit(prevMm, nextMm))) {
      asi.asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, siteContextSwitch);
    }
    int prev = current[cpu];
    if (asi.enabled() && prev != IDLE) {
      mapper().schedOut(cpu, prev); // e.g. kmap_local: __kmap_local_sched_out()
    }
    as.switchMm(cpu, nextMm);
    current[cpu] = pid;
    if (asi.enabled()) {
      mapper().schedIn(cpu, pid);
    }
    return true;
  }

  /** The running task leaves {@code cpu} (migration): a switch to idle, mm kept lazily. */
  private void switchToIdle(int cpu) {
    long mm = as.loadedMm(cpu);
    contextSwitches.inc();
    machine.charge(cpu, KernelCosts.CONTEXT_SWITCH);
    if (mm != AddressSpaces.INIT_MM && cs().mustExit(mm, mm)) {
      asi.asiExit(cpu, AsiExitReason.CONTEXT_SWITCH, siteContextSwitch);
    }
    if (asi.enabled() && current[cpu] != IDLE) {
      mapper().schedOut(cpu, current[cpu]);
    }
    current[cpu] = IDLE;
  }

  private int leastLoadedCpu() {
    int best = 0;
    for (int c = 1; c < nrCpus; c++) {
      if (machine.cycles(c) < machine.cycles(best)) {
        best = c;
      }
    }
    return best;
  }

  // ---- bookkeeping

  private int newPid() {
    if (nrFreePids > 0) {
      return freePids[--nrFreePids];
    }
    int pid = nextPid++;
    if (pid == mmOf.length) {
      int n = mmOf.length * 2;
      mmOf = Arrays.copyOf(mmOf, n);
      cpuOf = Arrays.copyOf(cpuOf, n);
      fds = Arrays.copyOf(fds, n);
      freePids = Arrays.copyOf(freePids, n);
    }
    return pid;
  }

  private static int[] emptyFds() {
    int[] f = new int[MAX_FDS];
    Arrays.fill(f, -1);
    return f;
  }

  private void checkPid(int pid) {
    if (pid < 0 || pid >= nextPid || mmOf[pid] == null) {
      throw new IllegalArgumentException("no process " + pid);
    }
  }

  private int fileOf(int pid, int fd) {
    if (fd < 0 || fd >= MAX_FDS || fds[pid][fd] < 0) {
      throw new IllegalArgumentException("pid " + pid + " has no fd " + fd);
    }
    return fds[pid][fd];
  }

  private boolean hasOpen(int pid, int file) {
    for (int f : fds[pid]) {
      if (f == file) {
        return true;
      }
    }
    return false;
  }

  /** The pid running on {@code cpu}, or -1 when idle. */
  public int currentPid(int cpu) {
    return current[cpu];
  }

  /**
   * Whether process {@code pid} could legitimately {@code read()} frame {@code pfn} right now
   * (DESIGN §2.4 "logical access"): the frame caches a page of a file the process has open, or is
   * an anonymous page mapped in its mm (shared copy-on-write pages count for every sharer). For the
   * checker; allocation-free, O(open files).
   */
  public boolean hasLogicalAccess(int pid, long pfn) {
    if (pid < 0 || pid >= nextPid || mmOf[pid] == null) {
      return false;
    }
    if (mmOf[pid].mapsAnon(pfn)) {
      return true;
    }
    long code = cache.ownerOf(pfn);
    return code != LongLongMap.ABSENT && hasOpen(pid, PageCache.fileOf(code));
  }

  /** The mapper if the kernel has built it (a run that never touched sensitive memory has none), else null. */
  public Mapper mapperIfBuilt() {
    return mapper;
  }

  /** The flush policy if the kernel has built it, else null. */
  public FlushPolicy flushIfBuilt() {
    return flush;
  }
}
