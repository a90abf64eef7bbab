package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.Gfp;
import java.util.SplittableRandom;

/**
 * A compile-like mix ({@code make -jN}): {@code jobs} slots, each repeatedly running one compiler
 * process through its life — fork from the slot's make process, copy-on-write faults in the child
 * before exec, exec, reading source and header files (disk-backed, evictable page cache), anonymous
 * faults for the compiler's heap, short-lived kernel allocations of both sensitivities, writing an
 * object file, closing everything and exiting. Each op advances one randomly chosen slot by one
 * step, so processes interleave on the CPUs, switch contexts and migrate. A kernel thread
 * (writeback kworker) runs every {@code kthread-every} ops. Memory pressure: at set-up a reservation
 * (huge pages held by other tenants) leaves the build only {@code build-memory}, so reclaim evicts
 * page cache as the build proceeds.
 */
final class KernelBuildWorkload implements Workload {
  /** Pipe buffers: {@code alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT)} in {@code pipe_write()}. */
  static final int GFP_PIPE = Gfp.GFP_HIGHUSER | Gfp.__GFP_ACCOUNT;
  /** Order-0 kernel allocations seen in the compile trace besides page tables. */
  static final int[] GFP_KERNEL_MIX = {Gfp.GFP_NOWAIT, Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_ZERO};

  private static final int FORK = 0;
  private static final int COW = 1;
  private static final int EXEC = 2;
  private static final int READ_FILES = 3;
  private static final int ANON = 4;
  private static final int KALLOC = 5;
  private static final int WRITE_OBJECT = 6;
  private static final int EXIT = 7;

  private final KernelBuildParams p;
  private final SplittableRandom random;

  private int[] make;
  private int[] child;
  private int[] phase;
  private int[] left;
  private long[] heap;
  private long[] makeHeap;
  private long[][] kpages;
  private int[] pipePages;
  private int[] sources;
  private int[] objects;
  private long reservedBlocks;
  private long[] reserved;
  private int runningJob;
  private int burstLeft;

  KernelBuildWorkload(KernelBuildParams p, SplittableRandom random) {
    this.p = p;
    this.random = random;
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
    make = new int[jobs];
    child = new int[jobs];
    phase = new int[jobs];
    left = new int[jobs];
    heap = new long[jobs];
    makeHeap = new long[jobs];
    kpages = new long[jobs][p.kernelAllocs()];
    pipePages = new int[jobs];
    for (int j = 0; j < jobs; j++) {
      make[j] = k.spawn();
      if (make[j] < 0) {
        throw new IllegalStateException("out of memory starting make job " + j);
      }
      // make's own heap, which its forked children share copy-on-write until exec
      makeHeap[j] = k.mmapAnon(make[j], p.makePages());
      for (int i = 0; i < p.makePages(); i++) {
        k.touch(make[j], makeHeap[j] + ((long) i << 12), true);
      }
      java.util.Arrays.fill(kpages[j], -1);
      child[j] = -1;
      phase[j] = FORK;
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

  private void advance(Kernel k, int j) {
    switch (phase[j]) {
      case FORK: {
        int c = k.fork(make[j]);
        if (c < 0) {
          return; // out of memory: try again later
        }
        child[j] = c;
        phase[j] = COW;
        left[j] = p.cowPages();
        break;
      }
      case COW:
        if (left[j]-- > 0) {
          // the child writes its stack before exec: copy-on-write of the parent's pages
          k.touch(child[j], makeHeap[j] + ((long) random.nextInt(p.makePages()) << 12), true);
        } else {
          phase[j] = EXEC;
        }
        break;
      case EXEC:
        if (!k.exec(child[j])) {
          child[j] = -1; // killed by the kernel for lack of memory: the slot starts over
          phase[j] = FORK;
          break;
        }
        heap[j] = k.mmapAnon(child[j], p.anonPages());
        phase[j] = READ_FILES;
        left[j] = p.filesPerJob();
        break;
      case READ_FILES:
        if (left[j]-- > 0) {
          // open, read whole, close one source or header
          int file = sources[random.nextInt(sources.length)];
          int fd = k.open(child[j], file);
          k.read(child[j], fd, 0, Integer.MAX_VALUE);
          k.close(child[j], fd);
          if (left[j] % 8 == 0) {
            touchHeap(k, j); // the compiler works on what it read
          }
        } else {
          phase[j] = ANON;
          left[j] = p.anonPages();
        }
        break;
      case ANON:
        if (left[j]-- > 0) {
          touchHeap(k, j);
        } else {
          phase[j] = KALLOC;
          left[j] = p.kernelAllocs();
        }
        break;
      case KALLOC:
        if (left[j]-- > 0) {
          int gfp = GFP_KERNEL_MIX[random.nextInt(GFP_KERNEL_MIX.length)];
          kpages[j][left[j]] = k.allocPages(k.cpuOf(child[j]), 0, gfp);
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
        int obj = objects[unit];
        int fd = k.open(child[j], obj);
        k.write(child[j], fd, 0, p.objectPages());
        k.close(child[j], fd);
        // the compiler's output travels through a pipe to make
        long pipe = k.allocPages(k.cpuOf(child[j]), 0, GFP_PIPE);
        if (pipe >= 0) {
          k.freePages(k.cpuOf(child[j]), pipe, 0);
        }
        phase[j] = EXIT;
        break;
      }
      case EXIT:
      default:
        int cpu = k.cpuOf(child[j]);
        for (int i = 0; i < kpages[j].length; i++) {
          if (kpages[j][i] >= 0) {
            k.freePages(cpu, kpages[j][i], 0);
          }
          kpages[j][i] = -1;
        }
        k.exit(child[j]);
        child[j] = -1;
        phase[j] = FORK;
        // the scheduler's load balancer occasionally moves the long-lived make process
        if (random.nextInt(p.migrateOneIn()) == 0) {
          k.migrate(make[j], random.nextInt(k.nrCpus()));
        }
        break;
    }
  }

  private void touchHeap(Kernel k, int j) {
    long page = random.nextInt(p.anonPages());
    k.touch(child[j], heap[j] + (page << 12), true);
  }

  @Override
  public void tearDown(Kernel k) {
    for (int j = 0; j < make.length; j++) {
      if (child[j] >= 0) {
        int cpu = k.cpuOf(child[j]);
        for (int i = 0; i < kpages[j].length; i++) {
          if (kpages[j][i] >= 0) {
            k.freePages(cpu, kpages[j][i], 0);
          }
        }
        k.exit(child[j]);
      }
      k.exit(make[j]);
    }
    for (int i = 0; i < reservedBlocks; i++) {
      k.freePages(0, reserved[i], 9);
    }
  }
}
