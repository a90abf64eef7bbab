package io.asisim.sim.kernel;

import io.asisim.api.mapper.Mapper;
import io.asisim.sim.util.LongLongMap;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The checker's read-only view of the kernel ({@link KernelView}): who runs where, who may read
 * which frame, the mappers in use, and the alias mismatches {@link Highmem} recorded.
 */
final class CheckView implements KernelView {
  private final TaskTable tasks;
  private final FileMap files;
  private final Pipe pipes;
  private final AsiPlugins plugins;
  private final Highmem highmem;
  private final Memory memory;
  private final MapCount mapCount;
  /** The mm {@link #userPte} found last, and the task it was found through. */
  private MmState lastState;
  private int lastPid;

  private final KernelSlab slab;
  private final PageCache cache;

  CheckView(TaskTable tasks, FileMap files, Pipe pipes, AsiPlugins plugins, Highmem highmem, Memory memory,
      MapCount mapCount, KernelSlab slab, PageCache cache) {
    this.slab = slab;
    this.cache = cache;
    this.tasks = tasks;
    this.files = files;
    this.pipes = pipes;
    this.plugins = plugins;
    this.highmem = highmem;
    this.memory = memory;
    this.mapCount = mapCount;
  }

  @Override
  public String takeUnzeroedUserPage() {
    return memory.takeUnzeroedUserPage();
  }

  @Override
  public String slabInconsistency() {
    return slab.inconsistency(cache);
  }

  @Override
  public int currentPid(int cpu) {
    return tasks.current(cpu);
  }

  @Override
  public long taskSteps(int cpu) {
    return tasks.taskSteps(cpu);
  }

  @Override
  public boolean hasLogicalAccess(int pid, long pfn) {
    return files.hasLogicalAccess(pid, pfn) || (tasks.alive(pid) && pipes.hasLogicalAccess(pid, pfn));
  }

  @Override
  public List<Mapper> mappersBuilt() {
    return plugins.mappersBuilt();
  }

  @Override
  public long accessLossCount(int pid) {
    MmState m = liveMm(pid);
    return m == null ? -1 : m.accessLosses();
  }

  @Override
  public int lostFramesSince(int pid, long since, long[] buf) {
    MmState m = liveMm(pid);
    return m == null ? -1 : m.lostSince(since, buf);
  }

  @Override
  public long userPte(long mm, long va) {
    // the incremental check asks for the PTEs an op wrote, mostly of one mm (a fork, an exit):
    // the mm found last is kept while its task still has it, else the pids are searched
    if (lastState == null || lastState.mm != mm || liveMm(lastPid) != lastState) {
      lastState = null;
      for (int pid = 0; pid < tasks.pidLimit() && lastState == null; pid++) {
        MmState m = liveMm(pid);
        if (m != null && m.mm == mm) {
          lastState = m;
          lastPid = pid;
        }
      }
      if (lastState == null) {
        return NO_MM;
      }
    }
    return pte(lastState, va);
  }

  private static long pte(MmState m, long va) {
    long v = m.anon.get(va);
    if (v != LongLongMap.ABSENT) {
      return anonPte(v);
    }
    v = m.filePte.get(va);
    return v == LongLongMap.ABSENT ? NO_PTE : v;
  }

  /** MmState keeps anonymous PTEs in this view's encoding; only the anonymous bit is added. */
  private static long anonPte(long v) {
    return (v & (PTE_PFN_MASK | PTE_WRITABLE)) | PTE_ANON;
  }

  @Override
  public boolean forEachUserPte(UserPteVisitor visitor) {
    Set<MmState> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = liveMm(pid);
      if (m == null || !seen.add(m)) {
        continue; // a vfork child or a thread shares its mm
      }
      for (int i = 0; i < m.anon.capacity(); i++) {
        if (m.anon.used(i)) {
          visitor.pte(m.mm, m.anon.keyAt(i), anonPte(m.anon.valueAt(i)));
        }
      }
      for (int i = 0; i < m.filePte.capacity(); i++) {
        if (m.filePte.used(i) && !m.anon.containsKey(m.filePte.keyAt(i))) { // as userPte: anon wins
          visitor.pte(m.mm, m.filePte.keyAt(i), m.filePte.valueAt(i));
        }
      }
    }
    return true;
  }

  @Override
  public boolean anonShared(long pfn) {
    return mapCount.isShared(pfn);
  }

  private MmState liveMm(int pid) {
    return tasks.alive(pid) ? tasks.mm(pid) : null;
  }

  @Override
  public String takeAliasMismatch() {
    return highmem.takeAliasMismatch();
  }
}
