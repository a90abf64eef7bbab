package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import java.util.SplittableRandom;

/**
 * A compiler-like process with worker threads ({@code threaded-link}), after a parallel linker
 * ({@code ld.lld --threads=N}) or an LTO back end: one process whose {@code threads} workers, threads
 * of its mm placed on distinct CPUs, each take work items in turn. An item reads
 * {@code read-pages} of one of the {@code inputs} object files (page-cache reads through the
 * selected mapper), maps a scratch buffer of {@code buffer-pages} anonymous pages, writes it
 * (faults: allocate, zero, map), runs {@code user-cycles} of user code and unmaps it: the
 * {@code munmap()} shoots down every other CPU running the mm, and the process loses access to
 * the buffer's pages, which is where a flush policy that forgets the other threads' CPUs leaks.
 * Every {@code output-every} items the main thread writes {@code output-pages} of the output file.
 * Every default is an estimate, not a measurement of a real link (docs/workloads.md).
 */
final class ThreadedLinkWorkload implements Workload {
  /** Chunks of {@code output-pages} in the output file, an estimate of an output of a few MiB. */
  static final int OUTPUT_CHUNKS = 64;

  private final ThreadedLinkParams p;
  private int[] pids;
  private int[] inputs;
  private int output;
  private int[] inFds;
  private int outFd;
  private long outPos;
  private long outputSize;
  private SplittableRandom random;

  ThreadedLinkWorkload(ThreadedLinkParams p) {
    this.p = p;
  }

  @Override
  public long ops() {
    return p.ops();
  }

  @Override
  public void setUp(Kernel k) {
    if (p.threads() > k.nrCpus()) {
      throw new IllegalArgumentException("threads=" + p.threads() + " on " + k.nrCpus()
          + " CPUs: the workers run on distinct CPUs (at most --cpus)");
    }
    random = k.random().split();
    pids = new int[p.threads() + 1];
    pids[0] = k.spawn();
    if (pids[0] < 0) {
      throw new IllegalArgumentException("out of memory starting the link");
    }
    for (int t = 1; t <= p.threads(); t++) {
      pids[t] = k.cloneThread(pids[0]);
      int cpu = (k.cpuOf(pids[0]) + t) % k.nrCpus();
      if (k.cpuOf(pids[t]) != cpu) {
        k.migrate(pids[t], cpu);
      }
    }
    inputs = new int[p.inputs()];
    inFds = new int[p.inputs()];
    for (int i = 0; i < p.inputs(); i++) {
      inputs[i] = k.createFile(p.inputPages(), true);
      inFds[i] = k.open(pids[0], inputs[i]); // one descriptor table: every thread reads through it
    }
    // The output is written in place over a file of OUTPUT_CHUNKS chunks, wrapping: the simulated
    // page cache has files of a fixed size (Kernel.createFile), and a real link's output is one
    // file rewritten section by section, not an append stream.
    outputSize = (long) p.outputPages() * OUTPUT_CHUNKS;
    output = k.createFile(outputSize, true);
    outFd = k.open(pids[0], output);
  }

  @Override
  public void step(Kernel k, long index) {
    int t = 1 + (int) (index % p.threads());
    int pid = pids[t];
    int in = random.nextInt(p.inputs());
    long at = random.nextLong(Math.max(1, p.inputPages() - p.readPages() + 1));
    k.read(pid, inFds[in], at, p.readPages());
    long buf = k.mmapAnon(pid, p.bufferPages());
    for (int i = 0; i < p.bufferPages(); i++) {
      k.touch(pid, buf + ((long) i << 12), true);
    }
    if (p.userCycles() > 0) {
      k.runUser(pid, p.userCycles());
    }
    k.munmap(pid, buf, p.bufferPages());
    if (p.outputEvery() > 0 && (index + 1) % p.outputEvery() == 0) {
      k.write(pids[0], outFd, outPos, p.outputPages());
      outPos = (outPos + p.outputPages()) % outputSize;
    }
  }

  @Override
  public void tearDown(Kernel k) {
    for (int fd : inFds) {
      k.close(pids[0], fd);
    }
    k.close(pids[0], outFd);
    k.exit(pids[0]); // exit_group(): the workers too
  }
}
