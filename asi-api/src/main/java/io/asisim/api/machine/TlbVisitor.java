package io.asisim.api.machine;

/**
 * Receives TLB entries from {@link TlbOps#forEachRestrictedEntry}. Implement it once (e.g. in the
 * checker) and reuse the instance: enumeration allocates nothing.
 */
@FunctionalInterface
public interface TlbVisitor {
  /**
   * One cached translation.
   *
   * @param cpu the CPU whose TLB holds it
   * @param mm the mm whose address space the entry's PCID belongs to
   * @param va first virtual address covered
   * @param pfn first frame covered
   * @param pageShift 12, 21 or 30
   */
  void entry(int cpu, long mm, long va, long pfn, int pageShift);
}
