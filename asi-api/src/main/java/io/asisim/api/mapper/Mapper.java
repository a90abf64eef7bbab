package io.asisim.api.mapper;

/**
 * How restricted kernel code temporarily maps a sensitive page it must touch (docs/kernel-map-mappers.md):
 * exit ASI, vmalloc alias, ephmap, kmap-local, mermap. Plugins of kind {@code mapper}.
 *
 * <p>Contract with the simulated kernel: {@link #map} and the matching {@link #unmap} run on the
 * same CPU, for the task whose mm is {@code mm}, with migration disabled in between (as
 * {@code kmap_local_page()} and {@code ephmap_get()} require); the kernel then touches the page at
 * the returned address with {@code TlbOps.access}. A context switch while a mapping is live must be
 * bracketed by {@link #schedOut} / {@link #schedIn} (only {@code kmap-local} keeps mappings across
 * one). Mappers write PTEs through {@code AddressSpaces} and leave every TLB decision beyond their
 * own design (vmalloc's lazy purge, mermap's full flush) to the variant's {@link FlushPolicy}, which
 * they notify of every map and unmap. Every alias made counts {@code transient_maps}; a refusal
 * that sends the caller to the exit path counts {@code transient_map_fallbacks}.
 */
public interface Mapper {
  /** Returned by {@link #map} when no alias was made: the caller touches the direct map and exits ASI. */
  long NO_ALIAS = -1;

  /**
   * Creates an alias for frame {@code pfn} usable while restricted, on {@code cpu}, for the process
   * whose mm is {@code mm}.
   *
   * @return the alias virtual address, or {@link #NO_ALIAS}
   */
  long map(int cpu, long mm, long pfn);

  /** Releases an alias returned by {@link #map}, on the CPU that made it. */
  void unmap(int cpu, long mm, long va);

  /**
   * {@code __kmap_local_sched_out()}: task {@code task} is switched out of {@code cpu} with
   * mappings live. Mappers whose aliases are per task unmap them here; others do nothing.
   */
  default void schedOut(int cpu, long task) {}

  /** {@code __kmap_local_sched_in()}: task {@code task} runs again on {@code cpu}; restore its aliases. */
  default void schedIn(int cpu, long task) {}

  /** The mm is being torn down (before {@code AddressSpaces.mmDestroy}); forget its per-mm state. */
  default void mmExit(int cpu, long mm) {}

  /**
   * Enumerates every alias this mapper holds: live ones and, for mappers that unmap lazily by
   * design (vmalloc, mermap), those whose PTE is gone but whose flush is still pending.
   * Allocation-free.
   */
  default void forEachAlias(AliasVisitor visitor) {}
}
