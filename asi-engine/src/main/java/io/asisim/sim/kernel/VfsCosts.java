package io.asisim.sim.kernel;

/**
 * Software costs (cycles) of the {@code read()}/{@code pread64()} and {@code write()} bodies
 * (fs/read_write.c, mm/filemap.c, mm/shmem.c) besides the system-call entry ({@code Cost.SYSCALL})
 * and the copy itself ({@link CopyCost}). One part per call and one per folio.
 *
 * <p>Derivation of the read figures from this project's measurement on its development machine
 * (docs/calibration.md, run 2: a Zen 4 KVM guest, TSC 2596 MHz; the core clock is taken to equal
 * the TSC, as the zen4 profile's {@code copy-page-cached} does): a cached 4 KiB {@code pread()} of
 * a tmpfs page takes 1284 TSC ticks (494.4 ns median), a {@code getppid()} round trip 425 (163.8 ns),
 * a 4 KiB memcpy of a cache-resident source 108 (41.7 ns). The VFS body of a one-page read is
 * therefore 1284 - 425 - 108 = 751 cycles, split into {@link #READ_CALL} (estimated from the code)
 * and {@link #READ_PER_FOLIO} (the remainder). This is a figure of that machine (a guest, with
 * its mitigations), not an ASI figure, and was not fitted to any ASI result.
 */
final class VfsCosts {
  private VfsCosts() {}

  /** The measured VFS body of a cached one-page tmpfs {@code pread()}: 1284 - 425 - 108 TSC ticks. */
  static final long READ_BODY_MEASURED = 1284 - 425 - 108;

  /**
   * Estimate: the per-call part of {@code ksys_pread64()}/{@code ksys_read()}: {@code fdget()}/
   * {@code fdput()} (single-threaded table, no atomics, ~20), {@code rw_verify_area()} with
   * {@code security_file_permission()} and {@code fsnotify_perm()} (an LSM hook, ~95),
   * {@code vfs_read()} → {@code new_sync_read()}: {@code init_sync_kiocb()} and the
   * {@code iov_iter} setup ({@code iov_iter_ubuf()}, ~40), {@code fsnotify_access()} without
   * watchers (~30) and {@code file_accessed()} → {@code touch_atime()} /
   * {@code atime_needs_update()} with relatime, normally no update (~60): about 245 cycles.
   */
  static final long READ_CALL = 245;

  /**
   * Derived: per folio of a read, the measured body minus {@link #READ_CALL} (751 - 245 = 506):
   * the page-cache lookup ({@code shmem_get_folio()} with {@code SGP_READ} / {@code filemap_get_pages()}
   * → {@code filemap_get_read_batch()}: xarray walk under RCU, {@code folio_try_get()}), the folio
   * lock and unlock of shmem, {@code folio_mark_accessed()}, {@code copy_folio_to_iter()} →
   * {@code copy_page_to_iter()} around the copy (kmap_local, {@code iterate_and_advance()},
   * STAC/CLAC) and {@code folio_put()}. Disk-backed files ({@code filemap_read()}) are charged the
   * same (not measured separately).
   */
  static final long READ_PER_FOLIO = READ_BODY_MEASURED - READ_CALL;

  /**
   * Derived: the extra of a read whose file is far larger than the LLC, besides the copy from DRAM:
   * the xarray nodes, the folio's {@code struct page} and the shmem inode lines miss the caches.
   * docs/calibration.md, run 2: a random page of a 1 GiB tmpfs file takes 4678 TSC ticks (1801.9 ns
   * median), a hot page 1284; of the difference, the copy itself accounts for 1396 - 108 (4 KiB
   * memcpy from DRAM, 4 KiB pages, vs from cache), leaving 4678 - 1284 - 1288 = 2106.
   */
  static final long READ_LOOKUP_COLD = 4678 - 1284 - (1396 - 108);

  /**
   * Derived: {@link #READ_LOOKUP_COLD} for a page of a PMD-size tmpfs folio ({@link ShmemHuge}): a
   * 1 GiB file's xarray then has one entry per 2 MiB in 65 nodes and 512 folios' heads, which stay
   * in the caches, where 4 KiB folios need 4 161 nodes and 262 144 {@code struct page}s.
   * docs/calibration.md "Huge tmpfs folios": real fio's 4 KiB random reads of a 1 GiB tmpfs file
   * ran at a median 765 k IOPS with {@code huge=always} or {@code within_size} against 575.5 k with
   * {@code never} or {@code advise} (12 runs each, two sittings, calibration/data/vm-20261208):
   * 430 ns, 1117 TSC ticks less per read, all of it taken from the lookup (the copy from DRAM is the
   * same, and the direct map has 1 GiB leaves either way): 2106 - 1117 = 989.
   */
  static final long READ_LOOKUP_COLD_PMD = READ_LOOKUP_COLD - 1117;

  /**
   * Estimate: the per-call part of {@code ksys_write()} → {@code vfs_write()}: the read side's
   * {@link #READ_CALL} plus {@code file_start_write()}/{@code file_end_write()} (a per-CPU rwsem),
   * {@code shmem_file_write_iter()}'s {@code inode_lock()}/{@code inode_unlock()},
   * {@code generic_write_checks()}, {@code file_remove_privs()} and {@code file_update_time()}
   * (mostly a time comparison without an update) and {@code fsnotify_modify()}: about 200 more.
   * Not measured (docs/calibration.md has no write figure).
   */
  static final long WRITE_CALL = READ_CALL + 200;

  /**
   * Estimate: per folio of {@code generic_perform_write()}: {@link #READ_PER_FOLIO}'s lookup and
   * folio handling as {@code write_begin} ({@code shmem_write_begin()} → {@code shmem_get_folio()}
   * with {@code SGP_WRITE}), plus {@code fault_in_iov_iter_readable()}, {@code flush_dcache_folio()},
   * {@code write_end} ({@code folio_mark_uptodate()}, {@code folio_mark_dirty()}) and
   * {@code balance_dirty_pages_ratelimited()}: about 100 more.
   */
  static final long WRITE_PER_FOLIO = READ_PER_FOLIO + 100;

  // Path lookups and descriptors. Derived from calibration/microbench.c group kbsys on the same
  // machine (calibration/data/vm-20261202/summary.properties, medians in TSC ticks) on a path of
  // five components below /tmp (ext4, dentries cached: what a build's include search walks), less
  // what the model charges for the same call besides the body (KbsysCostTest replays each).

  /**
   * Derived: {@code newfstatat()} of an existing file: {@code vfs_fstatat()} → {@code vfs_statx()}
   * → {@code filename_lookup()} ({@code getname()} copying the path, {@code path_lookupat()} →
   * {@code link_path_walk()}: one {@code lookup_fast()} per component under RCU, permission checks),
   * {@code vfs_getattr()} and {@code cp_new_stat()} copying the result out. Measured
   * {@code kbsys.newfstatat_existing.median_tsc} = 3170, less the system call.
   */
  static final long STAT = 3170 - 425;

  /**
   * Derived: {@code newfstatat()} of a missing last component: the same walk ending in a negative
   * dentry ({@code -ENOENT}), no attributes copied. Measured
   * {@code kbsys.newfstatat_missing_enoent.median_tsc} = 2210, less the system call. Also charged
   * for {@code access()}/{@code faccessat2()} of a missing path ({@code do_faccessat()}: the same
   * lookup; estimate, not measured separately).
   */
  static final long STAT_ENOENT = 2210 - 425;

  /**
   * Derived: {@code openat()} of an existing file: {@code do_sys_openat2()} → {@code getname()},
   * {@code get_unused_fd_flags()}, {@code do_filp_open()} → {@code path_openat()}
   * ({@code alloc_empty_file()}, the walk, {@code do_open()} → {@code vfs_open()}: the LSM hook,
   * {@code ext4_file_open()}), {@code fd_install()}. Measured {@code kbsys.openat_existing.median_tsc}
   * = 4376, less the system call.
   */
  static final long OPEN = 4376 - 425;

  /**
   * Derived: {@code openat()} of a missing path, as cc1's include-path search: {@code do_sys_openat2()}
   * → {@code path_openat()} allocates the file, walks to a negative dentry and fails with
   * {@code -ENOENT}; the empty file and the descriptor are released. Measured
   * {@code kbsys.openat_missing_enoent.median_tsc} = 3560, less the system call.
   */
  static final long OPEN_ENOENT = 3560 - 425;

  /**
   * Derived: {@code close()}: {@code file_close_fd()} and {@code filp_flush()}, then the last
   * {@code fput()}'s {@code __fput()} (run at the return to user space: {@code task_work_run()}),
   * releasing the file. Measured {@code kbsys.close.median_tsc} = 1640, less the system call.
   */
  static final long CLOSE = 1640 - 425;

  /**
   * Derived: {@code readlink()} of a regular file: {@code do_readlinkat()} →
   * {@code user_path_at()} (the walk) and {@code -EINVAL} because the inode has no
   * {@code get_link}. Measured {@code kbsys.readlink_not_symlink_einval.median_tsc} = 3201, less the
   * system call.
   */
  static final long READLINK_EINVAL = 3201 - 425;
}
