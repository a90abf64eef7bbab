package io.asisim.sim.kernel;

import io.asisim.api.mapper.Mapper;
import java.util.List;

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

  CheckView(TaskTable tasks, FileMap files, Pipe pipes, AsiPlugins plugins, Highmem highmem, Memory memory) {
    this.tasks = tasks;
    this.files = files;
    this.pipes = pipes;
    this.plugins = plugins;
    this.highmem = highmem;
    this.memory = memory;
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

  private MmState liveMm(int pid) {
    return tasks.alive(pid) ? tasks.mm(pid) : null;
  }

  @Override
  public String takeAliasMismatch() {
    return highmem.takeAliasMismatch();
  }
}
