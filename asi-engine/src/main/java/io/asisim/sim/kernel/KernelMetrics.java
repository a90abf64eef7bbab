package io.asisim.sim.kernel;

import static io.asisim.api.metrics.Better.LOWER;
import static io.asisim.api.metrics.Better.NEITHER;

import io.asisim.api.metrics.MetricDescriptor;
import java.util.List;

/** Metrics of the simulated kernel beyond the standard ones ({@code StandardMetrics}). */
public final class KernelMetrics {
  private KernelMetrics() {}

  public static final MetricDescriptor SYSCALLS = new MetricDescriptor("syscalls", "count", NEITHER,
      "system calls executed");
  public static final MetricDescriptor CONTEXT_SWITCHES = new MetricDescriptor("context_switches", "count", NEITHER,
      "context switches (including to and from kernel threads)");
  public static final MetricDescriptor ANON_FAULTS = new MetricDescriptor("anon_faults", "count", NEITHER,
      "anonymous page faults (allocate + zero)");
  public static final MetricDescriptor COW_FAULTS = new MetricDescriptor("cow_faults", "count", NEITHER,
      "copy-on-write faults that copied a page");
  public static final MetricDescriptor FILE_FAULTS = new MetricDescriptor("file_faults", "count", NEITHER,
      "read faults on private file mappings that mapped a page-cache page (do_read_fault())");
  public static final MetricDescriptor FORKS = new MetricDescriptor("forks", "count", NEITHER, "fork() calls");
  public static final MetricDescriptor PAGECACHE_MISSES = new MetricDescriptor("pagecache_misses", "count", NEITHER,
      "page-cache lookups that had to allocate the page");
  public static final MetricDescriptor PAGECACHE_EVICTIONS = new MetricDescriptor("pagecache_evictions", "count", LOWER,
      "page-cache pages evicted by reclaim");
  public static final MetricDescriptor ACCESS_LOSSES = new MetricDescriptor("access_losses", "count", NEITHER,
      "(mm, page) pairs whose logical access ended (close, eviction, unmap, exit)");
  public static final MetricDescriptor OOM_EVENTS = new MetricDescriptor("oom_events", "count", LOWER,
      "operations abandoned because memory ran out after reclaim");
  public static final MetricDescriptor TIMER_TICKS = new MetricDescriptor("timer_ticks", "count", NEITHER,
      "timer interrupts (CONFIG_HZ=250 on busy CPUs), handled without leaving the restricted space");
  public static final MetricDescriptor WAKEUPS = new MetricDescriptor("wakeups", "count", NEITHER,
      "try_to_wake_up() of tasks blocked in wait4(), a pipe or vfork");
  public static final MetricDescriptor KSWAPD_WAKEUPS = new MetricDescriptor("kswapd_wakeups", "count", NEITHER,
      "kswapd runs (woken at the watermark, reclaiming to the high watermark)");
  public static final MetricDescriptor PIPE_COPIES = new MetricDescriptor("pipe_copies", "pages", NEITHER,
      "pipe buffer pages copied in pipe_write() and pipe_read() (AccessSite pipe)");
  public static final MetricDescriptor USER_CYCLES = new MetricDescriptor("user_cycles", "cycles", NEITHER,
      "cycles of user code run (Kernel.runUser), TLB refills of the user working set included");
  public static final MetricDescriptor COLD_ENTRY_CYCLES = new MetricDescriptor("cold_entry_cycles", "cycles", LOWER,
      "cycles faults and path walks paid above their loop bodies for following user code (cold caches; docs/calibration.md)");

  /** All of the above, in declaration order. */
  // /proc/vmstat counters, under their kernel names (mm/vmstat.c, counted where mm/vmscan.c counts them)
  public static final MetricDescriptor PGSCAN_KSWAPD = new MetricDescriptor("pgscan_kswapd", "pages", NEITHER,
      "page-cache pages kswapd looked at on the LRU (/proc/vmstat; referenced and mapped ones rotate)");
  public static final MetricDescriptor PGSCAN_DIRECT = new MetricDescriptor("pgscan_direct", "pages", LOWER,
      "page-cache pages direct reclaim looked at on the LRU (/proc/vmstat)");
  public static final MetricDescriptor PGSTEAL_KSWAPD = new MetricDescriptor("pgsteal_kswapd", "pages", NEITHER,
      "page-cache pages kswapd evicted (/proc/vmstat; with pgsteal_direct, pagecache_evictions)");
  public static final MetricDescriptor PGSTEAL_DIRECT = new MetricDescriptor("pgsteal_direct", "pages", LOWER,
      "page-cache pages direct reclaim evicted (/proc/vmstat)");
  public static final MetricDescriptor ALLOCSTALL_DMA32 = new MetricDescriptor("allocstall_dma32", "count", LOWER,
      "direct reclaims of requests whose highest zone is DMA32 (/proc/vmstat)");
  public static final MetricDescriptor ALLOCSTALL_NORMAL = new MetricDescriptor("allocstall_normal", "count", LOWER,
      "direct reclaims of requests whose highest zone is Normal, e.g. GFP_KERNEL (/proc/vmstat)");
  public static final MetricDescriptor ALLOCSTALL_MOVABLE = new MetricDescriptor("allocstall_movable", "count", LOWER,
      "direct reclaims of __GFP_HIGHMEM|__GFP_MOVABLE requests (user and page-cache pages; /proc/vmstat)");
  public static final MetricDescriptor ALLOCSTALL_DMA = new MetricDescriptor("allocstall_dma", "count", LOWER,
      "direct reclaims of __GFP_DMA requests (/proc/vmstat)");
  // transparent huge pages (HugeMemory), /proc/vmstat names; reported once THP is enabled
  public static final MetricDescriptor THP_FAULT_ALLOC = new MetricDescriptor("thp_fault_alloc", "count", NEITHER,
      "anonymous faults that mapped a transparent huge page (/proc/vmstat; reported once THP is enabled)");
  public static final MetricDescriptor THP_FAULT_FALLBACK = new MetricDescriptor("thp_fault_fallback", "count", LOWER,
      "THP faults that got no order-9 folio and mapped a 4 KiB page (/proc/vmstat)");
  public static final MetricDescriptor THP_SPLIT_PMD = new MetricDescriptor("thp_split_pmd", "count", LOWER,
      "huge PMD mappings split into PTE tables (a partial munmap, a write to a huge page shared since a fork; /proc/vmstat)");
  public static final MetricDescriptor THP_DEFERRED_SPLIT_PAGE = new MetricDescriptor("thp_deferred_split_page", "count",
      NEITHER, "THP folios that became partially mapped (queued for deferred_split_scan()) when a page of theirs lost its "
          + "last mapping (/proc/vmstat)");
  public static final MetricDescriptor THP_UNDERUSED_SPLIT_PAGE = new MetricDescriptor("thp_underused_split_page",
      "count", NEITHER, "THP folios mapped whole that deferred_split_scan() split because more than khugepaged/max_ptes_none "
          + "of their pages were zero-filled (thp_underused(); never with the default max_ptes_none 511; /proc/vmstat)");
  public static final MetricDescriptor THP_SPLIT_PAGE = new MetricDescriptor("thp_split_page", "count", NEITHER,
      "THP folios split into 4 KiB pages (deferred_split_scan(), migration's try_split_folio()), an anonymous one's "
          + "unmapped and zero-filled pages and a tmpfs one's pages past the end of its file freed (/proc/vmstat)");
  // khugepaged (Khugepaged): /proc/vmstat's collapse counters and two sysfs files of khugepaged/
  public static final MetricDescriptor THP_COLLAPSE_ALLOC = new MetricDescriptor("thp_collapse_alloc", "count", NEITHER,
      "huge pages khugepaged allocated to collapse a 2 MiB range of 4 KiB pages into (/proc/vmstat; reported once THP is enabled)");
  public static final MetricDescriptor THP_COLLAPSE_ALLOC_FAILED = new MetricDescriptor("thp_collapse_alloc_failed", "count",
      LOWER, "khugepaged collapses that got no order-9 folio; khugepaged then sleeps alloc_sleep_millisecs (/proc/vmstat)");
  public static final MetricDescriptor THP_SCAN_EXCEED_NONE_PTE = new MetricDescriptor("thp_scan_exceed_none_pte", "count",
      NEITHER, "2 MiB ranges khugepaged left in 4 KiB pages: more empty PTEs than khugepaged/max_ptes_none (/proc/vmstat)");
  public static final MetricDescriptor THP_SCAN_EXCEED_SHARE_PTE = new MetricDescriptor("thp_scan_exceed_share_pte", "count",
      NEITHER, "2 MiB ranges khugepaged left in 4 KiB pages: more pages shared with another mm than khugepaged/max_ptes_shared (/proc/vmstat)");
  public static final MetricDescriptor KHUGEPAGED_PAGES_COLLAPSED = new MetricDescriptor("khugepaged_pages_collapsed",
      "count", NEITHER, "2 MiB ranges khugepaged collapsed into a huge page (sysfs khugepaged/pages_collapsed; reported once THP is enabled)");
  public static final MetricDescriptor KHUGEPAGED_FULL_SCANS = new MetricDescriptor("khugepaged_full_scans", "count",
      NEITHER, "times khugepaged's scan went round every mm on its list (sysfs khugepaged/full_scans)");
  // huge tmpfs folios (ShmemHuge), /proc/vmstat names; reported once a tmpfs huge= or shmem_enabled allows them
  public static final MetricDescriptor THP_FILE_ALLOC = new MetricDescriptor("thp_file_alloc", "count", NEITHER,
      "PMD-size tmpfs folios allocated (/proc/vmstat; reported once tmpfs huge= or shmem_enabled allows them)");
  public static final MetricDescriptor THP_FILE_FALLBACK = new MetricDescriptor("thp_file_fallback", "count", LOWER,
      "tmpfs folios that could be PMD-size but got no order-9 block and are 4 KiB (/proc/vmstat)");
  public static final MetricDescriptor NR_SHMEM_HUGEPAGES = new MetricDescriptor("nr_shmem_hugepages", "count",
      NEITHER, "PMD-size tmpfs folios in the page cache at the end (/proc/vmstat, which counts them in 2 MiB units)");
  /** The huge tmpfs counters, in /proc/vmstat's order (a split tmpfs folio counts as thp_split_page too). */
  public static final List<MetricDescriptor> SHMEM_THP = List.of(NR_SHMEM_HUGEPAGES, THP_FILE_ALLOC, THP_FILE_FALLBACK,
      THP_SPLIT_PAGE);
  /** The THP counters, in /proc/vmstat's order. */
  public static final List<MetricDescriptor> THP = List.of(THP_FAULT_ALLOC, THP_FAULT_FALLBACK, THP_COLLAPSE_ALLOC,
      THP_COLLAPSE_ALLOC_FAILED, THP_SPLIT_PAGE, THP_DEFERRED_SPLIT_PAGE, THP_UNDERUSED_SPLIT_PAGE, THP_SPLIT_PMD,
      THP_SCAN_EXCEED_NONE_PTE, THP_SCAN_EXCEED_SHARE_PTE);

  /** The counters {@link VmStat} prints as they are. */
  public static final MetricDescriptor KVM_ENTRIES = new MetricDescriptor("kvm_entries", "count", NEITHER,
      "VM entries of vCPU threads (KVM_RUN), each from the KVM ASI class's restricted space (reported when a guest runs)");
  public static final MetricDescriptor KVM_EXITS = new MetricDescriptor("kvm_exits", "count", NEITHER,
      "VM exits the host handled, children by reason: ept_violation, msr, hlt, io, ipi, external_interrupt (a vCPU kicked by another's IPI; reported when a guest runs)");

  public static final List<MetricDescriptor> VMSTAT = List.of(PGSCAN_KSWAPD, PGSCAN_DIRECT, PGSTEAL_KSWAPD,
      PGSTEAL_DIRECT, ALLOCSTALL_DMA32, ALLOCSTALL_NORMAL, ALLOCSTALL_MOVABLE, ALLOCSTALL_DMA);

  public static final List<MetricDescriptor> ALL = List.of(SYSCALLS, CONTEXT_SWITCHES, ANON_FAULTS, COW_FAULTS, FILE_FAULTS, FORKS, PAGECACHE_MISSES, PAGECACHE_EVICTIONS, ACCESS_LOSSES, OOM_EVENTS, TIMER_TICKS, WAKEUPS, KSWAPD_WAKEUPS, PIPE_COPIES, USER_CYCLES, COLD_ENTRY_CYCLES,
      PGSCAN_KSWAPD, PGSCAN_DIRECT, PGSTEAL_KSWAPD, PGSTEAL_DIRECT, ALLOCSTALL_DMA32, ALLOCSTALL_NORMAL, ALLOCSTALL_MOVABLE,
      ALLOCSTALL_DMA, KVM_ENTRIES, KVM_EXITS, THP_FAULT_ALLOC, THP_FAULT_FALLBACK, THP_SPLIT_PAGE, THP_DEFERRED_SPLIT_PAGE, THP_UNDERUSED_SPLIT_PAGE, THP_SPLIT_PMD, THP_COLLAPSE_ALLOC,
      THP_COLLAPSE_ALLOC_FAILED, THP_SCAN_EXCEED_NONE_PTE, THP_SCAN_EXCEED_SHARE_PTE, KHUGEPAGED_PAGES_COLLAPSED,
      KHUGEPAGED_FULL_SCANS, NR_SHMEM_HUGEPAGES, THP_FILE_ALLOC, THP_FILE_FALLBACK);
}
