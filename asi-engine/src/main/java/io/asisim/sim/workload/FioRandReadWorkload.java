package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import java.util.SplittableRandom;

/**
 * {@code fio --rw=randread --bs=4k --ioengine=psync} on a tmpfs file: {@code jobs} processes (or,
 * with fio's {@code --thread}, threads of one process, sharing its mm on several CPUs) each
 * open the file and issue {@code pread()}s of one block at uniformly random block offsets. Before
 * op 0, as fio does when it lays out a new file, the first job writes the whole file, so every read
 * hits the page cache. Each op is one {@code pread()} by the next job in turn (fio's jobs run
 * concurrently; round-robin interleaves them deterministically): syscall entry, page-cache lookup,
 * copy of each page to the user buffer through the selected mapper, return to user; then fio's own
 * user time per I/O ({@link Kernel#runUser}: issuing, completion accounting) with its user working
 * set. With {@code tmpfs-huge} other than {@code never} the layout's first write into each 2 MiB
 * of the file may allocate a 2 MiB folio and clear the rest of it (docs/workloads.md, "Huge tmpfs
 * folios"): real fio {@code fallocate()}s the file first, which allocates the same folios, and its
 * first write into each clears the rest just as well.
 */
final class FioRandReadWorkload implements Workload {
  private final int jobs;
  private final boolean thread;
  private final long filePages;
  private final int blockPages;
  private final long ops;
  private final SplittableRandom random;
  private final long userCycles;
  private final int tmpfsHuge;
  private int[] pids;
  private int[] fds;
  private long blocks;

  /** Estimate: fio's user working set in the I/O loop (data, text pages): io_u buffers and stats, the engine loop. */
  static final int USER_DATA_PAGES = 8;
  static final int USER_TEXT_PAGES = 32;

  FioRandReadWorkload(int jobs, boolean thread, long fileBytes, long blockBytes, long ops, long userCycles,
      int tmpfsHuge, SplittableRandom random) {
    if (blockBytes % 4096 != 0) {
      throw new IllegalArgumentException("block-size must be a multiple of 4K, got " + blockBytes);
    }
    if (fileBytes % blockBytes != 0) {
      throw new IllegalArgumentException("file-size must be a multiple of block-size");
    }
    this.jobs = jobs;
    this.thread = thread;
    this.filePages = fileBytes >>> 12;
    this.blockPages = (int) (blockBytes >>> 12);
    this.ops = ops;
    this.random = random;
    this.userCycles = userCycles;
    this.tmpfsHuge = tmpfsHuge;
  }

  @Override
  public long ops() {
    return ops;
  }

  @Override
  public void setUp(Kernel k) {
    if (filePages > k.totalPages() / 2) {
      throw new IllegalArgumentException("file-size " + (filePages << 12) + " bytes does not fit in half of memory ("
          + (k.totalPages() << 12) + " bytes)");
    }
    if (tmpfsHuge != Kernel.SHMEM_HUGE_NEVER) {
      k.setTmpfsHuge(tmpfsHuge); // mount -o remount,huge=... before the file is laid out
    }
    int file = k.createFile(filePages, false);
    pids = new int[jobs];
    fds = new int[jobs];
    for (int j = 0; j < jobs; j++) {
      pids[j] = thread && j > 0 ? k.cloneThread(pids[0]) : k.spawn();
      if (pids[j] < 0) {
        throw new IllegalArgumentException("out of memory starting fio job " + j);
      }
      k.setUserWorkingSet(pids[j], USER_DATA_PAGES, USER_TEXT_PAGES);
      fds[j] = k.open(pids[j], file);
    }
    // lay out the file: sequential writes by job 0, a block at a time
    for (long p = 0; p < filePages; p += blockPages) {
      k.write(pids[0], fds[0], p, blockPages);
    }
    blocks = filePages / blockPages;
  }

  @Override
  public void step(Kernel k, long index) {
    int j = (int) (index % jobs);
    long block = random.nextLong(blocks);
    k.read(pids[j], fds[j], block * blockPages, blockPages);
    if (userCycles > 0) {
      k.runUser(pids[j], userCycles);
    }
  }

  @Override
  public void tearDown(Kernel k) {
    for (int j = jobs - 1; j >= 0; j--) { // threads before their leader, whose exit would end them
      k.close(pids[j], fds[j]);
      k.exit(pids[j]);
    }
  }
}
