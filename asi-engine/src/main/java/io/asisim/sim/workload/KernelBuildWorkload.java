package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.Gfp;
import java.util.SplittableRandom;

/**
 * A kernel compile ({@code make -jN}) as the calibration measured it (docs/workloads.md):
 * {@code jobs} slots, each a long-lived {@code make} that runs one compile unit after another
 * through the measured process tree make → sh → gcc → cc1. Every spawn is
 * {@code clone3(CLONE_VM|CLONE_VFORK)} / {@code vfork()} followed by exec (see
 * {@link #spawnChild}), and the parent then sleeps in {@code wait4()} until the child exits, so
 * only the leaf of each tree is runnable and the parents' CPUs run other slots' leaves or idle.
 * cc1 reads hundreds of headers through the page cache (disk-backed, evictable), runs its user
 * code between them ({@link Kernel#runUser}: the user:system ratio of the measured build) with
 * its user working set, faults in its heap, takes short-lived kernel pages, writes its object file
 * and its output to make through a pipe, and exits; gcc and sh exit after it, and make reads the
 * pipe before it starts the next unit. Each op advances one slot's runnable task by one step, a
 * slot running for a time slice ({@code burst} steps) before another is picked. A kernel thread
 * (writeback kworker) runs every {@code kthread-every} ops. Memory pressure: at set-up a
 * reservation (huge pages held by other tenants) leaves the build only {@code build-memory}, so
 * kswapd evicts page cache as the build proceeds.
 */
final class KernelBuildWorkload implements Workload {
  /** Order-0 kernel allocations seen in the compile trace besides page tables. */
  static final int[] GFP_KERNEL_MIX = {Gfp.GFP_NOWAIT, Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_ZERO};

  /** Levels of a slot's process tree. */
  static final int MAKE = 0;
  static final int SH = 1;
  static final int GCC = 2;
  static final int CC1 = 3;

  /** Estimate: user working set of make, sh and the gcc driver (data, text pages): small interpreters. */
  static final int DRIVER_DATA_PAGES = 16;
  static final int DRIVER_TEXT_PAGES = 32;

  private static final int READ_FILES = 0;
  private static final int ANON = 1;
  private static final int KALLOC = 2;
  private static final int WRITE_OBJECT = 3;
  private static final int EXIT = 4;

  private final KernelBuildParams p;
  private final SplittableRandom random;
  private final long userPerStep;

  /** pid of each level of each slot's tree ({@code -1}: none). */
  private int[][] tree;
  /** The level whose task is the slot's runnable leaf. */
  private int[] depth;
  /** The task at that level has reaped its child and finishes its part. */
  private boolean[][] childDone;
  private int[] phase;
  private int[] left;
  private long[] heap;
  private long[] makeHeap;
  private int[] pipes;
  /** Pages written to slot j's pipe and not read yet (an out-of-memory pipe_write() writes fewer). */
  private int[] pipeQueued;
  private long[][] kpages;
  private int[] sources;
  private int[] objects;
  private long reservedBlocks;
  private long[] reserved;
  private int runningJob;
  private int burstLeft;

  KernelBuildWorkload(KernelBuildParams p, SplittableRandom random) {
    this.p = p;
    this.random = random;
    long steps = Math.max(1, (long) p.filesPerJob() + p.anonPages());
    this.userPerStep = p.userCyclesPerUnit() / steps;
  }

  @Override
  public long ops() {
    return p.ops();
  }

  @Override
  public void setUp(Kernel k) {
    reserve(k);
    sources = new int[p.sourceFiles()];
    for (int i = 0; i < sources.length; i++) {
      // header and source sizes: 1..2*avg pages, uniform
      sources[i] = k.createFile(1 + random.nextInt(2 * p.pagesPerSource()), true);
    }
    objects = new int[sources.length];
    java.util.Arrays.fill(objects, -1);
    int jobs = p.jobs();
    tree = new int[jobs][CC1 + 1];
    depth = new int[jobs];
    childDone = new boolean[jobs][CC1 + 1];
    phase = new int[jobs];
    left = new int[jobs];
    heap = new long[jobs];
    makeHeap = new long[jobs];
    pipes = new int[jobs];
    pipeQueued = new int[jobs];
    kpages = new long[jobs][p.kernelAllocs()];
    for (int j = 0; j < jobs; j++) {
      java.util.Arrays.fill(tree[j], -1);
      int make = k.spawn();
      if (make < 0) {
        throw new IllegalStateException("out of memory starting make job " + j);
      }
      tree[j][MAKE] = make;
      k.setUserWorkingSet(make, Math.max(DRIVER_DATA_PAGES, p.makePages()), DRIVER_TEXT_PAGES);
      // make's own heap (with fork instead of vfork, its children share it copy-on-write until exec)
      makeHeap[j] = k.mmapAnon(make, p.makePages());
      for (int i = 0; i < p.makePages(); i++) {
        k.touch(make, makeHeap[j] + ((long) i << 12), true);
      }
      pipes[j] = k.pipe(make); // the children inherit the write end
      java.util.Arrays.fill(kpages[j], -1);
    }
  }

  /**
   * Holds all but {@code build-memory} (above the reclaim watermark) in 2 MiB blocks, as a hugetlb
   * pool of other tenants would.
   */
  private void reserve(Kernel k) {
    long keep = (p.buildMemory() >>> 12) + k.reclaimWatermark();
    long target = k.freePages() - keep;
    int order = 9;
    reserved = new long[(int) Math.max(0, target >> order) + 1];
    while (target >= (1L << order) && reservedBlocks < reserved.length) {
      long pfn = k.allocPages(0, order, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP);
      if (pfn < 0) {
        break;
      }
      reserved[(int) reservedBlocks++] = pfn;
      target -= 1L << order;
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
    int top = depth[j];
    if (top == CC1) {
      advanceCc1(k, j);
      return;
    }
    int me = tree[j][top];
    if (!childDone[j][top]) {
      spawn(k, j, top);
      return;
    }
    childDone[j][top] = false;
    if (top == MAKE) {
      // make collects the unit's output from the pipe, then starts the next recipe
      // (only what was written: make would otherwise sleep in pipe_read() on an empty pipe)
      if (pipeQueued[j] > 0) {
        pipeQueued[j] -= k.pipeRead(me, pipes[j], pipeQueued[j]);
      }
      // the scheduler's load balancer occasionally moves the long-lived make process
      if (random.nextInt(p.migrateOneIn()) == 0) {
        k.migrate(me, random.nextInt(k.nrCpus()));
      }
      return;
    }
    // gcc / sh: the child is reaped; finish and exit, which wakes the parent from wait4()
    k.runUser(me, p.driverUserCycles());
    k.exit(me);
    tree[j][top] = -1;
    depth[j] = top - 1;
    childDone[j][top - 1] = true;
  }

  /**
   * make spawns with {@code clone3(CLONE_VM|CLONE_VFORK)} ({@code posix_spawn}), sh and gcc with
   * {@code vfork()} (measured on the development machine, docs/workloads.md): the child shares the
   * parent's mm until its exec and the parent sleeps until then (it calls {@code wait4()} after).
   * With {@code cow-pages} above 0 make {@code fork()}s instead and the child writes that many of
   * its pages before exec (copy-on-write), the pre-posix_spawn behaviour.
   */
  private int spawnChild(Kernel k, int parent, int level) {
    return level == MAKE && p.cowPages() > 0 ? k.fork(parent) : k.vfork(parent);
  }

  /** The task at {@code level} of slot {@code j} does its part, spawns the next level and waits for it. */
  private void spawn(Kernel k, int j, int level) {
    int parent = tree[j][level];
    k.runUser(parent, p.driverUserCycles()); // make expands the recipe, sh parses, gcc drives
    int c = spawnChild(k, parent, level);
    if (c < 0) {
      return; // out of memory: try again later
    }
    if (level == MAKE) {
      for (int i = 0; i < p.cowPages(); i++) {
        // a fork()ed child writing before exec: copy-on-write of make's pages (0 with vfork)
        k.touch(c, makeHeap[j] + ((long) random.nextInt(p.makePages()) << 12), true);
      }
    }
    if (!k.exec(c)) {
      k.wait4(parent); // killed for lack of memory: reaped at once, the level starts over
      return;
    }
    if (k.vforkWaiting(parent)) {
      // execve() failed with -ENOMEM before the point of no return: a vfork child can only
      // _exit(127) (posix_spawn reports the error), which wakes the parent; it reaps and retries
      k.exit(c);
      k.wait4(parent);
      return;
    }
    int next = level + 1;
    tree[j][next] = c;
    depth[j] = next;
    if (next == CC1) {
      k.setUserWorkingSet(c, p.userDataPages(), p.userTextPages());
      heap[j] = k.mmapAnon(c, p.anonPages());
      phase[j] = READ_FILES;
      left[j] = p.filesPerJob();
    } else {
      k.setUserWorkingSet(c, DRIVER_DATA_PAGES, DRIVER_TEXT_PAGES);
    }
    k.wait4(parent); // the child is alive: the parent sleeps until it exits
  }

  private void advanceCc1(Kernel k, int j) {
    int cc1 = tree[j][CC1];
    switch (phase[j]) {
      case READ_FILES:
        if (left[j]-- > 0) {
          // open, read whole, close one header or the source
          int file = sources[random.nextInt(sources.length)];
          int fd = k.open(cc1, file);
          k.read(cc1, fd, 0, Integer.MAX_VALUE);
          k.close(cc1, fd);
          if (left[j] % 8 == 0) {
            touchHeap(k, j); // the compiler works on what it read
          }
          k.runUser(cc1, userPerStep);
        } else {
          phase[j] = ANON;
          left[j] = p.anonPages();
        }
        break;
      case ANON:
        if (left[j]-- > 0) {
          touchHeap(k, j);
          k.runUser(cc1, userPerStep);
        } else {
          phase[j] = KALLOC;
          left[j] = p.kernelAllocs();
        }
        break;
      case KALLOC:
        if (left[j]-- > 0) {
          int gfp = GFP_KERNEL_MIX[random.nextInt(GFP_KERNEL_MIX.length)];
          kpages[j][left[j]] = k.allocPages(k.cpuOf(cc1), 0, gfp);
        } else {
          phase[j] = WRITE_OBJECT;
        }
        break;
      case WRITE_OBJECT: {
        // each compile unit has one object file, rewritten when the unit is compiled again
        int unit = random.nextInt(sources.length);
        if (objects[unit] < 0) {
          objects[unit] = k.createFile(p.objectPages(), true);
        }
        int fd = k.open(cc1, objects[unit]);
        k.write(cc1, fd, 0, p.objectPages());
        k.close(cc1, fd);
        // the compiler's output travels through the pipe to make (pipe_write(): a buffer page)
        if (p.pipePages() > 0) {
          pipeQueued[j] += k.pipeWrite(cc1, pipes[j], p.pipePages());
        }
        phase[j] = EXIT;
        break;
      }
      case EXIT:
      default:
        freeKernelPages(k, j, k.cpuOf(cc1));
        k.exit(cc1); // wakes gcc from wait4()
        tree[j][CC1] = -1;
        depth[j] = GCC;
        childDone[j][GCC] = true;
        break;
    }
  }

  private void freeKernelPages(Kernel k, int j, int cpu) {
    for (int i = 0; i < kpages[j].length; i++) {
      if (kpages[j][i] >= 0) {
        k.freePages(cpu, kpages[j][i], 0);
      }
      kpages[j][i] = -1;
    }
  }

  private void touchHeap(Kernel k, int j) {
    long page = random.nextInt(p.anonPages());
    k.touch(tree[j][CC1], heap[j] + (page << 12), true);
  }

  @Override
  public void tearDown(Kernel k) {
    for (int j = 0; j < tree.length; j++) {
      // leaf first: each exit wakes the parent sleeping in wait4(), which may then exit
      for (int level = CC1; level >= MAKE; level--) {
        int pid = tree[j][level];
        if (pid < 0) {
          continue;
        }
        if (level == CC1) {
          freeKernelPages(k, j, k.cpuOf(pid));
        }
        k.exit(pid);
      }
    }
    for (int i = 0; i < reservedBlocks; i++) {
      k.freePages(0, reserved[i], 9);
    }
  }
}
