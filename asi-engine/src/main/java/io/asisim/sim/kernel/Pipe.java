package io.asisim.sim.kernel;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.mm.Gfp;
import java.util.Arrays;

/**
 * Anonymous pipes (fs/pipe.c): {@code do_pipe2()}, {@code pipe_write()} and {@code pipe_read()} on a
 * ring of {@code PIPE_DEF_BUFFERS} page buffers. {@code pipe_write()} takes the pipe's cached
 * {@code tmp_page} or {@code alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT)} (user data: sensitive under
 * {@code gfp-sensitive}) and copies the user buffer into it ({@code copy_page_from_iter()});
 * {@code pipe_read()} copies it out ({@code copy_page_to_iter()}) and releases the buffer
 * ({@code anon_pipe_buf_release()}: the page becomes the pipe's {@code tmp_page} if there is none,
 * else it is freed). Both copies go through {@link Highmem#kmapLocal} at {@link AccessSite#PIPE}.
 * A reader of an empty pipe and a writer of a full one sleep until the other side wakes them.
 * The creator's process holds both ends (its threads share them); a writer is any process that
 * writes (a child inheriting the write end). Owners and writers are thread-group ids.
 * The pipe is freed ({@code free_pipe_info()}) when its creator exits.
 */
final class Pipe {
  /** {@code PIPE_DEF_BUFFERS}. */
  static final int PIPE_DEF_BUFFERS = 16;
  /** {@code pipe_write()}: {@code alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT)}. */
  static final int GFP_PIPE = Gfp.GFP_HIGHUSER | Gfp.__GFP_ACCOUNT;
  private static final int NONE = -1;

  private final Machine machine;
  private final TaskTable tasks;
  private final Sched sched;
  private final Highmem highmem;
  private final Memory memory;
  private final Vmscan vmscan;
  private final AsiPlugins plugins;
  private final Counter copies;
  private final long copyCost;

  private int nrPipes;
  private int[] owner = new int[8];
  private long[][] bufs = new long[8][];
  private int[][] bufWriter = new int[8][];
  private int[] head = new int[8];
  private int[] count = new int[8];
  private long[] tmpPage = new long[8];
  /**
   * The pipes still owned, ascending: the scans per exit and per exposure check walk these, not
   * every pipe ever created (a build creates one per compile unit).
   */
  private int[] live = new int[8];
  private int nrLive;
  /** {@code pipe->rd_wait} / {@code pipe->wr_wait}: per pid, the pipe it sleeps on ({@code NONE}) and as which end. */
  private int[] sleepsOn = new int[0];
  private boolean[] sleepsToWrite = new boolean[0];

  Pipe(Machine machine, TaskTable tasks, Sched sched, Highmem highmem, Memory memory, Vmscan vmscan,
      AsiPlugins plugins, KernelCounters counters) {
    this.machine = machine;
    this.tasks = tasks;
    this.sched = sched;
    this.highmem = highmem;
    this.memory = memory;
    this.vmscan = vmscan;
    this.plugins = plugins;
    this.copies = counters.pipeCopies();
    this.copyCost = machine.profile().get(Cost.COPY_PAGE);
  }

  /** {@code pipe2()} by {@code pid}: the new pipe's id. */
  int create(int cpu, int pid) {
    if (nrPipes == owner.length) {
      int n = owner.length * 2;
      owner = Arrays.copyOf(owner, n);
      bufs = Arrays.copyOf(bufs, n);
      bufWriter = Arrays.copyOf(bufWriter, n);
      head = Arrays.copyOf(head, n);
      count = Arrays.copyOf(count, n);
      tmpPage = Arrays.copyOf(tmpPage, n);
    }
    int p = nrPipes++;
    if (nrLive == live.length) {
      live = Arrays.copyOf(live, nrLive * 2);
    }
    live[nrLive++] = p; // p is the largest id yet: the list stays ascending
    owner[p] = tasks.tgid(pid); // the thread group's: its descriptor table holds the ends
    bufs[p] = new long[PIPE_DEF_BUFFERS];
    bufWriter[p] = new int[PIPE_DEF_BUFFERS];
    head[p] = 0;
    count[p] = 0;
    tmpPage[p] = NONE;
    machine.charge(cpu, KernelCosts.PIPE_CREATE);
    return p;
  }

  void check(int p) {
    if (p < 0 || p >= nrPipes || owner[p] == NONE) {
      throw new IllegalArgumentException("no pipe " + p);
    }
  }

  /**
   * {@code pipe_write()} of {@code pages} pages from {@code pid}'s buffer; returns the pages
   * written. Fewer than asked: the pipe is full and the writer now sleeps (or memory ran out).
   */
  int write(int cpu, int pid, int p, int pages) {
    MmState m = tasks.mm(pid);
    int written = 0;
    while (written < pages) {
      if (count[p] == PIPE_DEF_BUFFERS) {
        wakeAll(cpu, p, false);
        sleep(cpu, pid, p, true);
        return written;
      }
      long pfn = tmpPage[p];
      if (pfn >= 0) {
        tmpPage[p] = NONE;
      } else {
        pfn = vmscan.allocUserPage(cpu, GFP_PIPE);
        if (pfn < 0) {
          break;
        }
      }
      // copy_page_from_iter(): the user buffer into the pipe page
      memory.userAccess(cpu, m.bufVa, false);
      highmem.kmapLocal(cpu, m.mm, pfn, true, AccessSite.PIPE);
      machine.charge(cpu, copyCost + KernelCosts.PIPE_BUF);
      copies.inc();
      int slot = (head[p] + count[p]) % PIPE_DEF_BUFFERS;
      bufs[p][slot] = pfn;
      bufWriter[p][slot] = tasks.tgid(pid);
      count[p]++;
      written++;
    }
    if (written > 0) {
      wakeAll(cpu, p, false);
    }
    return written;
  }

  /**
   * {@code pipe_read()} of up to {@code pages} pages into {@code pid}'s buffer; returns the pages
   * read, 0 when the pipe was empty and the reader now sleeps until a write.
   */
  int read(int cpu, int pid, int p, int pages) {
    if (count[p] == 0) {
      sleep(cpu, pid, p, false);
      return 0;
    }
    MmState m = tasks.mm(pid);
    int read = 0;
    while (read < pages && count[p] > 0) {
      int slot = head[p];
      long pfn = bufs[p][slot];
      // copy_page_to_iter(): the pipe page into the user buffer
      highmem.kmapLocal(cpu, m.mm, pfn, false, AccessSite.PIPE);
      memory.kernelWriteUser(cpu, m, m.bufVa);
      machine.charge(cpu, copyCost + KernelCosts.PIPE_BUF);
      copies.inc();
      head[p] = (slot + 1) % PIPE_DEF_BUFFERS;
      count[p]--;
      release(cpu, p, pfn, bufWriter[p][slot]);
      read++;
    }
    wakeAll(cpu, p, true);
    return read;
  }

  /** {@code pipe_wait_readable()} / {@code pipe_wait_writable()}: {@code pid} sleeps on pipe {@code p}. */
  private void sleep(int cpu, int pid, int p, boolean toWrite) {
    if (pid >= sleepsOn.length) {
      int n = Math.max(64, pid * 2);
      int old = sleepsOn.length;
      sleepsOn = Arrays.copyOf(sleepsOn, n);
      Arrays.fill(sleepsOn, old, n, NONE);
      sleepsToWrite = Arrays.copyOf(sleepsToWrite, n);
    }
    sleepsOn[pid] = p;
    sleepsToWrite[pid] = toWrite;
    sched.block(cpu, pid, TaskTable.WAIT_PIPE);
  }

  /** {@code wake_up_interruptible_all()} of the pipe's sleeping writers or readers. */
  private void wakeAll(int cpu, int p, boolean writers) {
    for (int pid = 0; pid < sleepsOn.length; pid++) {
      if (sleepsOn[pid] == p && sleepsToWrite[pid] == writers) {
        sleepsOn[pid] = NONE;
        if (tasks.alive(pid) && tasks.state(pid) == TaskTable.WAIT_PIPE) {
          sched.wake(cpu, pid, 0);
        }
      }
    }
  }

  /**
   * {@code anon_pipe_buf_release()}: the consumed page becomes {@code tmp_page} (its stale data
   * stays readable only through the pipe) or is freed; freed, nobody can read it any more.
   */
  private void release(int cpu, int p, long pfn, int writer) {
    if (tmpPage[p] < 0) {
      tmpPage[p] = pfn;
      if (writer != owner[p] && writer != NONE && tasks.alive(writer)) {
        // the writer's access ended (hasLogicalAccess: tmp_page is the owner's only); the flush
        // policy is not told, as before this was counted (docs/deviations.md), but the checker is
        tasks.mm(writer).accessEnded(pfn);
      }
      return;
    }
    free(cpu, p, pfn, writer);
  }

  private void free(int cpu, int p, long pfn, int writer) {
    if (tasks.alive(owner[p])) {
      plugins.accessLost(cpu, tasks.mm(owner[p]), pfn);
    }
    if (writer != owner[p] && writer != NONE && tasks.alive(writer)) {
      plugins.accessLost(cpu, tasks.mm(writer), pfn);
    }
    vmscan.freeUserPage(cpu, pfn);
  }

  /** {@code free_pipe_info()} of every pipe {@code pid} created (it is exiting): buffers and {@code tmp_page}. */
  void exitPipes(int cpu, int pid) {
    for (int i = 0; i < nrLive; ) {
      int p = live[i];
      if (owner[p] != pid) {
        i++;
        continue;
      }
      while (count[p] > 0) {
        int slot = head[p];
        free(cpu, p, bufs[p][slot], bufWriter[p][slot]);
        head[p] = (slot + 1) % PIPE_DEF_BUFFERS;
        count[p]--;
      }
      if (tmpPage[p] >= 0) {
        free(cpu, p, tmpPage[p], NONE);
        tmpPage[p] = NONE;
      }
      wakeAll(cpu, p, true); // -EPIPE
      owner[p] = NONE;
      System.arraycopy(live, i + 1, live, i, nrLive - i - 1);
      nrLive--;
    }
  }

  /** Whether {@code pid} can read {@code pfn} through a pipe: its creator, or the writer of that buffer. */
  boolean hasLogicalAccess(int pid, long pfn) {
    int group = tasks.tgid(pid);
    for (int i = 0; i < nrLive; i++) {
      int p = live[i];
      boolean isOwner = owner[p] == group;
      if (isOwner && tmpPage[p] == pfn) {
        return true;
      }
      for (int k = 0; k < count[p]; k++) {
        int slot = (head[p] + k) % PIPE_DEF_BUFFERS;
        if (bufs[p][slot] == pfn && (isOwner || bufWriter[p][slot] == group)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Pages held by pipe {@code p} (buffers and {@code tmp_page}). */
  int pagesHeld(int p) {
    return count[p] + (tmpPage[p] >= 0 ? 1 : 0);
  }
}
