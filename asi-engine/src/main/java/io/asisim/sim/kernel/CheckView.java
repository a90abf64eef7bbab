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

  CheckView(TaskTable tasks, FileMap files, Pipe pipes, AsiPlugins plugins, Highmem highmem, Memory memory,
      MapCount mapCount) {
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
    // O(pids): the incremental check asks this only for the few user PTEs an op wrote
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = liveMm(pid);
      if (m != null && m.mm == mm) {
        return pte(m, va);
      }
    }
    return NO_MM;
  }

  private static long pte(MmState m, long va) {
    long v = m.anon.get(va);
    if (v != LongLongMap.ABSENT) {
      return (v & (PTE_PFN_MASK | PTE_WRITABLE)) | PTE_ANON; // MmState keeps anon PTEs in this encoding
    }
    v = m.filePte.get(va);
    return v == LongLongMap.ABSENT ? NO_PTE : v;
  }

  @Override
  public boolean forEachUserPte(UserPteVisitor visitor) {
    Set<MmState> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      MmState m = liveMm(pid);
      if (m == null || !seen.add(m)) {
        continue; // a vfork child or a thread shares its mm
      }
      visit(m, m.anon, visitor);
      visit(m, m.filePte, visitor);
    }
    return true;
  }

  private static void visit(MmState m, LongLongMap ptes, UserPteVisitor visitor) {
    for (int i = 0; i < ptes.capacity(); i++) {
      if (ptes.used(i)) {
        visitor.pte(m.mm, ptes.keyAt(i), pte(m, ptes.keyAt(i)));
      }
    }
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
