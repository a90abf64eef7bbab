package io.asisim.api.kernel;

import java.util.SplittableRandom;

/**
 * The simulated kernel as a workload drives it. Every call runs on a simulated CPU and charges its
 * cycles there; process-level calls run on the CPU the scheduler placed the process on,
 * context-switching to it first if needed. Methods beyond the page allocator are {@code default}
 * so that small kernels (e.g. a test's allocator-only kernel) need not implement them; the
 * simulated kernel of asi-engine implements all of them.
 */
public interface Kernel extends TransparentHugepages, HugetlbPages {

  /** Number of simulated CPUs. */
  int nrCpus();

  /** The workload's random stream, seeded from the run's seed. */
  SplittableRandom random();

  /** Allocates {@code 2^order} pages with {@code gfpMask} on {@code cpu}; {@code -1} on failure. */
  long allocPages(int cpu, int order, int gfpMask);

  /** Frees pages allocated with {@link #allocPages}. */
  void freePages(int cpu, long pfn, int order);

  /**
   * Frees {@code 2^order} pages allocated before the simulation began ({@code PageAllocator#freePreexisting}):
   * the first pfn, or -1 if the allocator holds no such block.
   */
  default long freePreexistingPages(int cpu, int order) {
    return -1;
  }

  /** Free pages in the allocator right now. */
  long freePages();

  /** Total pages of simulated memory. */
  long totalPages();

  /** Free pages below which the kernel reclaims (the allocator's watermarks); 0 if none. */
  default long reclaimWatermark() {
    return 0;
  }

  /**
   * Creates a process with a fresh mm and one anonymous page as its I/O buffer, placed on the
   * least-loaded CPU ({@code kernel_clone()} + {@code exec} of a new program).
   *
   * @return its pid, or {@code -1} when memory is exhausted
   */
  default int spawn() {
    throw unsupported("spawn");
  }

  /** {@code fork()}: a child sharing the parent's anonymous pages copy-on-write and its open files. */
  default int fork(int pid) {
    throw unsupported("fork");
  }

  /**
   * {@code execve()}: replaces the process's mm with a fresh one (files stay open).
   *
   * @return {@code false} if the process died in the attempt (memory ran out past the point of no
   *     return); its pid is then free
   */
  default boolean exec(int pid) {
    throw unsupported("exec");
  }

  /**
   * {@code exit()}: closes the files, drops the mm (torn down with its last user), frees the pid.
   * For a thread other than the leader only the thread ends; the leader's exit ends its whole
   * process ({@code exit_group()}).
   */
  default void exit(int pid) {
    throw unsupported("exit");
  }

  /**
   * Creates a file of {@code pages} pages with no cached contents.
   *
   * @param evictable {@code false} for tmpfs (pages stay until the file is truncated), {@code true}
   *     for a disk-backed file whose clean pages reclaim may evict
   * @return the file id
   */
  default int createFile(long pages, boolean evictable) {
    throw unsupported("createFile");
  }

  /**
   * {@code open()}: returns a file descriptor of {@code pid} for {@code file}; for {@link #NO_FILE}
   * the path lookup fails and the call returns {@code -1} ({@code -ENOENT}).
   */
  default int open(int pid, int file) {
    throw unsupported("open");
  }

  /** {@code close()}. */
  default void close(int pid, int fd) {
    throw unsupported("close");
  }

  /** {@code read()} of {@code pages} 4 KiB pages from page {@code index}: page cache to the user buffer. */
  default void read(int pid, int fd, long index, int pages) {
    throw unsupported("read");
  }

  /** {@code write()} of {@code pages} 4 KiB pages at page {@code index}: user buffer to the page cache. */
  default void write(int pid, int fd, long index, int pages) {
    throw unsupported("write");
  }

  /** Anonymous {@code mmap()} of {@code pages} pages; returns the start address (pages fault in on touch). */
  default long mmapAnon(int pid, int pages) {
    throw unsupported("mmapAnon");
  }

  /**
   * {@code finit_module()} by {@code pid} of a module of {@code pages} pages, made read-only
   * (its direct-map aliases too, {@code set_memory_ro()}); a handle for {@link #unloadModule}, or -1
   * when out of memory.
   */
  default int loadModule(int pid, int pages) {
    throw unsupported("loadModule");
  }

  /** {@code delete_module()} by {@code pid} of module {@code handle}: permissions restored, pages freed. */
  default void unloadModule(int pid, int handle) {
    throw unsupported("unloadModule");
  }

  /** Memory blocks of the machine ({@code /sys/devices/system/memory/memory*}), 0 without memory hotplug. */
  default long nrMemoryBlocks() {
    return 0;
  }

  /**
   * Hot removal by {@code pid} of memory block {@code block} (a sysfs {@code offline}, then
   * {@code remove_memory()}): its pages migrated out and taken from their zone, then its direct
   * map torn down. 0, {@code -EBUSY} (a page that cannot move; the block stays online) or
   * {@code -EINVAL}.
   */
  default int removeMemoryBlock(int pid, long block) {
    throw unsupported("removeMemoryBlock");
  }

  /** {@code add_memory()} and online of a block {@link #removeMemoryBlock} removed: 0 or {@code -EINVAL}. */
  default int addMemoryBlock(int pid, long block) {
    throw unsupported("addMemoryBlock");
  }

  /**
   * {@code madvise(MADV_DONTNEED)} of {@code pages} pages at {@code va}: their pages are freed, the
   * mapping stays, and the next touch faults in a new zeroed page.
   */
  default void madviseDontneed(int pid, long va, int pages) {
    throw unsupported("madviseDontneed");
  }

  /**
   * {@code /proc/PID/pagemap}: the frame mapping {@code va} in {@code pid}'s address space, or -1
   * (a calibration program reads it to choose pages by frame).
   */
  default long pagemap(int pid, long va) {
    throw unsupported("pagemap");
  }

  /**
   * {@code dma_alloc_contiguous()} → {@code cma_alloc()} on {@code cpu}: {@code nrPageblocks} pageblocks of the
   * allocator's CMA area ({@code cma}), movable pages migrated out; the first pfn, or -1 ({@code cma_alloc_fail}).
   */
  default long cmaAlloc(int cpu, int nrPageblocks) {
    throw unsupported("cmaAlloc");
  }

  /** {@code cma_release()} of a run {@link #cmaAlloc} gave. */
  default void cmaRelease(int cpu, long pfn, int nrPageblocks) {
    throw unsupported("cmaRelease");
  }

  /** /proc/buddyinfo summed from column {@code minOrder}: free pages in blocks of that order or more; -1 unknown. */
  default long freePagesInBlocks(int minOrder) {
    throw unsupported("freePagesInBlocks");
  }

  /** {@code munmap()} of {@code pages} pages at {@code va}. */
  default void munmap(int pid, long va, int pages) {
    throw unsupported("munmap");
  }

  /** A user access to {@code va}: anonymous fault, copy-on-write fault, or a plain TLB access. */
  default void touch(int pid, long va, boolean write) {
    throw unsupported("touch");
  }

  /**
   * {@code wait4(-1, ...)}: {@code pid} reaps one exited child. Returns {@code 1} if a child had
   * already exited (reaped at once), {@code 0} if the caller went to sleep (its CPU runs another
   * task or idles; it is woken, and the call completes, when a child exits, and it must not make
   * calls before), or {@code -1} ({@code -ECHILD}) if it has no children.
   */
  default int wait4(int pid) {
    throw unsupported("wait4");
  }

  /** Whether {@code pid} is runnable (not asleep in {@link #wait4} or a pipe). */
  default boolean runnable(int pid) {
    return true;
  }

  /**
   * The user working set of {@code pid} (set at exec/spawn; a fork child inherits its parent's):
   * {@code dataPages} data and {@code textPages} text pages that its user code touches, which
   * {@link #runUser} refills in the TLB after a flush.
   */
  default void setUserWorkingSet(int pid, int dataPages, int textPages) {}

  /**
   * How fast the user code of {@code pid} replaces the caches (a fork child inherits it): bytes of
   * L1 data-cache fills per 1000 cycles of {@link #runUser}. A kernel entry that follows such code
   * pays the CPU profile's cold-entry cost for the bytes filled since the CPU's previous kernel
   * entry ({@code Cost.COLD_FAULT_0K}); 0 (the default) leaves every entry at its loop-measured
   * cost.
   */
  default void setUserCacheFill(int pid, int l1dBytesPerKcycle) {}

  /**
   * {@code pid} runs {@code cycles} of user code on its CPU (switching to it first; the return to
   * user space is {@code asi_enter_userspace()}), touching its user working set; timer ticks of
   * that time are delivered.
   */
  default void runUser(int pid, long cycles) {
    throw unsupported("runUser");
  }

  /** {@code pipe2()}: a pipe created by {@code pid}, which holds both ends; returns its id. */
  default int pipe(int pid) {
    throw unsupported("pipe");
  }

  /**
   * {@code write()} of {@code pages} pages to {@code pipe}; returns the pages written. Fewer: the
   * pipe was full and the writer sleeps until a reader empties a buffer.
   */
  default int pipeWrite(int pid, int pipe, int pages) {
    throw unsupported("pipeWrite");
  }

  /** {@code read()} of up to {@code pages} pages; 0: the pipe was empty and the reader sleeps until a write. */
  default int pipeRead(int pid, int pipe, int pages) {
    throw unsupported("pipeRead");
  }

  /** A kernel thread runs on {@code cpu} (borrowing the loaded mm) and the previous task resumes. */
  default void runKthread(int cpu) {
    throw unsupported("runKthread");
  }

  /** Moves {@code pid} to {@code cpu} (load balancing); it runs there from its next call. */
  default void migrate(int pid, int cpu) {
    throw unsupported("migrate");
  }

  /** The CPU {@code pid} runs on. */
  default int cpuOf(int pid) {
    throw unsupported("cpuOf");
  }

  /**
   * Where {@link #exec(int, int, long)} maps a program's text: the traditional non-PIE ELF load
   * address. Text page {@code i} is at {@code TEXT_BASE + (i << 12)}.
   */
  long TEXT_BASE = 0x0040_0000L;

  /**
   * {@code vfork()} / {@code clone(CLONE_VM|CLONE_VFORK)} (glibc {@code posix_spawn()}, make's
   * {@code clone3}, dash's {@code vfork}): a child that shares the parent's mm (no page-table copy,
   * no copy-on-write) and a copy of its open files, until it calls {@link #exec} or {@link #exit}.
   * Until then the parent is suspended: {@link #vforkWaiting} is true for it and a workload must
   * not run it (its CPU has switched to the idle task). The mm is freed only when its last user
   * (parent or child) is gone.
   *
   * @return the child's pid
   */
  default int vfork(int pid) {
    throw unsupported("vfork");
  }

  /**
   * {@code clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD)} (glibc
   * {@code pthread_create()}): a new thread of {@code pid}'s process. It shares the mm (the same
   * page tables, so it may run on another CPU at the same time and every CPU running the mm is in
   * its {@code mm_cpumask}) and the descriptor table, and is placed on the least-loaded CPU. A
   * thread's {@link #exit} ends only that thread (its process stays, nobody waits for it); the
   * exit or exec of the thread-group leader ends every other thread first ({@code exit_group()},
   * {@code de_thread()}).
   *
   * @return the new thread's pid (its task id)
   */
  default int cloneThread(int pid) {
    throw unsupported("cloneThread");
  }

  /** Whether {@code pid} is suspended in {@code vfork()} waiting for its child to exec or exit. */
  default boolean vforkWaiting(int pid) {
    return false;
  }

  /**
   * Private file {@code mmap()} ({@code MAP_PRIVATE}, read-write) of the first {@code pages} pages
   * of {@code file} (at most its size); returns the start address. Nothing is touched: a
   * {@link #touch} read maps the page-cache page ({@code filemap_fault()}, reading it in on a
   * miss), a write makes a private anonymous copy of it ({@code do_cow_fault()} / {@code wp_page_copy()}).
   * {@link #munmap} unmaps it (page-cache pages stay cached).
   */
  default long mmapFile(int pid, int file, long pages) {
    throw unsupported("mmapFile");
  }

  /**
   * {@link #exec(int)} of a program whose text is the first {@code textPages} pages of {@code file}
   * (1 to 64512 pages), mapped privately at {@link #TEXT_BASE} as {@link #mmapFile} maps: the
   * program's instruction fetches are {@link #touch} reads of those addresses (file faults the
   * first time), its relocations or self-modifications writes (private copies).
   *
   * @return as {@link #exec(int)}
   */
  default boolean exec(int pid, int file, long textPages) {
    throw unsupported("exec with text");
  }

  /**
   * A path that names no file, for {@link #stat} and {@link #open}: the lookup walks the path and
   * fails with {@code -ENOENT} (an include-path search, a {@code PATH} search, make's check of a
   * prerequisite that is not there).
   */
  int NO_FILE = -1;

  /**
   * {@code newfstatat()} of the path of {@code file} ({@link #NO_FILE}: a missing path).
   *
   * @return {@code false} if the lookup failed ({@code -ENOENT})
   */
  default boolean stat(int pid, int file) {
    throw unsupported("stat");
  }

  /** {@code readlink()} of the path of {@code file}, a regular file: fails with {@code -EINVAL}. */
  default void readlink(int pid, int file) {
    throw unsupported("readlink");
  }

  /** {@code execve()} of a path that does not exist: fails with {@code -ENOENT}; the process goes on. */
  default void execMissing(int pid) {
    throw unsupported("execMissing");
  }

  /**
   * {@code mprotect()} of {@code pages} pages at {@code va} to read-only: the VMA is split and its
   * flags changed. Only the VMA is modelled: the range must have no page faulted in (ld.so and
   * malloc protect ranges they have not touched yet).
   */
  default void mprotect(int pid, long va, int pages) {
    throw unsupported("mprotect");
  }

  /**
   * {@code brk()}: moves the program break of {@code pid} by {@code deltaPages} (negative: shrinks,
   * unmapping the pages above the new break); returns the new break.
   */
  default long brk(int pid, int deltaPages) {
    throw unsupported("brk");
  }

  /** {@code rt_sigaction()}: installs or reads one signal handler. */
  default void sigaction(int pid) {
    throw unsupported("sigaction");
  }

  /** {@code futex(FUTEX_WAKE)} with no waiter (glibc's uncontended lock release in a traced run). */
  default void futexWake(int pid) {
    throw unsupported("futexWake");
  }

  /**
   * A system call whose body the simulated kernel does not model ({@code getuid()},
   * {@code rt_sigprocmask()}, {@code lseek()}, {@code fcntl()}, ...): entry and return only.
   */
  default void syscall(int pid) {
    throw unsupported("syscall");
  }

  /** {@link #kvmRun} exit: an EPT violation on guest memory not yet backed (the VMM page at {@code hva}). */
  int KVM_EXIT_EPT_VIOLATION = 0;
  /** {@link #kvmRun} exit: an MSR write handled on KVM's fast path (e.g. the guest's TSC deadline). */
  int KVM_EXIT_MSR = 1;
  /** {@link #kvmRun} exit: HLT; the vCPU thread sleeps until {@link #kvmInterrupt}. */
  int KVM_EXIT_HLT = 2;
  /** {@link #kvmRun} exit: I/O the VMM emulates; {@code KVM_RUN} returns to user space. */
  int KVM_EXIT_IO = 3;
  /**
   * {@link #kvmRun} exit: the guest sends an IPI (an x2APIC ICR write) to the vCPU thread whose pid
   * is the call's {@code arg}: a halted one is woken, one running its guest on another CPU is kicked
   * out of it (an exit there).
   */
  int KVM_EXIT_IPI = 4;

  /**
   * One VM entry of vCPU thread {@code pid} (a thread of the VMM process, whose anonymous memory is
   * the guest's): {@code guestCycles} in the guest, then the exit {@code exit}
   * ({@code KVM_EXIT_*}; {@code arg} is the VMM address an EPT violation faults in, or the target
   * vCPU's pid of an IPI). The first call
   * issues the {@code KVM_RUN} ioctl and the thread stays in it, in the kernel, until an I/O exit
   * returns it to user space; meanwhile no other system call may run it.
   */
  default void kvmRun(int pid, long guestCycles, int exit, long arg) {
    throw unsupported("kvmRun");
  }

  /** An interrupt for the halted vCPU thread {@code pid} ({@code kvm_vcpu_kick()}), raised from {@code fromCpu}. */
  default void kvmInterrupt(int fromCpu, int pid) {
    throw unsupported("kvmInterrupt");
  }

  /** Whether {@code pid} is halted in {@code KVM_RUN} (waiting for {@link #kvmInterrupt}). */
  default boolean kvmHalted(int pid) {
    return false;
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(what + " is not supported by this kernel");
  }
}
