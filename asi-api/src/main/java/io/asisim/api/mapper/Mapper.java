package io.asisim.api.mapper;

/**
 * How restricted kernel code temporarily maps a sensitive page it must touch (DESIGN §2.3):
 * exit ASI, vmalloc alias, ephmap, kmap-local, mermap. Plugins of kind {@code mapper}.
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
}
