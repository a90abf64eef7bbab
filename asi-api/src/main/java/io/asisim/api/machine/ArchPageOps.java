package io.asisim.api.machine;

/**
 * What the page allocator and its ASI strategies may ask of the architecture: zeroing, direct-map
 * permission changes and kernel TLB flushes. All addresses are physical frame numbers; the
 * implementation translates them to direct-map virtual addresses. Every call charges its cycles to
 * {@code cpu} and updates the standard metrics.
 */
public interface ArchPageOps {

  /** Number of CPUs. */
  int nrCpus();

  /** Number of 4 KiB physical frames. */
  long nrFrames();

  /**
   * How many frames memblock reserved at boot (kernel image, boot page tables, low memory): the
   * total of {@link #bootReservation()}. An implementation that overrides only this method reserves
   * the prefix {@code [0, n)}.
   */
  long bootReservedFrames();

  /**
   * Where memblock reserved memory at boot ({@code memblock.reserved} when {@code memblock_free_all()}
   * hands the rest to the buddy allocator): disjoint ranges in pfn order holding
   * {@link #bootReservedFrames()} frames in all. The page allocator never hands these frames out;
   * a caller that lays out an allocator state of its own (a seeded /proc/pagetypeinfo) keeps its
   * free blocks outside them. The range helpers are on {@link PfnRange}.
   */
  default java.util.List<PfnRange> bootReservation() {
    long n = bootReservedFrames();
    return n == 0 ? java.util.List.of() : java.util.List.of(new PfnRange(0, n));
  }

  /** Charges {@code cycles} of work to {@code cpu} (e.g. an allocator path's own cost). */
  void charge(int cpu, long cycles);

  /** {@code clear_page()} on {@code count} frames from {@code pfn}: counts {@code pages_zeroed}. */
  void clearPages(int cpu, long pfn, long count);

  /**
   * Makes {@code [pfn, pfn+count)} present ({@code true}, nonsensitive) or not present in the
   * restricted direct map. Whole aligned pageblocks change one 2 MiB PMD; anything finer splits the
   * PMD into a PTE table first ({@code restricted_map_splits}, one table page). Does not flush.
   *
   * @return {@code false}, with nothing changed, when a split found no page for its table (the
   *     kernel's {@code -ENOMEM}); whole pageblocks never need one
   */
  boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present);

  /** Whether frame {@code pfn} is mapped in the restricted direct map. */
  boolean isRestrictedMapped(long pfn);

  /**
   * The restricted direct map of the whole 2 MiB-aligned pageblock holding {@code pfn}, when one
   * PMD entry decides it: 1 = every frame mapped (a 2 MiB leaf), 0 = none (an empty PMD entry), -1 =
   * it must be asked frame by frame (split into a PTE table, or not known). Lets the checker judge a
   * pageblock with one lookup. This default answers -1.
   */
  default int restrictedPageblockMapped(long pfn) {
    return -1;
  }

  /**
   * {@code set_direct_map_invalid_noflush()} / {@code set_direct_map_default_noflush()} over a
   * range of the unrestricted direct map, splitting 1 GiB/2 MiB leaves as needed
   * ({@code direct_map_splits}). Does not flush.
   *
   * @return {@code false}, with nothing changed, when a split found no page for its table
   *     ({@code -ENOMEM} from {@code set_direct_map_*()})
   */
  boolean setDirectMapped(int cpu, long pfn, long count, boolean present);

  /** Whether frame {@code pfn} is mapped in the unrestricted direct map. */
  boolean isDirectMapped(long pfn);

  /**
   * {@code set_memory_ro()} ({@code readOnly}) or {@code set_memory_rw()} reaching the direct-map
   * alias of {@code [pfn, pfn+count)} (a module's or BPF program's text): clears or sets
   * {@code _PAGE_RW} in the unrestricted direct map, splitting large leaves
   * ({@code direct_map_splits}); whether the restricted direct map follows is the machine's choice.
   * Does not flush. This default changes nothing and returns {@code false}.
   *
   * @return {@code false}, with nothing changed, when a split found no page for its table
   */
  default boolean setDirectMapReadOnly(int cpu, long pfn, long count, boolean readOnly) {
    return false;
  }

  /**
   * Whether the restricted direct map lets a restricted CPU write {@code pfn} although the
   * unrestricted direct map maps it read-only: a permission change not mirrored. By default false.
   */
  default boolean restrictedGrantsWrite(long pfn) {
    return false;
  }

  /**
   * {@code arch_remove_memory()} → {@code kernel_physical_mapping_remove()} (arch/x86/mm/init_64.c)
   * of an offlined memory block: its frames leave the unrestricted direct map; whether the
   * restricted direct map's aliases go too is the machine's choice (mirroring). Does not flush (the
   * caller flushes, as {@code remove_pagetable()} ends in {@code flush_tlb_all()}). This default
   * only changes the unrestricted direct map.
   *
   * @return {@code false}, with nothing changed, when a split found no page for its table
   */
  default boolean removeMemory(int cpu, long pfn, long count) {
    return setDirectMapped(cpu, pfn, count, false);
  }

  /**
   * {@code arch_add_memory()} → {@code kernel_physical_mapping_init()} of a block about to be
   * onlined: its frames enter the unrestricted direct map again. The restricted direct map gets
   * nothing: onlined memory is sensitive until a pageblock flips ({@code asi_map()}).
   */
  default boolean addMemory(int cpu, long pfn, long count) {
    return setDirectMapped(cpu, pfn, count, true);
  }

  /** Whether frame {@code pfn} was hot-removed ({@link #removeMemory}) and not added back. By default false. */
  default boolean isHotRemoved(long pfn) {
    return false;
  }

  /**
   * {@code flush_tlb_kernel_range()} for the direct-map addresses of {@code [pfn, pfn+count)}:
   * flushes locally and shoots down every other CPU ({@code tlb_shootdowns},
   * {@code tlb_shootdown_ipis}), in every PCID that may cache kernel translations.
   */
  void flushKernelRange(int cpu, long pfn, long count);
}
