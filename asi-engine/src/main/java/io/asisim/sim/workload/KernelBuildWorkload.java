package io.asisim.sim.workload;

import static io.asisim.sim.workload.KernelBuildRecipe.CHILDREN;
import static io.asisim.sim.workload.KernelBuildRecipe.PROG;
import static io.asisim.sim.workload.KernelBuildRecipe.SPAWN;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.metrics.Counter;
import io.asisim.api.mm.Gfp;
import java.util.SplittableRandom;

/**
 * A kernel compile ({@code make -jN}) as the calibration measured it (docs/workloads.md):
 * {@code jobs} slots, each a long-lived {@code make} that runs one compile unit after another,
 * a unit being the measured process tree of {@link KernelBuildRecipe} (20 processes: sh, gcc, cc1,
 * as, fixdep, objtool, check-local-export with nm and awk, rm, mkdir, subshells). Each process is
 * spawned as measured, with {@code clone3(CLONE_VM|CLONE_VFORK)} / {@code vfork()} followed by
 * exec, or a plain {@code fork()} whose child writes {@code cow-pages} inherited pages
 * (copy-on-write) before it execs or exits; the parent then sleeps in {@code wait4()}. An exec'd
 * process maps, reads and unmaps {@code /etc/ld.so.cache}, faults in its text and libraries
 * (read faults of its private file mapping) and writes their data ({@code do_cow_fault()}), issues
 * its share of the unit's other measured system calls ({@link KernelBuildSyscalls}: path lookups,
 * failing opens and execs, mmap/mprotect/brk, rt_sigaction, ...), faults in its anonymous memory,
 * runs its children, and exits (teardown). cc1 also reads
 * {@code files-per-job} headers through the page cache, maps, touches and unmaps the large regions
 * measured for it (above {@code tlb_single_page_flush_ceiling}, so the munmap flushes the whole
 * TLB), takes short-lived kernel pages and writes its output to make through a pipe; as writes the
 * object file. The unit's user time is spread evenly over its page-touching steps
 * ({@link Kernel#runUser}), with each process's user working set growing as it faults.
 *
 * <p>Each op advances one slot's runnable task (the leaf of its tree) by one step, a slot keeping
 * the CPU for {@code burst} steps; each slot starts at a random line of its recipe, as the makes of
 * a build in progress are. A kernel thread runs every {@code kthread-every} ops. At set-up a
 * reservation (huge pages of other tenants) leaves the build only {@code build-memory}, so kswapd
 * evicts page cache as the build proceeds.
 */
final class KernelBuildWorkload implements Workload {
  /** Order-0 kernel allocations seen in the compile trace besides page tables. */
  static final int[] GFP_KERNEL_MIX = {Gfp.GFP_NOWAIT, Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_ZERO};

  /** Estimate: user working set of make (data, text pages): a small interpreter. */
  static final int MAKE_DATA_PAGES = 64;
  static final int MAKE_TEXT_PAGES = 32;

  /** The deepest tree: make, sh, gcc, cc1. */
  private static final int DEPTH = 4;
  private static final int START = 0;
  private static final int TEXT = 1;
  private static final int DATA = 2;
  private static final int WORK = 3;
  private static final int FINISH = 4;
  private static final int CHILD = 5;
  private static final int COW = 6;
  private static final int WS_UPDATE = 256;

  private final KernelBuildParams p;
  private final KernelBuildSyscalls syscalls;
  private final SplittableRandom random;
  private final Counter units;
  private final long userPerStep;

  private int[] programFile;
  private int ldcache;
  private int[][] pid;
  private int[][] node;
  private int[][] phase;
  private int[][] left;
  private int[][] next;
  private int[][] touched;
  /** Steps of the working phase of the process at each depth (anonymous faults; cc1 also headers). */
  private int[][] workSteps;
  private long[][] heap;
  private int[] depth;
  /** cc1's large regions: sizes still to come, the current one's address and pages left. */
  private int[][] regions;
  private int[] regionN;
  private long[] regionVa;
  private int[] regionLeft;
  private int[] headersLeft;
  /** Pages of cc1's heap (its anonymous memory outside the large regions). */
  private int[] cc1Heap;
  private int[] pipes;
  /** Pages written to slot j's pipe and not read yet (an out-of-memory pipe_write() writes fewer). */
  private int[] pipeQueued;
  private long[][] kpages;
  private int[] sources;
  private int[] objects;
  /** All but build-memory, held as other tenants' huge pages. */
  private OtherTenants tenants;
  private int runningJob;
  private int burstLeft;

  KernelBuildWorkload(KernelBuildParams p, SplittableRandom random, Counter units) {
    this(p, random, units, KernelBuildSyscalls.MEASURED);
  }

  /** With the unit's other system calls {@code syscalls} (a test's small mix; else the measured one). */
  KernelBuildWorkload(KernelBuildParams p, SplittableRandom random, Counter units, KernelBuildSyscalls syscalls) {
    this.p = p;
    this.syscalls = syscalls;
    this.random = random;
    this.units = units;
    long steps = KernelBuildRecipe.touchSteps(p.anonPages(), p.filesPerJob(), p.cowPages());
    this.userPerStep = p.userCyclesPerUnit() / Math.max(1, steps);
  }

  @Override
  public long ops() {
    return p.ops();
  }

  @Override
  public void setUp(Kernel k) {
    tenants = OtherTenants.hold(k, p.buildMemory());
    sources = new int[p.sourceFiles()];
    for (int i = 0; i < sources.length; i++) {
      // header and source sizes: 1..2*avg pages, uniform
      sources[i] = k.createFile(1 + random.nextInt(2 * p.pagesPerSource()), true);
    }
    objects = new int[sources.length];
    java.util.Arrays.fill(objects, -1);
    programFile = new int[PROG.length];
    java.util.Map<String, Integer> byName = new java.util.HashMap<>();
    for (int i = 1; i < PROG.length; i++) {
      // one executable per program, shared by every recipe line that runs it (text, libraries and
      // their data as one private mapping); created in recipe order, so deterministically
      int size = PROG[i].textReads() + KernelBuildRecipe.DATA_COW_PAGES;
      programFile[i] = byName.computeIfAbsent(PROG[i].name(), n -> k.createFile(size, true));
    }
    ldcache = k.createFile(KernelBuildRecipe.LDCACHE_PAGES, true);
    int jobs = p.jobs();
    pid = new int[jobs][DEPTH];
    node = new int[jobs][DEPTH];
    phase = new int[jobs][DEPTH];
    left = new int[jobs][DEPTH];
    next = new int[jobs][DEPTH];
    touched = new int[jobs][DEPTH];
    workSteps = new int[jobs][DEPTH];
    heap = new long[jobs][DEPTH];
    depth = new int[jobs];
    regions = new int[jobs][4];
    regionN = new int[jobs];
    regionVa = new long[jobs];
    regionLeft = new int[jobs];
    headersLeft = new int[jobs];
    cc1Heap = new int[jobs];
    pipes = new int[jobs];
    pipeQueued = new int[jobs];
    kpages = new long[jobs][p.kernelAllocs()];
    for (int j = 0; j < jobs; j++) {
      java.util.Arrays.fill(pid[j], -1);
      int make = k.spawn();
      if (make < 0) {
        throw new IllegalArgumentException("out of memory starting make job " + j);
      }
      pid[j][0] = make;
      phase[j][0] = CHILD;
      next[j][0] = random.nextInt(KernelBuildRecipe.LINES); // a build in progress: any recipe line
      k.setUserWorkingSet(make, MAKE_DATA_PAGES, MAKE_TEXT_PAGES);
      k.setUserCacheFill(make, p.userL1dFill()); // inherited by every process of the job
      pipes[j] = k.pipe(make); // the children inherit the write end
      java.util.Arrays.fill(kpages[j], -1);
    }
  }

  @Override
  public void step(Kernel k, long index) {
    if (p.kthreadEvery() > 0 && index % p.kthreadEvery() == p.kthreadEvery() - 1) {
      k.runKthread(random.nextInt(k.nrCpus()));
      return;
    }
    // a process runs for a time slice (a burst of steps) before the next one gets its CPU
    if (burstLeft-- <= 0) {
      runningJob = random.nextInt(p.jobs());
      burstLeft = p.burst() - 1;
    }
    advance(k, runningJob);
  }

  /** One step of slot {@code j}'s runnable task: the leaf of its tree. */
  private void advance(Kernel k, int j) {
    int d = depth[j];
    int me = pid[j][d];
    int n = node[j][d];
    switch (phase[j][d]) {
      case START -> start(k, j, d, me, n);
      case TEXT -> {
        int i = KernelBuildRecipe.PROG[n].textReads() - left[j][d]--;
        k.touch(me, Kernel.TEXT_BASE + ((long) i << 12), false); // instruction fetch: filemap_fault()
        k.runUser(me, userPerStep);
        if (left[j][d] <= 0) {
          phase[j][d] = DATA;
          left[j][d] = KernelBuildRecipe.DATA_COW_PAGES;
        }
      }
      case DATA -> {
        int i = PROG[n].textReads() + KernelBuildRecipe.DATA_COW_PAGES - left[j][d]--;
        k.touch(me, Kernel.TEXT_BASE + ((long) i << 12), true); // relocation: do_cow_fault()
        k.runUser(me, userPerStep);
        if (left[j][d] <= 0) {
          phase[j][d] = WORK;
          left[j][d] = workSteps[j][d];
        }
      }
      case WORK -> work(k, j, d, me, n);
      case FINISH -> finish(k, j, d, me, n);
      case COW -> {
        if (left[j][d]-- > 0) {
          // a fork()ed child writes pages it shares with its parent: copy-on-write
          int shared = Math.max(1, touched[j][d - 1]);
          k.touch(me, heap[j][d - 1] + ((long) (left[j][d] % shared) << 12), true);
          k.runUser(me, userPerStep);
        } else if (SPAWN[n] == KernelBuildRecipe.FORK_EXEC) {
          if (!k.exec(me, programFile[n], PROG[n].textReads() + KernelBuildRecipe.DATA_COW_PAGES)) {
            reaped(j, d); // killed for lack of memory past the point of no return
            return;
          }
          phase[j][d] = START;
        } else {
          exit(k, j, d, me, n);
        }
      }
      default -> children(k, j, d, me, n);
    }
  }

  /** After exec: {@code /etc/ld.so.cache} mapped, read and unmapped; the anonymous memory mapped. */
  private void start(Kernel k, int j, int d, int me, int n) {
    long va = k.mmapFile(me, ldcache, KernelBuildRecipe.LDCACHE_PAGES);
    for (int i = 0; i < KernelBuildRecipe.LDCACHE_READS; i++) {
      k.touch(me, va + ((long) i << 12), false);
    }
    k.munmap(me, va, KernelBuildRecipe.LDCACHE_PAGES);
    // ld.so's and libc's start-up and the program's lookups: this process's share of the unit's calls
    syscalls.issue(k, me, programFile[n], KernelBuildRecipe.EXEC_INDEX[n]);
    k.runUser(me, userPerStep * KernelBuildRecipe.LDCACHE_READS);
    int anon = KernelBuildRecipe.anonFaults(n, p.anonPages());
    touched[j][d] = 0;
    workSteps[j][d] = anon;
    if (n == KernelBuildRecipe.CC1_NODE) {
      regionN[j] = KernelBuildRecipe.pickRegions(random, anon, regions[j]);
      regionLeft[j] = 0;
      int regionPages = regionPages(j);
      anon -= regionPages;
      cc1Heap[j] = anon;
      headersLeft[j] = p.filesPerJob();
      workSteps[j][d] = anon + p.filesPerJob() + regionPages;
    }
    heap[j][d] = k.mmapAnon(me, Math.max(1, anon));
    k.setUserWorkingSet(me, KernelBuildRecipe.DATA_COW_PAGES + 1, PROG[n].textReads());
    phase[j][d] = PROG[n].textReads() > 0 ? TEXT : DATA;
    if (phase[j][d] == TEXT) {
      left[j][d] = PROG[n].textReads();
    } else {
      left[j][d] = KernelBuildRecipe.DATA_COW_PAGES;
    }
  }

  private int regionPages(int j) {
    int s = 0;
    for (int r = 0; r < regionN[j]; r++) {
      s += regions[j][r];
    }
    return s;
  }

  /** The anonymous working phase; cc1 interleaves header reads and its large regions with it. */
  private void work(Kernel k, int j, int d, int me, int n) {
    if (left[j][d] <= 0) {
      phase[j][d] = FINISH;
      k.setUserWorkingSet(me, KernelBuildRecipe.DATA_COW_PAGES + 1 + touched[j][d], PROG[n].textReads());
      return;
    }
    boolean cc1 = n == KernelBuildRecipe.CC1_NODE;
    int all = left[j][d]--;
    if (cc1 && regionLeft[j] > 0) {
      // inside a large region: touch its next page; its last one is followed by the munmap
      int size = regions[j][regionN[j]];
      k.touch(me, regionVa[j] + ((long) (size - regionLeft[j]--) << 12), true);
      if (regionLeft[j] == 0) {
        k.munmap(me, regionVa[j], size); // > 33 pages: flush_tlb_mm_range() flushes the whole TLB
      }
    } else if (cc1 && headersLeft[j] > 0 && random.nextInt(all) < headersLeft[j]) {
      headersLeft[j]--;
      int file = sources[random.nextInt(sources.length)];
      int fd = k.open(me, file);
      k.read(me, fd, 0, Integer.MAX_VALUE);
      k.close(me, fd);
    } else if (cc1 && regionN[j] > 0 && (touched[j][d] >= cc1Heap[j] || random.nextInt(all) < regionPages(j))) {
      regionN[j]--; // the last region to come starts now (this step only maps it)
      regionLeft[j] = regions[j][regionN[j]];
      regionVa[j] = k.mmapAnon(me, regionLeft[j]);
      left[j][d]++;
      return;
    } else {
      k.touch(me, heap[j][d] + ((long) touched[j][d]++ << 12), true);
      if (touched[j][d] % WS_UPDATE == 0) {
        k.setUserWorkingSet(me, KernelBuildRecipe.DATA_COW_PAGES + 1 + touched[j][d], PROG[n].textReads());
      }
    }
    k.runUser(me, userPerStep);
  }

  /** cc1's kernel pages and output, as's object file; then the children. */
  private void finish(Kernel k, int j, int d, int me, int n) {
    if (n == KernelBuildRecipe.CC1_NODE) {
      for (int i = 0; i < kpages[j].length; i++) {
        int gfp = GFP_KERNEL_MIX[random.nextInt(GFP_KERNEL_MIX.length)];
        kpages[j][i] = k.allocPages(k.cpuOf(me), 0, gfp);
      }
      // the compiler's output travels through the pipe to make (pipe_write(): a buffer page)
      if (p.pipePages() > 0) {
        pipeQueued[j] += k.pipeWrite(me, pipes[j], p.pipePages());
      }
    } else if (n == KernelBuildRecipe.AS_NODE) {
      // each compile unit has one object file, rewritten when the unit is compiled again
      int unit = random.nextInt(sources.length);
      if (objects[unit] < 0) {
        objects[unit] = k.createFile(p.objectPages(), true);
      }
      int fd = k.open(me, objects[unit]);
      k.write(me, fd, 0, p.objectPages());
      k.close(me, fd);
    }
    phase[j][d] = CHILD;
    next[j][d] = 0;
  }

  /** The task spawns its next child and waits for it, or exits when none is left (make: next unit). */
  private void children(Kernel k, int j, int d, int me, int n) {
    if (next[j][d] >= CHILDREN[n].length) {
      if (d > 0) {
        exit(k, j, d, me, n);
        return;
      }
      next[j][d] = 0; // make: the unit is built, the next one starts
    }
    if (d == 0) {
      // make collects the output of the last recipe from the pipe (only what was written: make
      // would otherwise sleep in pipe_read() on an empty pipe), and the load balancer now and then
      // moves it
      if (pipeQueued[j] > 0) {
        pipeQueued[j] -= k.pipeRead(me, pipes[j], pipeQueued[j]);
      }
      if (random.nextInt(p.migrateOneIn()) == 0) {
        k.migrate(me, random.nextInt(k.nrCpus()));
      }
    }
    int child = CHILDREN[n][next[j][d]];
    k.runUser(me, userPerStep); // make expands the recipe, sh parses, gcc drives
    boolean vfork = SPAWN[child] == KernelBuildRecipe.VFORK_EXEC;
    int c = vfork ? k.vfork(me) : k.fork(me);
    if (c < 0) {
      return; // out of memory: try again later
    }
    if (vfork) {
      if (!k.exec(c, programFile[child], PROG[child].textReads() + KernelBuildRecipe.DATA_COW_PAGES)) {
        k.wait4(me); // killed for lack of memory: reaped at once, the line starts over
        return;
      }
      if (k.vforkWaiting(me)) {
        // execve() failed with -ENOMEM before the point of no return: a vfork child can only
        // _exit(127) (posix_spawn reports the error), which wakes the parent; it reaps and retries
        k.exit(c);
        k.wait4(me);
        return;
      }
    }
    int cd = d + 1;
    depth[j] = cd;
    pid[j][cd] = c;
    node[j][cd] = child;
    phase[j][cd] = vfork ? START : COW;
    left[j][cd] = vfork ? 0 : p.cowPages();
    touched[j][cd] = 0;
    k.wait4(me); // the child is alive: the parent sleeps until it exits
  }

  private void exit(Kernel k, int j, int d, int me, int n) {
    if (n == KernelBuildRecipe.CC1_NODE) {
      freeKernelPages(k, j, k.cpuOf(me));
      units.inc();
    }
    k.exit(me); // wakes the parent from wait4()
    reaped(j, d);
  }

  /** The child at depth {@code d} is gone and reaped: its parent goes on with its next child. */
  private void reaped(int j, int d) {
    pid[j][d] = -1;
    depth[j] = d - 1;
    next[j][d - 1]++;
  }

  private void freeKernelPages(Kernel k, int j, int cpu) {
    for (int i = 0; i < kpages[j].length; i++) {
      if (kpages[j][i] >= 0) {
        k.freePages(cpu, kpages[j][i], 0);
      }
      kpages[j][i] = -1;
    }
  }

  @Override
  public void tearDown(Kernel k) {
    for (int j = 0; j < pid.length; j++) {
      // leaf first: each exit wakes the parent sleeping in wait4(), which may then exit
      for (int d = depth[j]; d >= 0; d--) {
        int me = pid[j][d];
        if (me < 0) {
          continue;
        }
        if (node[j][d] == KernelBuildRecipe.CC1_NODE) {
          freeKernelPages(k, j, k.cpuOf(me));
        }
        k.exit(me);
      }
    }
    tenants.release(k);
  }
}
