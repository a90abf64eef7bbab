package io.asisim.api.kernel;

/**
 * The transparent-huge-page controls of {@link Kernel}: the files of
 * {@code /sys/kernel/mm/transparent_hugepage/} and {@code madvise(MADV_HUGEPAGE)}, kept apart so
 * that each interface stays readable. Every method is {@code default} and refused by a kernel that
 * does not model THP.
 */
public interface TransparentHugepages {

  /** {@code /sys/kernel/mm/transparent_hugepage/enabled} values ({@link #setTransparentHugepage}). */
  int THP_NEVER = 0;
  int THP_MADVISE = 1;
  int THP_ALWAYS = 2;

  /**
   * A write of {@code never}, {@code madvise} or {@code always} ({@link #THP_NEVER} ..) to
   * {@code /sys/kernel/mm/transparent_hugepage/enabled}; anonymous mappings made afterwards may be
   * backed by 2 MiB pages (docs/workloads.md, "Transparent huge pages"). Boot value: never.
   */
  default void setTransparentHugepage(int mode) {
    throw unsupported("setTransparentHugepage");
  }

  /** {@code /sys/kernel/mm/transparent_hugepage/defrag} values ({@link #setThpDefrag}), in the file's order. */
  int THP_DEFRAG_ALWAYS = 0;
  int THP_DEFRAG_DEFER = 1;
  int THP_DEFRAG_DEFER_MADVISE = 2;
  int THP_DEFRAG_MADVISE = 3;
  int THP_DEFRAG_NEVER = 4;
  /** The names of the {@code defrag} values, indexed by {@code THP_DEFRAG_*}. */
  java.util.List<String> THP_DEFRAG_NAMES = java.util.List.of("always", "defer", "defer+madvise", "madvise", "never");

  /**
   * A write to {@code /sys/kernel/mm/transparent_hugepage/defrag} ({@link #THP_DEFRAG_ALWAYS} ..):
   * whether a THP fault may reclaim and compact directly ({@code vma_thp_gfp_mask()}). Boot value:
   * {@code madvise}.
   */
  default void setThpDefrag(int defrag) {
    throw unsupported("setThpDefrag");
  }

  /**
   * A write to {@code /sys/kernel/mm/transparent_hugepage/shrink_underused} (Linux 6.12,
   * {@code split_underused_thp}): with 1, every THP faulted or collapsed afterwards joins the
   * deferred split queue, and the shrinker splits one whose zero-filled pages are more than
   * {@code khugepaged/max_ptes_none} ({@code thp_underused()}; never with that file's default
   * 511). Boot value: 1.
   */
  default void setThpShrinkUnderused(boolean on) {
    throw unsupported("setThpShrinkUnderused");
  }

  /**
   * Writes of the files of {@code /sys/kernel/mm/transparent_hugepage/khugepaged/}: how often
   * khugepaged wakes, how much it scans, which 2 MiB ranges of 4 KiB pages it collapses into huge
   * pages and whether its allocation may compact (docs/workloads.md, "Transparent huge pages").
   * Boot values: {@link KhugepagedTunables#DEFAULTS}.
   */
  default void setKhugepaged(KhugepagedTunables tunables) {
    throw unsupported("setKhugepaged");
  }

  /**
   * The values of a tmpfs mount's {@code huge=} option and of
   * {@code /sys/kernel/mm/transparent_hugepage/shmem_enabled} ({@link #setTmpfsHuge},
   * {@link #setShmemEnabled}), in {@link #SHMEM_HUGE_NAMES}' order; {@code deny} and {@code force}
   * only for the sysfs file.
   */
  int SHMEM_HUGE_NEVER = 0;
  int SHMEM_HUGE_ALWAYS = 1;
  int SHMEM_HUGE_WITHIN_SIZE = 2;
  int SHMEM_HUGE_ADVISE = 3;
  int SHMEM_HUGE_DENY = 4;
  int SHMEM_HUGE_FORCE = 5;
  /** The names of the {@code SHMEM_HUGE_*} values, as the mount option and the sysfs file spell them. */
  java.util.List<String> SHMEM_HUGE_NAMES = java.util.List.of("never", "always", "within_size", "advise", "deny",
      "force");

  /**
   * {@code mount -o remount,huge=} of the tmpfs the kernel's tmpfs files live on
   * ({@link #SHMEM_HUGE_NEVER} .. {@link #SHMEM_HUGE_ADVISE}): whether a new page-cache folio of such
   * a file may be a 2 MiB one (docs/workloads.md, "Huge tmpfs folios"). Read at every allocation,
   * as the kernel reads the superblock's option. Boot value: never.
   */
  default void setTmpfsHuge(int huge) {
    throw unsupported("setTmpfsHuge");
  }

  /**
   * A write to {@code /sys/kernel/mm/transparent_hugepage/shmem_enabled}
   * ({@link #SHMEM_HUGE_NEVER} .. {@link #SHMEM_HUGE_FORCE}): {@code deny} keeps every tmpfs folio
   * at 4 KiB and {@code force} makes each a 2 MiB one where it fits, whatever the mount says; the
   * other values set the policy of the kernel's internal shm mount (SysV shared memory, memfd,
   * shared anonymous mappings), which this interface has no object on. Boot value: never.
   */
  default void setShmemEnabled(int value) {
    throw unsupported("setShmemEnabled");
  }

  /** {@code madvise(MADV_HUGEPAGE)} of {@code pages} pages at {@code va}: THP in {@code madvise} mode. */
  default void madviseHugepage(int pid, long va, int pages) {
    throw unsupported("madviseHugepage");
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(what + " is not supported by this kernel");
  }
}
