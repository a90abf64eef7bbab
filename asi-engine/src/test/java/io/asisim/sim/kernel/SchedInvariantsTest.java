package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random process trees (fork, exec, wait4, pipes, user time, exits, migrations, kworkers) on 3 CPUs:
 * after every call each CPU runs nothing or a live runnable task placed on it, no sleeping task
 * runs, every sleeper has a reason to be woken, the allocator is consistent; at the end every task
 * has exited and the run repeats exactly with the same seed.
 */
class SchedInvariantsTest {
  private static final int CPUS = 3;

  private static long[] run(long seed, String cs) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CONTEXT_SWITCH, cs);
    VariantConfig c = new VariantConfig(new MachineConfig(128L << 20, CPUS, true), sel, Set.of(), Settings.none(),
        seed, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    PageAllocator alloc = inj.getInstance(io.asisim.api.plugin.SimContext.class).allocator();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Integer> live = new ArrayList<>();
    List<Integer> parentOf = new ArrayList<>(); // parallel to live
    int root = k.spawn();
    int pipe = k.pipe(root);
    live.add(root);
    parentOf.add(-1);
    for (int op = 0; op < 400; op++) {
      List<Integer> runnable = new ArrayList<>();
      for (int p : live) {
        if (k.runnable(p)) {
          runnable.add(p);
        }
      }
      assertThat(runnable).as("someone can always run (sleepers wait for a live child or a writer)").isNotEmpty();
      int pid = runnable.get(rnd.nextInt(runnable.size()));
      switch (rnd.nextInt(9)) {
        case 0:
        case 1:
          if (live.size() < 8) {
            int child = k.fork(pid);
            if (child >= 0) {
              live.add(child);
              parentOf.add(pid);
              if (rnd.nextBoolean() && !k.exec(child)) {
                int at = live.indexOf(child);
                live.remove(at);
                parentOf.remove(at);
              }
            }
          }
          break;
        case 2:
          if (pid != root && hasLiveChild(live, parentOf, pid)) {
            k.wait4(pid); // a live child will wake it (the root only sleeps in pipe reads)
          }
          break;
        case 3:
          if (pid != root) {
            k.pipeWrite(pid, pipe, 1 + rnd.nextInt(3));
          }
          break;
        case 4:
          if (pid == root && live.size() > 1) { // a writer exists to wake it
            k.pipeRead(root, pipe, 1 + rnd.nextInt(4));
          }
          break;
        case 5:
          k.runUser(pid, rnd.nextInt(2_000_000));
          break;
        case 6:
          if (pid != root) {
            k.exit(pid);
            int at = live.indexOf(pid);
            live.remove(at);
            for (int i = 0; i < parentOf.size(); i++) {
              if (parentOf.get(i) == pid) {
                parentOf.set(i, -1);
              }
            }
            parentOf.remove(at);
          }
          break;
        case 7:
          k.migrate(pid, rnd.nextInt(CPUS));
          break;
        default:
          k.runKthread(rnd.nextInt(CPUS));
          break;
      }
      for (int cpu = 0; cpu < CPUS; cpu++) {
        int cur = k.view().currentPid(cpu);
        if (cur != TaskTable.NO_TASK) {
          assertThat(live).as("op %d: cpu %d runs a live task", op, cpu).contains(cur);
          assertThat(k.runnable(cur)).as("op %d: cpu %d runs a sleeper", op, cpu).isTrue();
          assertThat(k.cpuOf(cur)).isEqualTo(cpu);
        }
      }
      assertThat(alloc.checkConsistency()).isNull();
    }
    // wake the root if it sleeps in a pipe read, then tear down leaf first: exits wake their parents
    if (!k.runnable(root)) {
      k.pipeWrite(firstRunnableOtherThan(k, live, root), pipe, 1);
    }
    assertThat(k.runnable(root)).isTrue();
    while (!live.isEmpty()) {
      boolean progress = false;
      for (int i = live.size() - 1; i >= 0; i--) {
        int p = live.get(i);
        if (k.runnable(p) && (p != root || live.size() == 1) && !hasLiveChild(live, parentOf, p)) {
          k.exit(p);
          live.remove(i);
          parentOf.remove(i);
          progress = true;
          break;
        }
      }
      if (!progress) {
        // a writer asleep on a full pipe: the root drains it
        assertThat(k.pipeRead(root, pipe, Pipe.PIPE_DEF_BUFFERS)).isPositive();
      }
    }
    assertThat(alloc.checkConsistency()).isNull();
    return new long[] {m.get("context_switches"), m.get("asi_exits"), m.get("cr3_writes"), m.get("wakeups"),
        m.get("timer_ticks"), m.get("pipe_copies")};
  }

  private static boolean hasLiveChild(List<Integer> live, List<Integer> parentOf, int pid) {
    for (int i = 0; i < live.size(); i++) {
      if (parentOf.get(i) == pid) {
        return true;
      }
    }
    return false;
  }

  private static int firstRunnableOtherThan(SimKernel k, List<Integer> live, int root) {
    for (int p : live) {
      if (p != root && k.runnable(p)) {
        return p;
      }
    }
    return -1;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void invariantsHoldAndRunsRepeat(long seed) {
    for (String cs : new String[] {"exit-always", "same-mm"}) {
      long[] a = run(seed, cs);
      assertThat(run(seed, cs)).as("same seed, same counts").containsExactly(a);
      assertThat(a[0]).isPositive();
    }
  }
}
