package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.PageOrder;
import java.util.SplittableRandom;

/**
 * A server machine under memory pressure, where what the page allocator holds changes all the
 * time: {@code servers} long-running processes, each with an anonymous heap it keeps writing,
 * serve reads of random runs of pages from disk-backed files larger than their memory (the page cache
 * churns through reclaim, and the xarray's {@code radix_tree_node} slabs with it), now and then
 * map, write and unmap a burst of anonymous memory (request buffers), and launch short-lived jobs
 * ({@code fork()} + {@code execve()} of a small program that writes its own anonymous pages and
 * exits: {@code task_struct}, {@code mm_struct}, VMA and page-table churn, unmovable and
 * nonsensitive, between the movable sensitive pages).
 *
 * <p>With {@code threads} above 1 each server is a process of that many threads
 * ({@code CLONE_VM|CLONE_FILES}, as a thread pool): its requests go to its threads in turn, which
 * share the heap and the descriptors and run on several CPUs, so unmapping a burst shoots down the
 * other CPUs running the mm, and a thread forks and reaps its own jobs.
 *
 * <p>The servers get {@code server-memory} of the machine; the rest is held by other tenants in
 * 2 MiB blocks ({@link OtherTenants}), so the pressure is the same on a machine of any size.
 * Each op is one request by the next server in turn: {@code read-pages} pages of a random file
 * at a random offset through {@code pread()}, {@code heap-writes} writes to random heap pages, the
 * server's user time; every {@code burst-every} ops a burst, every {@code job-every} ops a job
 * (the server waits for it). With {@code read-distribution=zipf} the runs read follow fio's
 * Zipf distribution ({@link Zipf}): a hot set stays cached, scattered over memory, while reclaim
 * frees the cold pages around it, so free memory fragments. Not in this mix yet: sockets, and file
 * creation and deletion (dentry churn). docs/workloads.md.
 */
final class ServerMixWorkload implements Workload {
  /** Estimate: a server's user working set per request (data, text pages). */
  static final int USER_DATA_PAGES = 16;
  static final int USER_TEXT_PAGES = 64;
  /** The jobs' program: a small binary (pages of text) every job maps and runs. */
  static final int JOB_TEXT_PAGES = 16;

  private final ServerMixParams p;
  private final SplittableRandom random;
  private int[] servers;
  /** The threads of each server process (the leader first), which serve its requests in turn. */
  private int[][] threads;
  /** The device's CMA buffer (its first pfn), or -1. */
  private long cmaBuffer = -1;
  /** Per server its heap's start; 0 while a rebuild has dropped it. */
  private long[] heaps;
  /** Per server the request that dropped its heap for a rebuild. */
  private long[] droppedAt;
  /** Per server its loaded module's handle, -1 for none. */
  private int[] modules;
  /** The memory block hot-removed by {@code hotplug-every}, or -1. */
  private long removedBlock = -1;
  private int[] files;
  private long filePages;
  private int[][] fds;
  private int jobProgram;
  /** All but server-memory, held as other tenants' huge pages. */
  private OtherTenants tenants;
  /** With read-distribution=zipf: the draw over every file's read-pages runs; else null. */
  private Zipf zipf;
  private long runsPerFile;


  ServerMixWorkload(ServerMixParams p, SplittableRandom random) {
    this.p = p;
    this.random = random;
  }

  @Override
  public long ops() {
    return p.ops();
  }

  @Override
  public void setUp(Kernel k) {
    long share = Math.min(p.serverMemory() >>> 12, k.freePages());
    long heapTotal = (long) p.servers() * p.heapPages();
    if (heapTotal > share / 2) {
      throw new IllegalArgumentException("server-mix: " + p.servers() + " heaps of " + p.heapPages()
          + " pages need more than half of the servers' memory (" + share + " pages; valid: servers * heap-pages <= "
          + share / 2 + ", or a larger server-memory)");
    }
    if (p.thp() != Kernel.THP_NEVER) {
      k.setTransparentHugepage(p.thp());
      if (p.thpDefrag() != Kernel.THP_DEFRAG_MADVISE) {
        k.setThpDefrag(p.thpDefrag());
      }
      if (!p.thpShrinkUnderused()) {
        k.setThpShrinkUnderused(false);
      }
      if (!p.khugepaged().equals(io.asisim.api.kernel.KhugepagedTunables.DEFAULTS)) {
        k.setKhugepaged(p.khugepaged());
      }
    }
    tenants = OtherTenants.hold(k, share << 12);
    filePages = Math.max(p.readPages(), share * p.filePercent() / 100 / p.files());
    files = new int[p.files()];
    for (int f = 0; f < files.length; f++) {
      files[f] = k.createFile(filePages, true);
    }
    jobProgram = k.createFile(JOB_TEXT_PAGES, true);
    if (p.zipfTheta() > 0) {
      runsPerFile = filePages / p.readPages();
      zipf = new Zipf(runsPerFile * files.length, p.zipfTheta(), random);
    }
    servers = new int[p.servers()];
    heaps = new long[p.servers()];
    droppedAt = new long[p.servers()];
    modules = new int[p.servers()];
    java.util.Arrays.fill(modules, -1);
    fds = new int[p.servers()][files.length];
    for (int s = 0; s < servers.length; s++) {
      servers[s] = k.spawn();
      if (servers[s] < 0) {
        throw new IllegalArgumentException("server-mix: out of memory starting server " + s);
      }
      k.setUserWorkingSet(servers[s], USER_DATA_PAGES, USER_TEXT_PAGES);
      heaps[s] = buildHeap(k, servers[s]);
      for (int f = 0; f < files.length; f++) {
        fds[s][f] = k.open(servers[s], files[f]);
      }
    }
    // CLONE_VM|CLONE_FILES threads after the files are open: they share the table and the heap
    threads = new int[servers.length][p.threads()];
    for (int s = 0; s < servers.length; s++) {
      threads[s][0] = servers[s];
      for (int t = 1; t < p.threads(); t++) {
        threads[s][t] = k.cloneThread(servers[s]);
      }
    }
  }

  @Override
  public void step(Kernel k, long index) {
    int s = (int) (index % servers.length);
    int pid = threads[s][(int) (index / servers.length % p.threads())];
    int f;
    long at;
    if (zipf == null) {
      f = random.nextInt(files.length);
      at = random.nextLong(filePages - p.readPages() + 1);
    } else {
      long run = zipf.next(random);
      f = (int) (run / runsPerFile);
      at = run % runsPerFile * p.readPages();
    }
    k.read(pid, fds[s][f], at, p.readPages());
    if (heaps[s] == 0 && index - droppedAt[s] >= p.rebuildEvery() / 2) {
      heaps[s] = buildHeap(k, pid); // restarted: the page cache has grown into the old heap's memory
    }
    for (int w = 0; w < p.heapWrites() && heaps[s] != 0; w++) {
      k.touch(pid, heaps[s] + ((long) random.nextInt(p.heapPages()) << 12), true);
    }
    for (int w = 0; w < p.heapPurgePages() && heaps[s] != 0; w++) {
      k.madviseDontneed(pid, heaps[s] + ((long) random.nextInt(p.heapPages()) << 12), 1);
    }
    k.runUser(pid, p.userCycles());
    if (p.burstEvery() > 0 && index % p.burstEvery() == p.burstEvery() - 1) {
      long va = k.mmapAnon(pid, p.burstPages());
      for (int i = 0; i < p.burstPages(); i++) {
        k.touch(pid, va + ((long) i << 12), true);
      }
      k.munmap(pid, va, p.burstPages());
    }
    if (p.rebuildEvery() > 0 && index % p.rebuildEvery() == p.rebuildEvery() - 1 && heaps[s] != 0) {
      k.munmap(pid, heaps[s], p.heapPages()); // down until its turn rebuildEvery / 2 requests later
      heaps[s] = 0;
      droppedAt[s] = index;
    }
    if (p.jobEvery() > 0 && index % p.jobEvery() == p.jobEvery() - 1) {
      job(k, pid);
    }
    if (p.cmaEvery() > 0) {
      device(k, k.cpuOf(pid), index % p.cmaEvery());
    }
    if (p.moduleEvery() > 0 && index % p.moduleEvery() == p.moduleEvery() - 1) {
      if (modules[s] >= 0) {
        k.unloadModule(pid, modules[s]);
      }
      modules[s] = k.loadModule(pid, p.modulePages());
    }
    if (p.hotplugEvery() > 0 && index % p.hotplugEvery() == p.hotplugEvery() - 1) {
      hotplug(k, pid);
    }
  }

  /**
   * An administrator (or a balloon driver) hot-removes the top memory block, where ZONE_MOVABLE is
   * with {@code movablecore}, and adds it back {@code hotplug-every} requests later; a removal that
   * fails with -EBUSY ({@code memory_offline_failed}) is tried again at the next turn.
   */
  private void hotplug(Kernel k, int pid) {
    if (removedBlock >= 0) {
      k.addMemoryBlock(pid, removedBlock);
      removedBlock = -1;
    } else {
      long top = k.nrMemoryBlocks() - 1;
      if (k.removeMemoryBlock(pid, top) == 0) {
        removedBlock = top;
      }
    }
  }

  /**
   * A device (a camera or codec streaming for half of each {@code cma-every} requests) allocates
   * its DMA buffer at the period's end and frees it half a period later, so the page cache and
   * heaps grow into the CMA area meanwhile; a failed {@code cma_alloc()} leaves the device without
   * a buffer for that period ({@code cma_alloc_fail}).
   */
  private void device(Kernel k, int cpu, long phase) {
    if (phase == p.cmaEvery() - 1 && cmaBuffer < 0) {
      cmaBuffer = k.cmaAlloc(cpu, cmaPageblocks());
    } else if (phase == p.cmaEvery() / 2 - 1 && cmaBuffer >= 0) {
      k.cmaRelease(cpu, cmaBuffer, cmaPageblocks());
      cmaBuffer = -1;
    }
  }

  /** A new heap: mmap(), MADV_HUGEPAGE with thp=madvise, every page written. */
  private long buildHeap(Kernel k, int pid) {
    long heap = k.mmapAnon(pid, p.heapPages());
    if (p.thp() == Kernel.THP_MADVISE) {
      k.madviseHugepage(pid, heap, p.heapPages());
    }
    for (int i = 0; i < p.heapPages(); i++) {
      k.touch(pid, heap + ((long) i << 12), true);
    }
    return heap;
  }

  /** fork() + execve() of the job program; the job writes its pages and exits; the server reaps it. */
  private void job(Kernel k, int server) {
    int c = k.fork(server);
    if (c < 0) {
      return; // -ENOMEM: the request goes on without its job
    }
    if (k.exec(c, jobProgram, JOB_TEXT_PAGES)) {
      long va = k.mmapAnon(c, p.jobPages());
      for (int i = 0; i < p.jobPages(); i++) {
        k.touch(c, va + ((long) i << 12), true);
      }
      k.runUser(c, p.userCycles());
      k.exit(c);
    }
    k.wait4(server);
  }

  /** The device buffer in pageblocks ({@code cma-pages} is a multiple of one). */
  private int cmaPageblocks() {
    return p.cmaPages() / PageOrder.PAGEBLOCK_NR_PAGES;
  }

  @Override
  public void tearDown(Kernel k) {
    if (removedBlock >= 0) {
      k.addMemoryBlock(servers[0], removedBlock);
      removedBlock = -1;
    }
    if (cmaBuffer >= 0) {
      k.cmaRelease(0, cmaBuffer, cmaPageblocks());
      cmaBuffer = -1;
    }
    for (int s = 0; s < servers.length; s++) {
      if (modules[s] >= 0) {
        k.unloadModule(servers[s], modules[s]);
      }
      k.exit(servers[s]);
    }
    tenants.release(k);
  }
}
