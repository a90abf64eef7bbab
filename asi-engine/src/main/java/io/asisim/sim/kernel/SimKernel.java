package io.asisim.sim.kernel;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.SimContext;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.util.SplittableRandom;

/**
 * The simulated kernel's system-call table: each {@link Kernel} operation enters the kernel for its
 * task ({@link Sched#enter}), dispatches to the layer that models the kernel source it stands for,
 * and returns to user space. Every memory touch goes through the machine's TLB model, so a
 * restricted access to a sensitive frame takes the #PF path and exits ASI; every exit is attributed
 * to the kernel path (site) that caused it.
 *
 * <p>The layers, bottom up: {@link TaskTable} (pids, {@code task_struct}/{@code files_struct}),
 * {@link Sched} (kernel/sched/core.c, the one context switch), {@link Highmem} (sensitive touches,
 * include/linux/highmem.h), {@link Vmscan} (mm/vmscan.c), {@link Memory} (mm/memory.c faults),
 * {@link Mmap} with {@link MmuGather} (mm/mmap.c, mm/mmu_gather.c), {@link FileMap} (fs/open.c,
 * fs/read_write.c, mm/filemap.c, mm/shmem.c), {@link Fork}, {@link Exec}, {@link Exit}
 * (kernel/fork.c, fs/exec.c, kernel/exit.c), {@link Wait} (wait4), {@link Pipe} (fs/pipe.c) and
 * {@link Tick} (the timer tick). See docs/kernel-map-engine.md.
 *
 * <p>Not modelled: futexes and signals, {@code MAP_SHARED}, swap, dirty writeback, NUMA.
 */
public final class SimKernel implements Kernel {
  private final Machine machine;
  private final PageAllocator allocator;
  private final SplittableRandom random;
  private final TaskTable tasks;
  private final AsiPlugins plugins;
  private final Sched sched;
  private final Highmem highmem;
  private final Vmscan vmscan;
  private final Memory memory;
  private final Mmap mmap;
  private final FileMap files;
  private final Fork fork;
  private final Exec exec;
  private final Exit exit;
  private final Wait wait;
  private final Pipe pipes;
  private final KernelView view;

  /**
   * @param mapper the temporary-mapping design, built on first use
   * @param flush its flush policy, built on first use
   * @param cs the context-switch exit policy, built on first use
   */
  @Inject
  public SimKernel(SimContext ctx, Provider<Mapper> mapper, Provider<FlushPolicy> flush,
      Provider<ContextSwitchPolicy> cs) {
    this.machine = ctx.machine();
    this.allocator = ctx.allocator();
    this.random = ctx.random("workload");
    AsiOps asi = machine.asi();
    // exit sites and counters are registered in this order: the run JSON lists them so
    int siteUser = asi.exitSite("user_access");
    int[] highmemSites = new int[AccessSite.values().length];
    for (AccessSite s : AccessSite.values()) {
      highmemSites[s.ordinal()] = asi.exitSite(s.exitSite());
    }
    int siteContextSwitch = asi.exitSite("context_switch");
    int siteExec = asi.exitSite("exec");
    KernelCounters counters = KernelCounters.register(ctx.metrics());

    this.tasks = new TaskTable(machine.nrCpus());
    this.plugins = AsiPlugins.forVariant(ctx, mapper, flush, cs, counters.accessLosses());
    this.sched = new Sched(machine, tasks, plugins, counters, siteContextSwitch);
    this.highmem = new Highmem(machine, plugins, highmemSites);
    PageCache cache = new PageCache();
    MapCount mapCount = new MapCount();
    this.vmscan = new Vmscan(machine, allocator, cache, tasks, plugins, counters, sched);
    this.memory = new Memory(machine, allocator, highmem, vmscan, mapCount, plugins, counters, siteUser);
    this.mmap = new Mmap(machine.addressSpaces(), mapCount, new MmuGather(machine.tlb(), allocator), plugins, sched);
    this.files = new FileMap(machine, cache, tasks, highmem, memory, vmscan, plugins, counters);
    this.fork = new Fork(machine, tasks, mapCount, sched, counters);
    this.exec = new Exec(machine, tasks, sched, mmap, memory, counters, siteExec);
    this.wait = new Wait(machine, tasks, sched);
    this.pipes = new Pipe(machine, tasks, sched, highmem, memory, vmscan, plugins, counters);
    this.exit = new Exit(machine, tasks, files, sched, mmap, pipes, wait);
    this.view = new CheckView(tasks, files, pipes, plugins, highmem);
  }

  // ---- allocator

  @Override
  public int nrCpus() {
    return machine.nrCpus();
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public long allocPages(int cpu, int order, int gfpMask) {
    return allocator.alloc(cpu, order, gfpMask);
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    allocator.free(cpu, pfn, order);
  }

  @Override
  public long freePages() {
    return allocator.freePages();
  }

  @Override
  public long totalPages() {
    return machine.nrFrames();
  }

  @Override
  public long reclaimWatermark() {
    return vmscan.reclaimHigh();
  }

  // ---- processes

  @Override
  public int cpuOf(int pid) {
    tasks.check(pid);
    return tasks.cpu(pid);
  }

  @Override
  public int spawn() {
    int cpu = sched.leastLoadedCpu();
    int pid = fork.spawn(cpu);
    if (pid < 0) {
      return -1;
    }
    if (!exec.setUpBuffer(cpu, pid)) {
      exit(pid);
      return -1;
    }
    sched.returnToUser(cpu);
    return pid;
  }

  @Override
  public int fork(int parent) {
    int cpu = sched.enter(parent);
    int child = fork.fork(cpu, parent);
    sched.returnToUser(cpu);
    return child;
  }

  @Override
  public boolean exec(int pid) {
    deThread(pid);
    int cpu = sched.enter(pid);
    if (!exec.exec(cpu, pid)) {
      exit(pid); // past the point of no return the kernel kills the task
      return false;
    }
    sched.returnToUser(cpu);
    return true;
  }

  @Override
  public void exit(int pid) {
    exit.exitGroup(pid);
  }

  @Override
  public int cloneThread(int pid) {
    int cpu = sched.enter(pid);
    int thread = fork.cloneThread(cpu, pid);
    sched.returnToUser(cpu);
    return thread;
  }

  @Override
  public int wait4(int pid) {
    int cpu = sched.enter(pid);
    int r = wait.wait4(cpu, pid);
    if (r != Wait.BLOCKED) {
      sched.returnToUser(cpu);
    }
    return r;
  }

  @Override
  public boolean runnable(int pid) {
    tasks.check(pid);
    return tasks.state(pid) == TaskTable.RUNNABLE;
  }

  @Override
  public void setUserWorkingSet(int pid, int dataPages, int textPages) {
    tasks.check(pid);
    tasks.setUserWorkingSet(pid, dataPages, textPages);
  }

  @Override
  public void runUser(int pid, long cycles) {
    sched.runUser(pid, cycles);
  }

  @Override
  public void migrate(int pid, int cpu) {
    sched.migrate(pid, cpu);
  }

  @Override
  public void runKthread(int cpu) {
    sched.runKthread(cpu);
  }

  // ---- files

  @Override
  public int createFile(long pages, boolean evictable) {
    return files.createFile(pages, evictable);
  }

  @Override
  public int open(int pid, int file) {
    files.checkExists(file);
    int cpu = sched.enter(pid);
    int fd = files.open(cpu, pid, file);
    sched.returnToUser(cpu);
    return fd;
  }

  @Override
  public void close(int pid, int fd) {
    int cpu = sched.enter(pid);
    files.close(cpu, pid, fd);
    sched.returnToUser(cpu);
  }

  @Override
  public void read(int pid, int fd, long index, int pages) {
    int cpu = sched.enter(pid);
    files.read(cpu, pid, fd, index, pages);
    sched.returnToUser(cpu);
  }

  @Override
  public void write(int pid, int fd, long index, int pages) {
    int cpu = sched.enter(pid);
    files.write(cpu, pid, fd, index, pages);
    sched.returnToUser(cpu);
  }

  // ---- pipes

  @Override
  public int pipe(int pid) {
    int cpu = sched.enter(pid);
    int p = pipes.create(cpu, pid);
    sched.returnToUser(cpu);
    return p;
  }

  @Override
  public int pipeWrite(int pid, int pipe, int pages) {
    pipes.check(pipe);
    int cpu = sched.enter(pid);
    int n = pipes.write(cpu, pid, pipe, pages);
    returnUnlessAsleep(cpu, pid);
    return n;
  }

  @Override
  public int pipeRead(int pid, int pipe, int pages) {
    pipes.check(pipe);
    int cpu = sched.enter(pid);
    int n = pipes.read(cpu, pid, pipe, pages);
    returnUnlessAsleep(cpu, pid);
    return n;
  }

  /** The system call returns to user space unless its task went to sleep in it (its CPU switched). */
  private void returnUnlessAsleep(int cpu, int pid) {
    if (tasks.current(cpu) == pid) {
      sched.returnToUser(cpu);
    }
  }

  // ---- anonymous memory

  @Override
  public long mmapAnon(int pid, int pages) {
    int cpu = sched.enter(pid);
    long va = mmap.mmapAnon(tasks.mm(pid), pages);
    sched.returnToUser(cpu);
    return va;
  }

  @Override
  public void munmap(int pid, long va, int pages) {
    int cpu = sched.enter(pid);
    mmap.munmap(cpu, tasks.mm(pid), va, pages);
    sched.returnToUser(cpu);
  }

  @Override
  public void touch(int pid, long va, boolean write) {
    int cpu = sched.enter(pid);
    memory.touch(cpu, tasks.mm(pid), va, write);
    sched.returnToUser(cpu);
  }

  /** The read-only view the checker sees ({@link KernelView}). */
  public KernelView view() {
    return view;
  }

  // ---- vfork and file mappings

  @Override
  public int vfork(int pid) {
    return fork.vfork(sched.enter(pid), pid); // the parent sleeps until the child execs or exits
  }

  @Override
  public boolean vforkWaiting(int pid) {
    return tasks.alive(pid) && tasks.mm(pid).vforkWaiting(pid);
  }

  @Override
  public long mmapFile(int pid, int file, long pages) {
    int cpu = sched.enter(pid);
    long va = files.mmapFile(tasks.mm(pid), file, pages);
    sched.returnToUser(cpu);
    return va;
  }

  @Override
  public boolean exec(int pid, int file, long textPages) {
    files.checkExists(file);
    deThread(pid);
    int cpu = sched.enter(pid);
    if (!exec.exec(cpu, pid, file, textPages)) {
      exit(pid); // past the point of no return the kernel kills the task
      return false;
    }
    sched.returnToUser(cpu);
    return true;
  }

  /** {@code de_thread()}: an exec ends the other threads of the process. */
  private void deThread(int pid) {
    tasks.check(pid);
    if (!tasks.isThreadGroupLeader(pid)) {
      // the kernel makes the exec'ing thread the leader (it takes over the pid): not modelled
      throw new IllegalArgumentException("exec by thread " + pid + " of process " + tasks.tgid(pid)
          + ": only the thread-group leader can exec here");
    }
    exit.zapOtherThreads(pid);
  }
}
