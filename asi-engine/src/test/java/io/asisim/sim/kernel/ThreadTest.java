package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Threads ({@code CLONE_VM|CLONE_FILES|CLONE_THREAD}): one mm on two CPUs at once, so an unmap
 * shoots the other CPU down unless it is lazy; a thread's exit ends only it; the leader's exit
 * and exec end the others.
 */
class ThreadTest {
  private Injector inj;
  private SimKernel k;
  private Metrics m;

  private void boot(boolean asi) {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, asi), Map.of(), Set.of(),
        Settings.none(), 1, 0);
    inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
  }

  /** A process on CPU 0 and its second thread running user code on CPU 1. */
  private int[] twoThreadsOnTwoCpus() {
    int leader = k.spawn();
    int thread = k.cloneThread(leader);
    if (k.cpuOf(thread) == k.cpuOf(leader)) {
      k.migrate(thread, 1 - k.cpuOf(leader));
    }
    k.runUser(thread, 1);
    return new int[] {leader, thread};
  }

  @Test
  void threadsShareTheMmAndItsPages() {
    boot(false);
    int[] t = twoThreadsOnTwoCpus();
    assertThat(k.cpuOf(t[0])).isNotEqualTo(k.cpuOf(t[1]));
    long va = k.mmapAnon(t[0], 1);
    k.touch(t[0], va, true);
    long faults = m.get("anon_faults");
    k.touch(t[1], va, true); // the same PTE: no fault on the other CPU
    assertThat(m.get("anon_faults")).isEqualTo(faults);
  }

  @Test
  void anUnmapShootsDownTheOtherCpuRunningTheMmButNotALazyOne() {
    boot(false);
    int[] t = twoThreadsOnTwoCpus();
    long va = k.mmapAnon(t[0], 1);
    k.touch(t[0], va, true);
    k.munmap(t[0], va, 1);
    assertThat(m.get("tlb_shootdowns")).as("CPU 1 runs the mm in user mode").isEqualTo(1);
    assertThat(m.get("tlb_shootdown_ipis")).isEqualTo(1);
    // the thread moves to CPU 0: CPU 1 goes idle, keeping the mm loaded lazily
    k.migrate(t[1], k.cpuOf(t[0]));
    long va2 = k.mmapAnon(t[0], 1);
    k.touch(t[0], va2, true);
    k.munmap(t[0], va2, 1);
    assertThat(m.get("tlb_shootdown_ipis")).as("native_flush_tlb_multi() skips the lazy CPU").isEqualTo(1);
  }

  @Test
  void aThreadsExitEndsOnlyItTheLeadersExitEndsAll() {
    boot(false);
    long free = KernelPages.freeOrSlab(k);
    int leader = k.spawn();
    int file = k.createFile(4, false);
    int fd = k.open(leader, file);
    int a = k.cloneThread(leader);
    int b = k.cloneThread(leader);
    long va = k.mmapAnon(leader, 8);
    for (int i = 0; i < 8; i++) {
      k.touch(a, va + ((long) i << 12), true);
    }
    k.exit(a);
    assertThat(k.runnable(leader)).isTrue();
    k.read(b, fd, 0, 1); // the shared descriptor table is still open
    k.touch(leader, va, false); // and the mm with its pages
    k.exit(leader); // exit_group(): b dies first, then the leader; the mm goes with its last user
    assertThatThrownBy(() -> k.runnable(b)).hasMessageContaining("no process");
    assertThat(m.get("wakeups")).isZero();
    // (reading a hole of a tmpfs file caches nothing: shmem_file_read_iter() copies the zero page)
    assertThat(KernelPages.freeOrSlab(k)).as("the mm's pages and tables are freed, once").isEqualTo(free);
    KernelPages.noProcessObjectsLeft(k);
  }

  @Test
  void execEndsTheOtherThreadsAndOnlyTheLeaderMayExec() {
    boot(false);
    int leader = k.spawn();
    int thread = k.cloneThread(leader);
    assertThatThrownBy(() -> k.exec(thread)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only the thread-group leader");
    assertThat(k.exec(leader)).isTrue(); // de_thread()
    assertThatThrownBy(() -> k.runnable(thread)).hasMessageContaining("no process");
    assertThat(k.runnable(leader)).isTrue();
  }

  @Test
  void twoThreadsThatEachVforkWaitForTheirOwnChild() {
    boot(false);
    int[] t = twoThreadsOnTwoCpus();
    int c1 = k.vfork(t[1]); // the thread waits for c1
    int c2 = k.vfork(t[0]); // the leader waits for c2
    assertThat(k.vforkWaiting(t[1])).isTrue();
    assertThat(k.vforkWaiting(t[0])).isTrue();
    assertThat(k.exec(c1)).isTrue(); // complete_vfork_done() of c1 wakes the thread, not the leader
    assertThat(k.runnable(t[1])).isTrue();
    assertThat(k.vforkWaiting(t[1])).isFalse();
    assertThat(k.vforkWaiting(t[0])).isTrue();
    k.exit(c2);
    assertThat(k.runnable(t[0])).isTrue();
    assertThat(k.vforkWaiting(t[0])).isFalse();
  }

  @Test
  void exitGroupKillsAThreadWaitingForItsVforkChildAndTheChildWakesNobody() {
    boot(false);
    long free = KernelPages.freeOrSlab(k);
    int[] t = twoThreadsOnTwoCpus();
    int child = k.vfork(t[1]);
    k.exit(t[0]); // zap_other_threads(): the waiting thread dies too; the child keeps the mm
    assertThatThrownBy(() -> k.runnable(t[1])).hasMessageContaining("no process");
    assertThat(k.runnable(child)).isTrue();
    // the dead thread's pid is reused (alloc_pid() hands out the most recently freed first) by a
    // task that sleeps in a vfork of its own: the old child's mm_release() must not wake it
    int x = k.spawn();
    int y = k.spawn();
    assertThat(y).isEqualTo(t[1]);
    int z = k.vfork(y);
    assertThat(k.exec(child)).isTrue(); // mm_release() of the shared mm: no waiter left to wake
    assertThat(k.runnable(y)).as("asleep until its own child z execs or exits").isFalse();
    k.exit(z);
    assertThat(k.runnable(y)).isTrue();
    k.exit(child);
    k.exit(y);
    k.exit(x);
    assertThat(KernelPages.freeOrSlab(k)).isEqualTo(free);
  }

  @Test
  void aPipeCreatedByAThreadBelongsToTheProcess() {
    boot(false);
    long free = KernelPages.freeOrSlab(k);
    int[] t = twoThreadsOnTwoCpus();
    int pipe = k.pipe(t[1]);
    assertThat(k.pipeWrite(t[1], pipe, 1)).isEqualTo(1);
    k.exit(t[1]); // the pipe lives on with the process's descriptor table
    assertThat(k.pipeRead(t[0], pipe, 1)).isEqualTo(1);
    assertThat(k.pipeWrite(t[0], pipe, 1)).isEqualTo(1);
    k.exit(t[0]); // free_pipe_info() with the group: its buffer page is freed
    assertThat(KernelPages.freeOrSlab(k)).isEqualTo(free);
  }
}
