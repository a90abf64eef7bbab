package io.asisim.api.mapper;

/**
 * Decides which TLBs drop a temporary alias, and when (docs/kernel-map-mappers.md): {@code local},
 * {@code mm-global}, {@code precise}, {@code eager-global}. Plugins of kind {@code flush}.
 *
 * <p>Who calls what. Mappers call {@link #onTransientMap}, {@link #onTransientUnmap} and
 * {@link #beforeReuse}; the simulated kernel calls {@link #onAccessLost} whenever a process may
 * lose logical access to a page — the page is evicted from the page cache, the file is closed,
 * the page is unmapped or freed — <em>before</em> the frame can be reused, and {@link #onMmExit}
 * before tearing an mm down. "Logical access" means the process could legitimately
 * {@code read()} the page's contents right now; deciding that is the kernel's business. All
 * calls are on the simulated CPU given, which is charged for the flushes it issues; implementations
 * allocate nothing on these paths.
 *
 * <p>There is no context-switch or migration event: a task that migrates leaves its aliases in the
 * old CPU's TLB, which the per-CPU records of a policy (or the mm cpumask) already cover.
 *
 * <p>Addresses in the mm-local region belong to {@code mm}; all other alias addresses are in the
 * shared kernel area ({@code mm} then still names the process the alias was made for, or is
 * {@link AliasVisitor#ALL_MM}).
 */
public interface FlushPolicy {

  /** A mapper made alias {@code va -> pfn} on {@code cpu} for {@code mm}: {@code cpu} may now cache it. */
  void onTransientMap(int cpu, long mm, long va, long pfn);

  /**
   * A mapper cleared the PTE of alias {@code va -> pfn} on {@code cpu}. The translation may stay in
   * the TLB of every CPU that used it until someone flushes it.
   */
  void onTransientUnmap(int cpu, long mm, long va, long pfn);

  /**
   * A mapper is about to write a new PTE at {@code va} on {@code cpu} (a per-CPU slot is reused):
   * after this call {@code cpu} must hold no translation of {@code va} from an earlier alias —
   * the functional minimum that makes a CPU-local mapping correct.
   */
  void beforeReuse(int cpu, long mm, long va);

  /**
   * Process {@code mm} may no longer read {@code pfn} (page-cache eviction, file close, unmap,
   * exit); called on {@code cpu}, the CPU running the kernel path that dropped the access, before
   * the frame can be reused.
   */
  void onAccessLost(int cpu, long mm, long pfn);

  /** Process {@code mm} exits (called on {@code cpu} before its mm is destroyed): it loses access to every page. */
  void onMmExit(int cpu, long mm);

  /**
   * {@code cpu} flushed its whole TLB, every PCID ({@code __flush_tlb_all()}, e.g. mermap's local
   * full flush); policies that track per-CPU state may forget what that flush removed. Only
   * released aliases stay gone: an alias still mapped (e.g. a copy's source while the window
   * wraps for its destination) is cached again by its next access.
   */
  default void onLocalFullFlush(int cpu) {}

  /**
   * Every CPU dropped the translations of kernel addresses {@code [start, start + pages*4K)} (a
   * mapper's own {@code flush_tlb_kernel_range()}, e.g. vmalloc's lazy purge). As for
   * {@link #onLocalFullFlush}, live aliases in the range are cached again by their next access.
   */
  default void onGlobalFlush(int cpu, long start, long pages) {}

  /**
   * Enumerates the aliases this policy knows may still be cached after their unmap (with
   * {@code live = false}), for the checker. Allocation-free.
   */
  default void forEachPending(AliasVisitor visitor) {}
}
