package io.asisim.api.mapper;

/**
 * Decides which TLBs to flush when a temporary mapping goes away or a process loses logical access
 * to a page (DESIGN §2.4): local, mm-global, precise, eager-global. Plugins of kind {@code flush}.
 */
public interface FlushPolicy {

  /** A mapper released alias {@code va} of {@code pfn} on {@code cpu}, for {@code mm}. */
  void onTransientUnmap(int cpu, long mm, long va, long pfn);

  /**
   * Process {@code mm} may no longer read {@code pfn} (page-cache eviction, file close, unmap,
   * exit); stale translations to it must not stay reachable.
   */
  void onAccessLost(int cpu, long mm, long pfn);
}
