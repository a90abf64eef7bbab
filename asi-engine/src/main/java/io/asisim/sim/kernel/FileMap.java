package io.asisim.sim.kernel;

import io.asisim.api.machine.Machine;
import io.asisim.api.mm.Gfp;
import io.asisim.sim.util.LongLongMap;

/**
 * Files through the page cache: {@code open()}/{@code close()} (fs/open.c), {@code read()} and
 * {@code write()} (fs/read_write.c → mm/filemap.c {@code filemap_read()} /
 * {@code generic_perform_write()}), on tmpfs files (mm/shmem.c: never evicted, holes read as the
 * zero page) and disk-backed files (misses allocated and filled by DMA, clean pages reclaimable by
 * {@link Vmscan}). Disk I/O time is not modelled (only CPU time is). Each page a call copies goes
 * through the process's one-page I/O buffer.
 *
 * <p>Costs: the system-call body is charged per call and per folio ({@link VfsCosts}, derived
 * from the measured {@code pread()} of this project's development machine), the copy by
 * {@link CopyCost} (a file that fits in the LLC is copied from cache). File mappings and their
 * faults are {@link FileFault}'s; this class also holds {@code mmap()} of a file for the
 * system-call table.
 */
final class FileMap {
  /** The mapping gfp of tmpfs and regular files: {@code GFP_HIGHUSER_MOVABLE}. */
  static final int GFP_PAGECACHE = Gfp.GFP_HIGHUSER_MOVABLE;

  private final Machine machine;
  private final PageCache cache;
  private final TaskTable tasks;
  private final Highmem highmem;
  private final Memory memory;
  private final AsiPlugins plugins;
  private final CopyCost copyCost;
  private final FileFault faults;
  private final Namei namei;
  private final KernelSlab slab;

  FileMap(Machine machine, PageCache cache, Namei namei, TaskTable tasks, Highmem highmem, Memory memory,
      AsiPlugins plugins, KernelSlab slab, ShmemHuge shmem) {
    this.slab = slab;
    this.machine = machine;
    this.cache = cache;
    this.tasks = tasks;
    this.highmem = highmem;
    this.memory = memory;
    this.plugins = plugins;
    this.copyCost = highmem.copyCost();
    this.faults = memory.attachPageCache(cache, slab, shmem);
    this.namei = namei;
  }

  /** {@code mmap(MAP_PRIVATE)} of the first {@code pages} pages of {@code file}; see {@link FileFault#mmap}. */
  long mmapFile(int cpu, MmState m, int file, long pages) {
    return faults.mmap(cpu, m, file, pages);
  }

  /** A new file; its dentry and inode are allocated on CPU 0 (files are made before the workload runs). */
  int createFile(long pages, boolean evictable) {
    int file = cache.createFile(pages, evictable);
    slab.fileCreated(0, file, pages, evictable);
    return file;
  }

  void checkExists(int file) {
    if (!cache.exists(file)) {
      throw new IllegalArgumentException("no file " + file);
    }
  }

  /**
   * {@code do_sys_openat2()} on a cached dentry ({@link Namei#open}): the lowest free descriptor;
   * {@code -1} ({@code -ENOENT}) for {@link io.asisim.api.kernel.Kernel#NO_FILE}.
   */
  int open(int cpu, int pid, int file) {
    if (!namei.open(cpu, file)) {
      return -1;
    }
    int filp = slab.fileOpened(cpu);
    int fd = tasks.installFd(pid, file, filp);
    if (fd < 0) {
      slab.filePut(cpu, filp); // do_sys_openat2() takes the descriptor first: no file is left behind
      throw new IllegalStateException("pid " + pid + " has " + FilesStruct.MAX_FDS + " files open");
    }
    return fd;
  }

  /** {@code close()}: {@link VfsCosts#CLOSE}. */
  void close(int cpu, int pid, int fd) {
    machine.charge(cpu, VfsCosts.CLOSE);
    closeFd(cpu, pid, fd);
  }

  /** {@code exit_files()}: every open descriptor of a dying task is closed. */
  void exitFiles(int cpu, int pid) {
    for (int fd = 0; fd < FilesStruct.MAX_FDS; fd++) {
      if (tasks.isOpen(pid, fd)) {
        closeFd(cpu, pid, fd);
      }
    }
  }

  /** {@code filp_close()}: the last descriptor of a file ends the process's access to its cached pages. */
  private void closeFd(int cpu, int pid, int fd) {
    int file = tasks.fileOf(pid, fd);
    slab.filePut(cpu, tasks.filpOf(pid, fd)); // filp_close() -> fput()
    tasks.clearFd(pid, fd);
    if (tasks.hasOpen(pid, file)) {
      return; // another descriptor of the same file keeps access
    }
    MmState m = tasks.mm(pid);
    long n = cache.slots(file); // a huge folio's pages past the end too: its write cleared them
    for (long i = 0; i < n; i++) {
      long pfn = cache.peek(file, i);
      if (pfn >= 0 && !m.vmas.maps(file, i)) { // a mapping of the page keeps access after close
        plugins.accessLost(cpu, m, pfn);
      }
    }
  }

  /**
   * {@code read()}/{@code pread64()} of {@code pages} pages from page {@code index}: each copied into
   * the I/O buffer. {@code ksys_pread64()} → {@code fdget()}, {@code vfs_read()} →
   * {@code rw_verify_area()}, {@code new_sync_read()} → {@code shmem_file_read_iter()} (tmpfs) or
   * {@code filemap_read()} (disk files), {@code touch_atime()}, {@code fdput()}: {@link VfsCosts#READ_CALL}
   * once, {@link VfsCosts#READ_PER_FOLIO} and the copy per page, and {@link VfsCosts#READ_LOOKUP_COLD} ({@link VfsCosts#READ_LOOKUP_COLD_PMD} in a huge tmpfs folio)
   * per page of a file larger than the LLC.
   */
  void read(int cpu, int pid, int fd, long index, int pages) {
    int file = tasks.fileOf(pid, fd);
    MmState m = tasks.mm(pid);
    machine.charge(cpu, VfsCosts.READ_CALL);
    long size = cache.size(file);
    long end = Math.min(index + pages, size);
    for (long i = index; i < end; i++) {
      machine.charge(cpu, VfsCosts.READ_PER_FOLIO);
      long pfn = cache.lookup(file, i);
      if (pfn < 0 && !cache.evictable(file)) {
        // shmem_file_read_iter() with SGP_READ: a hole reads as ZERO_PAGE (kernel image,
        // nonsensitive, one page: always cache-resident), nothing is allocated
        memory.kernelWriteUser(cpu, m, m.bufVa);
        machine.charge(cpu, copyCost.forWorkingSet(1));
        continue;
      }
      long copy = copyCost.forWorkingSet(size);
      if (!copyCost.fits(size)) { // page-cache metadata misses the caches too, less of it for a huge folio
        machine.charge(cpu, cache.inPmdFolio(file, i) ? VfsCosts.READ_LOOKUP_COLD_PMD : VfsCosts.READ_LOOKUP_COLD);
      }
      if (pfn < 0) {
        pfn = faults.readIn(cpu, file, i); // readahead: allocated and filled by DMA (no CPU mapping)
        if (pfn < 0) {
          break;
        }
        copy = copyCost.cold(); // no CPU has read the page yet
      }
      // copy_page_to_iter(): source is the page-cache page, destination the user buffer
      highmem.kmapLocal(cpu, m.mm, pfn, false, AccessSite.PAGECACHE_READ);
      memory.kernelWriteUser(cpu, m, m.bufVa); // copy_to_user() into a buffer still shared after fork faults: CoW
      machine.charge(cpu, copy);
    }
  }

  /**
   * {@code write()} of {@code pages} full pages from page {@code index}, from the I/O buffer:
   * {@code ksys_write()} → {@code vfs_write()} → {@code shmem_file_write_iter()} /
   * {@code generic_file_write_iter()} → {@code generic_perform_write()}: {@link VfsCosts#WRITE_CALL}
   * once, {@link VfsCosts#WRITE_PER_FOLIO} and the copy per page (its source, the one-page user
   * buffer, is always cache-resident).
   */
  void write(int cpu, int pid, int fd, long index, int pages) {
    int file = tasks.fileOf(pid, fd);
    MmState m = tasks.mm(pid);
    machine.charge(cpu, VfsCosts.WRITE_CALL);
    long end = Math.min(index + pages, cache.size(file));
    for (long i = index; i < end; i++) {
      machine.charge(cpu, VfsCosts.WRITE_PER_FOLIO);
      long pfn = cache.lookup(file, i);
      if (pfn < 0) {
        // write_begin: a new page-cache folio (shmem_get_folio(), perhaps a huge one, for tmpfs)
        pfn = cache.evictable(file) ? faults.readIn(cpu, file, i) : faults.shmemWriteBegin(cpu, m, file, i);
        if (pfn < 0) {
          break;
        }
      }
      // copy_page_from_iter_atomic(): user buffer into the page-cache page (a full-page write needs no zeroing)
      memory.userAccess(cpu, m.bufVa, false);
      highmem.kmapLocal(cpu, m.mm, pfn, true, AccessSite.PAGECACHE_WRITE);
      machine.charge(cpu, copyCost.forWorkingSet(1));
    }
  }

  /**
   * Whether process {@code pid} could legitimately {@code read()} frame {@code pfn} right now
   * (its "logical access", docs/checker.md): the frame caches a page of a file the process has
   * open or maps, or is an anonymous page mapped in its mm (shared copy-on-write pages count for
   * every sharer). Allocation-free, O(open files + file mappings).
   */
  boolean hasLogicalAccess(int pid, long pfn) {
    if (!tasks.alive(pid)) {
      return false;
    }
    if (tasks.mm(pid).mapsAnon(pfn)) {
      return true;
    }
    long code = cache.ownerOf(pfn);
    if (code == LongLongMap.ABSENT) {
      return false;
    }
    int file = PageCache.fileOf(code);
    return tasks.hasOpen(pid, file) || tasks.mm(pid).vmas.maps(file, PageCache.indexOf(code));
  }
}
