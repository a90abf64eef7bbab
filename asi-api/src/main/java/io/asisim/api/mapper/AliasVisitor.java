package io.asisim.api.mapper;

/**
 * Receives the temporary aliases a {@link Mapper} (or a {@link FlushPolicy}) knows of, for the
 * checker (docs/checker.md). Implement it once and reuse the instance: enumeration allocates nothing.
 */
@FunctionalInterface
public interface AliasVisitor {
  /** {@code cpu} value of an alias any CPU may use (a shared kernel area such as vmalloc). */
  int ANY_CPU = -1;
  /** {@code mm} value of an alias in the shared kernel area, visible in every address space. */
  long ALL_MM = -1;

  /**
   * One alias.
   *
   * @param cpu the CPU the alias belongs to, or {@link #ANY_CPU}
   * @param mm the mm on whose behalf it was made, or {@link #ALL_MM} when that is not tracked
   * @param va the alias's virtual address (4 KiB page)
   * @param pfn the frame it maps (or mapped)
   * @param live {@code true} while its PTE is present; {@code false} once the PTE was cleared but
   *     TLBs may still cache the translation (lazily unmapped, flush pending)
   */
  void alias(int cpu, long mm, long va, long pfn, boolean live);
}
