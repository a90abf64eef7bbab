package io.asisim.api.metrics;

import static io.asisim.api.metrics.Better.HIGHER;
import static io.asisim.api.metrics.Better.LOWER;
import static io.asisim.api.metrics.Better.NEITHER;

import java.util.List;

/**
 * The metric names of docs/contracts.md: a contract with users' scripts. Add new metrics freely; never
 * rename these.
 */
public final class StandardMetrics {
  private StandardMetrics() {}

  private static MetricDescriptor m(String name, String unit, Better b, String desc) {
    return new MetricDescriptor(name, unit, b, desc);
  }

  public static final MetricDescriptor OPS = m("ops", "ops", NEITHER, "workload operations completed");
  public static final MetricDescriptor SIM_TIME_NS = m("sim_time_ns", "ns", LOWER,
      "simulated time: work-conserving makespan, busy cycles of the CPUs that ran tasks over their number (idle CPUs woken only by IPIs left out)");
  public static final MetricDescriptor SIM_TIME_BUSIEST_CPU_NS = m("sim_time_busiest_cpu_ns", "ns", LOWER,
      "busy time of the busiest CPU (placement noise included)");
  public static final MetricDescriptor CPU_BUSY_SPREAD = m("cpu_busy_spread", "ratio", LOWER,
      "(busiest - least busy) / mean busy time of the CPUs that ran");
  public static final MetricDescriptor THROUGHPUT = m("throughput_ops_per_s", "ops/s", HIGHER, "ops per simulated second");
  public static final MetricDescriptor CYCLES_PER_OP = m("cycles_per_op", "cycles", LOWER, "CPU cycles per op, all CPUs");
  public static final MetricDescriptor ASI_EXITS = m("asi_exits", "count", LOWER, "asi_exit() from restricted to unrestricted");
  public static final MetricDescriptor ASI_EXIT_SITES = m("asi_exit_sites", "count", LOWER, "asi_exit() by kernel path that touched sensitive memory");
  public static final MetricDescriptor ASI_ENTERS = m("asi_enters", "count", LOWER, "asi_enter() into the restricted address space");
  public static final MetricDescriptor IBPB = m("ibpb", "count", LOWER, "indirect branch prediction barriers issued");
  public static final MetricDescriptor RSB_FILLS = m("rsb_fills", "count", LOWER, "return stack buffer fills");
  public static final MetricDescriptor L1D_FLUSHES = m("l1d_flushes", "count", LOWER, "L1D cache flushes");
  public static final MetricDescriptor MITIGATION_CYCLES = m("mitigation_cycles", "cycles", LOWER, "cycles spent in IBPB, RSB fill and L1D flush");
  public static final MetricDescriptor CR3_WRITES = m("cr3_writes", "count", LOWER, "CR3 writes");
  public static final MetricDescriptor TLB_MISSES = m("tlb_misses", "count", LOWER, "TLB misses (page walks)");
  public static final MetricDescriptor TLB_FLUSHES_LOCAL = m("tlb_flushes_local", "count", LOWER, "local TLB flush operations (INVLPG, INVPCID, full)");
  public static final MetricDescriptor TLB_SHOOTDOWNS = m("tlb_shootdowns", "count", LOWER, "TLB shootdowns (flushes sent to other CPUs)");
  public static final MetricDescriptor TLB_SHOOTDOWN_IPIS = m("tlb_shootdown_ipis", "count", LOWER, "IPIs sent for TLB shootdowns");
  public static final MetricDescriptor TLB_REFILLS_USER = m("tlb_refills_user", "pages", LOWER, "user working-set translations refilled after a flush or eviction (Machine.runUser)");
  public static final MetricDescriptor TLB_REFILLS_KERNEL = m("tlb_refills_kernel", "pages", LOWER, "kernel-footprint translations refilled after a flush or eviction (kernel entry, asi_exit)");
  public static final MetricDescriptor VM_EXITS = m("vm_exits", "count", LOWER,
      "VM exits of a guest machine (machine.x86.virt=kvm), children by reason: ipi_send, ipi_deliver, timer, tsc_deadline");
  public static final MetricDescriptor VM_EXIT_CYCLES = m("vm_exit_cycles", "cycles", LOWER,
      "guest cycles spent in VM exits (exit, host handling, entry)");
  public static final MetricDescriptor NESTED_WALK_CYCLES = m("nested_walk_cycles", "cycles", LOWER,
      "cycles of TLB-miss walks spent in the host's nested paging structures (a guest's two-dimensional walks)");
  public static final MetricDescriptor TLB_FLUSHES_DEFERRED = m("tlb_flushes_deferred", "count", NEITHER,
      "shootdown targets of a guest whose flush KVM_FEATURE_PV_TLB_FLUSH deferred because the host had preempted the vCPU (no IPI; its whole TLB flushed before it runs)");
  public static final MetricDescriptor PREEMPTED_IPI_WAITS = m("preempted_ipi_waits", "count", LOWER,
      "shootdown IPIs of a guest sent to a vCPU the host had preempted: the sender waits for it to run again");
  public static final MetricDescriptor PREEMPTED_IPI_WAIT_CYCLES = m("preempted_ipi_wait_cycles", "cycles", LOWER,
      "cycles until preempted targets ran again, summed over targets (the sender waits for the longest of each shootdown)");
  public static final MetricDescriptor PAGEBLOCK_FLIPS_TO_SENSITIVE = m("pageblock_flips_to_sensitive", "count", LOWER, "pageblocks changed nonsensitive -> sensitive");
  public static final MetricDescriptor PAGEBLOCK_FLIPS_TO_NONSENSITIVE = m("pageblock_flips_to_nonsensitive", "count", LOWER, "pageblocks changed sensitive -> nonsensitive");
  public static final MetricDescriptor PAGES_ZEROED = m("pages_zeroed", "pages", LOWER, "4 KiB pages zeroed");
  public static final MetricDescriptor DIRECT_MAP_SPLITS = m("direct_map_splits", "count", LOWER, "large leaves of the unrestricted direct map split");
  public static final MetricDescriptor RESTRICTED_MAP_SPLITS = m("restricted_map_splits", "count", LOWER, "2 MiB leaves of the restricted direct map split");
  public static final MetricDescriptor PAGETABLE_PAGES = m("pagetable_pages", "pages", LOWER, "page-table pages in use at the end of the run");
  public static final MetricDescriptor ALLOC_REQUESTS = m("alloc_requests", "count", NEITHER, "page allocation requests");
  public static final MetricDescriptor ALLOC_FAILURES = m("alloc_failures", "count", LOWER, "page allocation requests that failed");
  public static final MetricDescriptor ALLOC_FALLBACKS = m("alloc_fallbacks", "count", LOWER, "migratetype fallbacks (mm_page_alloc_extfrag)");
  public static final MetricDescriptor ALLOC_FALLBACK_CLAIMS = m("alloc_fallback_claims", "count", LOWER,
      "fallbacks that claimed the pageblock for the request's migratetype (mm_page_alloc_extfrag with change_ownership=1)");
  public static final MetricDescriptor POOL_REFILLS = m("pool_refills", "count", LOWER, "unmapped-pool refills from the main allocator");
  public static final MetricDescriptor POOL_SHRINKS = m("pool_shrinks", "count", LOWER, "unmapped-pool blocks returned by the shrinker");
  public static final MetricDescriptor POOL_STRANDED_PAGES = m("pool_stranded_pages", "pages", LOWER, "free pages held by the pool at the end");
  public static final MetricDescriptor TRANSIENT_MAPS = m("transient_maps", "count", NEITHER, "temporary mappings of sensitive pages created");
  public static final MetricDescriptor TRANSIENT_MAP_FALLBACKS = m("transient_map_fallbacks", "count", LOWER, "temporary mappings refused (caller exits instead)");
  public static final MetricDescriptor LEAK_EXPOSURES = m("leak_exposures", "count", LOWER, "(cpu, sensitive frame) pairs reachable restricted without logical access");
  public static final MetricDescriptor LEAK_EXPOSURE_CYCLES = m("leak_exposure_cycles", "cycles", LOWER, "cycles such exposures stayed reachable");
  public static final MetricDescriptor INVARIANT_VIOLATIONS = m("invariant_violations", "count", LOWER, "checker invariant violations");
  public static final MetricDescriptor TRACE_EVENTS = m("trace_events", "count", NEITHER, "alloc/free trace events replayed");
  public static final MetricDescriptor TRACE_OTHER_EVENTS = m("trace_other_events", "count", NEITHER, "trace events of other types seen");
  public static final MetricDescriptor TRACE_UNMATCHED_FREES = m("trace_unmatched_frees", "count", NEITHER, "frees of pages not allocated in the trace");
  public static final MetricDescriptor TRACE_SKIPPED_LINES = m("trace_skipped_lines", "count", LOWER, "trace lines skipped as malformed or out of range");

  /** All standard metrics in the order of docs/contracts.md. */
  // compaction and migration (mm/compaction.c, mm/migrate.c), under their /proc/vmstat names
  public static final MetricDescriptor COMPACT_STALL = m("compact_stall", "count", LOWER,
      "direct compactions an allocation stalled in (/proc/vmstat; __alloc_pages_direct_compact())");
  public static final MetricDescriptor COMPACT_SUCCESS = m("compact_success", "count", NEITHER,
      "direct compactions after which the allocation succeeded (/proc/vmstat)");
  public static final MetricDescriptor COMPACT_FAIL = m("compact_fail", "count", LOWER,
      "direct compactions after which the allocation still failed (/proc/vmstat)");
  public static final MetricDescriptor COMPACT_MIGRATE_SCANNED = m("compact_migrate_scanned", "pages", LOWER,
      "pages compaction's migrate scanner looked at (/proc/vmstat)");
  public static final MetricDescriptor COMPACT_FREE_SCANNED = m("compact_free_scanned", "pages", LOWER,
      "pages compaction's free scanner looked at (/proc/vmstat)");
  public static final MetricDescriptor COMPACT_ISOLATED = m("compact_isolated", "pages", NEITHER,
      "pages compaction isolated, to migrate and as free targets (/proc/vmstat)");
  public static final MetricDescriptor PGMIGRATE_SUCCESS = m("pgmigrate_success", "pages", NEITHER,
      "base pages migrate_pages() moved, 512 for a THP moved whole (/proc/vmstat)");
  public static final MetricDescriptor PGMIGRATE_FAIL = m("pgmigrate_fail", "pages", LOWER,
      "base pages of the folio migrate_pages() found no free target of its sensitivity for (-ENOMEM), and of split pages its split batch could not move (/proc/vmstat)");
  public static final MetricDescriptor THP_MIGRATION_SUCCESS = m("thp_migration_success", "count", NEITHER,
      "THP folios alloc_contig_range() migrated whole to an order-9 target (/proc/vmstat; reported once one is isolated)");
  public static final MetricDescriptor THP_MIGRATION_FAIL = m("thp_migration_fail", "count", LOWER,
      "THP folios not migrated whole: split first from the deferred split queue, or no order-9 target (-ENOMEM), split or not (/proc/vmstat)");
  public static final MetricDescriptor THP_MIGRATION_SPLIT = m("thp_migration_split", "count", NEITHER,
      "THP folios split by try_split_folio(), partially mapped on the deferred split queue or without an order-9 target, their mapped pages then migrated (/proc/vmstat)");
  /** The THP migration counters, in /proc/vmstat's order (registered once a THP folio is isolated). */
  public static final List<MetricDescriptor> THP_MIGRATION = List.of(THP_MIGRATION_SUCCESS, THP_MIGRATION_FAIL,
      THP_MIGRATION_SPLIT);
  public static final MetricDescriptor COMPACT_DAEMON_WAKE = m("compact_daemon_wake", "count", NEITHER,
      "kcompactd runs (/proc/vmstat; kcompactd_do_work())");
  public static final MetricDescriptor COMPACT_DAEMON_MIGRATE_SCANNED = m("compact_daemon_migrate_scanned", "pages", LOWER,
      "pages kcompactd's migrate scanner looked at (/proc/vmstat; also in compact_migrate_scanned)");
  public static final MetricDescriptor COMPACT_DAEMON_FREE_SCANNED = m("compact_daemon_free_scanned", "pages", LOWER,
      "pages kcompactd's free scanner looked at (/proc/vmstat; also in compact_free_scanned)");
  /** The compaction counters, in /proc/vmstat's order. */
  public static final List<MetricDescriptor> COMPACTION = List.of(PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
      COMPACT_MIGRATE_SCANNED, COMPACT_FREE_SCANNED, COMPACT_ISOLATED, COMPACT_STALL, COMPACT_FAIL, COMPACT_SUCCESS,
      COMPACT_DAEMON_WAKE, COMPACT_DAEMON_MIGRATE_SCANNED, COMPACT_DAEMON_FREE_SCANNED);

  // the CMA area (mm/cma.c), cma_alloc_* under their /proc/vmstat names (CONFIG_CMA)
  public static final MetricDescriptor CMA_ALLOC_SUCCESS = m("cma_alloc_success", "count", NEITHER,
      "cma_alloc() requests that got their pageblocks (/proc/vmstat)");
  public static final MetricDescriptor CMA_ALLOC_FAIL = m("cma_alloc_fail", "count", LOWER,
      "cma_alloc() requests that failed: no free run, every run busy, or no migration target (-ENOMEM, which ends the request) (/proc/vmstat)");
  public static final MetricDescriptor CMA_BUSY_RETRIES = m("cma_busy_retries", "count", LOWER,
      "runs of the CMA area alloc_contig_range() found busy (-EBUSY: a page it cannot move), each followed by the next run");
  public static final MetricDescriptor ASI_CMA_SENSITIVE_PAGEBLOCKS = m("asi_cma_sensitive_pageblocks", "count", NEITHER,
      "CMA pageblocks a device got while sensitive: not in the restricted direct map (the posted series does not integrate CMA)");
  /** The CMA counters. */
  public static final MetricDescriptor MEMORY_OFFLINE = m("memory_offline", "count", NEITHER,
      "memory blocks offlined and removed (offline_pages() then arch_remove_memory()); pages moved count in pgmigrate_success");
  public static final MetricDescriptor MEMORY_OFFLINE_FAILED = m("memory_offline_failed", "count", LOWER,
      "memory block offlines that failed with -EBUSY (a page that could not be migrated; isolation undone)");
  public static final MetricDescriptor MEMORY_ONLINE = m("memory_online", "count", NEITHER,
      "memory blocks added back and onlined (arch_add_memory() then online_pages())");

  public static final List<MetricDescriptor> CMA = List.of(CMA_ALLOC_SUCCESS, CMA_ALLOC_FAIL, CMA_BUSY_RETRIES,
      ASI_CMA_SENSITIVE_PAGEBLOCKS);

  public static final List<MetricDescriptor> ALL = List.of(
      OPS, SIM_TIME_NS, SIM_TIME_BUSIEST_CPU_NS, CPU_BUSY_SPREAD, THROUGHPUT, CYCLES_PER_OP, ASI_EXITS, ASI_EXIT_SITES, ASI_ENTERS, IBPB, RSB_FILLS,
      L1D_FLUSHES, MITIGATION_CYCLES, CR3_WRITES, TLB_MISSES, TLB_FLUSHES_LOCAL, TLB_SHOOTDOWNS,
      TLB_SHOOTDOWN_IPIS, TLB_REFILLS_USER, TLB_REFILLS_KERNEL, VM_EXITS, VM_EXIT_CYCLES, NESTED_WALK_CYCLES,
      TLB_FLUSHES_DEFERRED, PREEMPTED_IPI_WAITS, PREEMPTED_IPI_WAIT_CYCLES, PAGEBLOCK_FLIPS_TO_SENSITIVE, PAGEBLOCK_FLIPS_TO_NONSENSITIVE, PAGES_ZEROED,
      DIRECT_MAP_SPLITS, RESTRICTED_MAP_SPLITS, PAGETABLE_PAGES, ALLOC_REQUESTS, ALLOC_FAILURES,
      ALLOC_FALLBACKS, ALLOC_FALLBACK_CLAIMS, POOL_REFILLS, POOL_SHRINKS, POOL_STRANDED_PAGES, TRANSIENT_MAPS,
      TRANSIENT_MAP_FALLBACKS, LEAK_EXPOSURES, LEAK_EXPOSURE_CYCLES, INVARIANT_VIOLATIONS, TRACE_EVENTS,
      TRACE_OTHER_EVENTS, TRACE_UNMATCHED_FREES, TRACE_SKIPPED_LINES, PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
      THP_MIGRATION_SUCCESS, THP_MIGRATION_FAIL, THP_MIGRATION_SPLIT,
      COMPACT_MIGRATE_SCANNED, COMPACT_FREE_SCANNED, COMPACT_ISOLATED, COMPACT_STALL, COMPACT_FAIL, COMPACT_SUCCESS,
      COMPACT_DAEMON_WAKE, COMPACT_DAEMON_MIGRATE_SCANNED, COMPACT_DAEMON_FREE_SCANNED, CMA_ALLOC_SUCCESS,
      CMA_ALLOC_FAIL, CMA_BUSY_RETRIES, ASI_CMA_SENSITIVE_PAGEBLOCKS, MEMORY_OFFLINE, MEMORY_OFFLINE_FAILED,
      MEMORY_ONLINE);

  /** The standard descriptor named {@code name} (families match their children), or null. */
  public static MetricDescriptor find(String name) {
    int dot = name.indexOf('.');
    String family = dot < 0 ? name : name.substring(0, dot);
    for (MetricDescriptor d : ALL) {
      if (d.name().equals(family)) {
        return dot < 0 ? d : d.child(name.substring(dot + 1));
      }
    }
    return null;
  }
}
