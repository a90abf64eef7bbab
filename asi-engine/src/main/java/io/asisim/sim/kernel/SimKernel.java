package io.asisim.sim.kernel;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.SimContext;
import jakarta.inject.Inject;
import jakarta.inject.Provider;

/**
 * The simulated kernel's system-call table: each {@link io.asisim.api.kernel.Kernel} operation enters the kernel for its
 * task ({@link Sched#enter}), dispatches to the layer that models the kernel source it stands for
 * (the layers are built by {@link KernelInit}) and returns to user space. Every memory touch goes
 * through the machine's TLB model, so a restricted access to a sensitive frame takes the #PF path
 * and exits ASI; every exit is attributed to the kernel path (site) that caused it.
 *
 * <p>Not modelled: futex waits and signal delivery (only {@code rt_sigaction()} and an uncontended
 * {@code futex_wake()} are charged), {@code MAP_SHARED}, swap, dirty writeback, NUMA.
 */
public final class SimKernel extends KernelPageCalls {

  /**
   * @param mapper the temporary-mapping design, built on first use
   * @param flush its flush policy, built on first use
   * @param cs the context-switch exit policy, built on first use
   */
  @Inject
  public SimKernel(SimContext ctx, Provider<Mapper> mapper, Provider<FlushPolicy> flush,
      Provider<ContextSwitchPolicy> cs) {
    super(new KernelInit(ctx, mapper, flush, cs), ctx.random("workload"));
  }

  // ---- processes

  @Override
  public int cpuOf(int pid) {
    k.tasks.check(pid);
    return k.tasks.cpu(pid);
  }

  @Override
  public int spawn() {
    int cpu = k.sched.leastLoadedCpu();
    int pid = k.fork.spawn(cpu);
    if (pid < 0) {
      return -1;
    }
    if (!k.exec.setUpBuffer(cpu, pid)) {
      exit(pid);
      return -1;
    }
    k.sched.returnToUser(cpu);
    return pid;
  }

  @Override
  public int fork(int parent) {
    int cpu = k.sched.enter(parent);
    int child = k.fork.fork(cpu, parent);
    k.sched.returnToUser(cpu);
    return child;
  }

  @Override
  public boolean exec(int pid) {
    return execve(pid, -1, 0);
  }

  @Override
  public void exit(int pid) {
    k.exit.exitGroup(pid);
  }

  @Override
  public int cloneThread(int pid) {
    int cpu = k.sched.enter(pid);
    int thread = k.fork.cloneThread(cpu, pid);
    k.sched.returnToUser(cpu);
    return thread;
  }

  @Override
  public int wait4(int pid) {
    int cpu = k.sched.enter(pid);
    int r = k.wait.wait4(cpu, pid);
    if (r != Wait.BLOCKED) {
      k.sched.returnToUser(cpu);
    }
    return r;
  }

  @Override
  public boolean runnable(int pid) {
    k.tasks.check(pid);
    return k.tasks.state(pid) == TaskTable.RUNNABLE;
  }

  @Override
  public void setUserWorkingSet(int pid, int dataPages, int textPages) {
    k.tasks.check(pid);
    k.tasks.setUserWorkingSet(pid, dataPages, textPages);
  }

  @Override
  public void setUserCacheFill(int pid, int l1dBytesPerKcycle) {
    k.tasks.check(pid);
    k.tasks.setUserCacheFill(pid, l1dBytesPerKcycle);
  }

  @Override
  public void runUser(int pid, long cycles) {
    k.sched.runUser(pid, cycles);
  }

  @Override
  public void migrate(int pid, int cpu) {
    k.sched.migrate(pid, cpu);
  }

  @Override
  public void runKthread(int cpu) {
    k.sched.runKthread(cpu);
  }

  // ---- files

  @Override
  public int createFile(long pages, boolean evictable) {
    return k.files.createFile(pages, evictable);
  }

  @Override
  public int open(int pid, int file) {
    if (file != NO_FILE) {
      k.files.checkExists(file);
    }
    int cpu = k.sched.enter(pid);
    k.sched.cold().pathWalk(cpu);
    int fd = k.files.open(cpu, pid, file);
    k.sched.returnToUser(cpu);
    return fd;
  }

  @Override
  public void close(int pid, int fd) {
    int cpu = k.sched.enter(pid);
    k.files.close(cpu, pid, fd);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void read(int pid, int fd, long index, int pages) {
    int cpu = k.sched.enter(pid);
    k.files.read(cpu, pid, fd, index, pages);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void write(int pid, int fd, long index, int pages) {
    int cpu = k.sched.enter(pid);
    k.files.write(cpu, pid, fd, index, pages);
    k.sched.returnToUser(cpu);
  }

  // ---- pipes

  @Override
  public int pipe(int pid) {
    int cpu = k.sched.enter(pid);
    int p = k.pipes.create(cpu, pid);
    k.sched.returnToUser(cpu);
    return p;
  }

  @Override
  public int pipeWrite(int pid, int pipe, int pages) {
    k.pipes.check(pipe);
    int cpu = k.sched.enter(pid);
    int n = k.pipes.write(cpu, pid, pipe, pages);
    k.sched.returnToUserUnlessAsleep(cpu, pid);
    return n;
  }

  @Override
  public int pipeRead(int pid, int pipe, int pages) {
    k.pipes.check(pipe);
    int cpu = k.sched.enter(pid);
    int n = k.pipes.read(cpu, pid, pipe, pages);
    k.sched.returnToUserUnlessAsleep(cpu, pid);
    return n;
  }

  // ---- anonymous memory

  @Override
  public long mmapAnon(int pid, int pages) {
    int cpu = k.sched.enter(pid);
    long va = k.mmap.mmapAnon(cpu, k.tasks.mm(pid), pages);
    k.sched.returnToUser(cpu);
    return va;
  }

  @Override
  public int loadModule(int pid, int pages) {
    int cpu = k.sched.enter(pid);
    int h = k.modules.load(cpu, pages);
    k.sched.returnToUser(cpu);
    return h;
  }

  @Override
  public void unloadModule(int pid, int handle) {
    int cpu = k.sched.enter(pid);
    k.modules.unload(cpu, handle);
    k.sched.returnToUser(cpu);
  }

  @Override
  public long nrMemoryBlocks() {
    return k.memoryBlocks.nrBlocks();
  }

  @Override
  public int removeMemoryBlock(int pid, long block) {
    int cpu = k.sched.enter(pid);
    int rc = k.memoryBlocks.remove(cpu, block);
    k.sched.returnToUser(cpu);
    return rc;
  }

  @Override
  public int addMemoryBlock(int pid, long block) {
    int cpu = k.sched.enter(pid);
    int rc = k.memoryBlocks.add(cpu, block);
    k.sched.returnToUser(cpu);
    return rc;
  }

  @Override
  public void setTransparentHugepage(int mode) {
    k.huge.setMode(mode);
    k.khugepaged.startStop(); // enabled_store() -> start_stop_khugepaged()
  }

  @Override
  public void setKhugepaged(io.asisim.api.kernel.KhugepagedTunables tunables) {
    k.khugepaged.setTunables(java.util.Objects.requireNonNull(tunables, "khugepaged tunables"));
  }

  @Override
  public void setThpDefrag(int defrag) {
    k.huge.setDefrag(defrag);
    k.shmem.setDefrag(defrag); // vma_thp_gfp_mask() serves shmem's huge folios too
  }

  @Override
  public void setTmpfsHuge(int huge) {
    k.shmem.setMountHuge(huge);
  }

  @Override
  public void setShmemEnabled(int value) {
    k.shmem.setShmemEnabled(value);
  }

  @Override
  public void setThpShrinkUnderused(boolean on) {
    k.huge.splitter.setShrinkUnderused(on);
  }

  @Override
  public void madviseHugepage(int pid, long va, int pages) {
    int cpu = k.sched.enter(pid);
    k.mmap.madviseHugepage(cpu, k.tasks.mm(pid), va, pages);
    k.sched.returnToUser(cpu);
  }

  @Override
  public long pagemap(int pid, long va) {
    long v = k.tasks.mm(pid).anon.get(va);
    return v == io.asisim.sim.util.LongLongMap.ABSENT ? -1 : v & MmState.PFN_MASK;
  }

  @Override
  public void madviseDontneed(int pid, long va, int pages) {
    int cpu = k.sched.enter(pid);
    k.mmap.madviseDontneed(cpu, k.tasks.mm(pid), va, pages);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void munmap(int pid, long va, int pages) {
    int cpu = k.sched.enter(pid);
    k.mmap.munmap(cpu, k.tasks.mm(pid), va, pages);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void touch(int pid, long va, boolean write) {
    int cpu = k.sched.enter(pid);
    if (k.memory.touch(cpu, k.tasks.mm(pid), va, write)) {
      k.sched.cold().fault(cpu);
    }
    k.sched.returnToUser(cpu);
  }

  @Override
  public void kvmRun(int pid, long guestCycles, int exit, long arg) {
    k.tasks.check(pid);
    k.kvm.run(pid, guestCycles, exit, arg);
  }

  @Override
  public void kvmInterrupt(int fromCpu, int pid) {
    k.tasks.check(pid);
    k.kvm.interrupt(fromCpu, pid);
  }

  @Override
  public boolean kvmHalted(int pid) {
    return k.tasks.alive(pid) && k.tasks.state(pid) == TaskTable.WAIT_HLT;
  }

  /** The kernel's slab caches ({@code /proc/slabinfo}, tests). */
  public io.asisim.sim.slab.Slub slub() {
    return k.slab.slub();
  }

  /** The kernel's object bookkeeping, for this package's tests. */
  KernelSlab kernelSlab() {
    return k.slab;
  }

  /** The read-only view the checker sees ({@link KernelView}). */
  public KernelView view() {
    return k.view;
  }

  // ---- vfork and file mappings

  @Override
  public int vfork(int pid) {
    return k.fork.vfork(k.sched.enter(pid), pid); // the parent sleeps until the child execs or exits
  }

  @Override
  public boolean vforkWaiting(int pid) {
    return k.tasks.alive(pid) && k.tasks.mm(pid).vforkWaiting(pid);
  }

  @Override
  public long mmapFile(int pid, int file, long pages) {
    int cpu = k.sched.enter(pid);
    long va = k.files.mmapFile(cpu, k.tasks.mm(pid), file, pages);
    k.sched.returnToUser(cpu);
    return va;
  }

  @Override
  public boolean exec(int pid, int file, long textPages) {
    k.files.checkExists(file);
    return execve(pid, file, textPages);
  }

  /** {@code execve()}, with a text mapping of {@code file} unless it is negative. */
  private boolean execve(int pid, int file, long textPages) {
    k.exec.deThread(pid);
    int cpu = k.sched.enter(pid);
    if (!k.exec.exec(cpu, pid, file, textPages)) {
      exit(pid); // past the point of no return the kernel kills the task
      return false;
    }
    k.sched.returnToUser(cpu);
    return true;
  }

  // ---- path lookups, memory protection, signals: calls a build makes by the thousand

  @Override
  public boolean stat(int pid, int file) {
    int cpu = k.sched.enter(pid);
    k.sched.cold().pathWalk(cpu);
    boolean found = k.namei.stat(cpu, file);
    k.sched.returnToUser(cpu);
    return found;
  }

  @Override
  public void readlink(int pid, int file) {
    int cpu = k.sched.enter(pid);
    k.sched.cold().pathWalk(cpu);
    k.namei.readlink(cpu, file);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void execMissing(int pid) {
    int cpu = k.sched.enter(pid);
    k.sched.cold().pathWalk(cpu);
    k.exec.execMissing(cpu);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void mprotect(int pid, long va, int pages) {
    int cpu = k.sched.enter(pid);
    k.mmap.mprotect(cpu, k.tasks.mm(pid), va, pages);
    k.sched.returnToUser(cpu);
  }

  @Override
  public long brk(int pid, int deltaPages) {
    int cpu = k.sched.enter(pid);
    long brk = k.mmap.brk(cpu, k.tasks.mm(pid), deltaPages);
    k.sched.returnToUser(cpu);
    return brk;
  }

  @Override
  public void sigaction(int pid) {
    int cpu = k.sched.enter(pid);
    k.signal.sigaction(cpu);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void futexWake(int pid) {
    int cpu = k.sched.enter(pid);
    k.futex.wake(cpu);
    k.sched.returnToUser(cpu);
  }

  @Override
  public void syscall(int pid) {
    k.sched.returnToUser(k.sched.enter(pid));
  }
}
