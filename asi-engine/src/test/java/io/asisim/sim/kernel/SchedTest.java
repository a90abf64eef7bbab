package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one context-switch routine ({@link Sched#contextSwitch}) on a real simulated machine with ASI
 * on: exact ASI exits, CR3 writes and mapper sched hooks for a switch to another mm, to the same
 * task, to a kernel thread and back, to idle, and the exec-style mm switch.
 */
class SchedTest {
  private static final ContextSwitchPolicy EXIT_ALWAYS = (prev, next) -> true;
  private static final ContextSwitchPolicy SAME_MM = (prev, next) -> prev != next;

  private final List<String> hooks = new ArrayList<>();
  private Machine machine;
  private Metrics metrics;
  private TaskTable tasks;
  private Sched sched;
  private int a;
  private int b;

  /** Two tasks with their own mm, both placed on cpu 0; nothing running yet. */
  private void boot(ContextSwitchPolicy cs) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, Set.of(), Settings.none(), 1, 0);
    SimContext ctx = Guice.createInjector(new VariantModule(c, PluginRegistry.discover())).getInstance(SimContext.class);
    machine = ctx.machine();
    metrics = ctx.metrics();
    KernelCounters counters = KernelCounters.register(metrics);
    Mapper recording = new Mapper() {
      @Override public long map(int cpu, long mm, long pfn) { return NO_ALIAS; }
      @Override public void unmap(int cpu, long mm, long va) {}
      @Override public void schedOut(int cpu, long task) { hooks.add("out:" + task); }
      @Override public void schedIn(int cpu, long task) { hooks.add("in:" + task); }
    };
    AsiPlugins plugins = new AsiPlugins(machine.asi(), () -> recording, () -> (FlushPolicy) null, () -> cs,
        counters.accessLosses());
    tasks = new TaskTable(machine.nrCpus());
    sched = new Sched(machine, tasks, plugins, counters, machine.asi().exitSite("context_switch"));
    a = task(0);
    b = task(0);
  }

  private int task(int cpu) {
    int pid = tasks.allocPid();
    tasks.install(pid, new MmState(machine.addressSpaces().mmCreate(cpu)), cpu, FilesStruct.empty());
    return pid;
  }

  /** {@code a} runs on cpu 0 and has returned to user space (restricted). */
  private void runA() {
    sched.switchTo(0, a);
    sched.returnToUser(0);
    assertThat(machine.asi().isRestricted(0)).isTrue();
    hooks.clear();
  }

  private long exits() {
    return metrics.get("asi_exits");
  }

  private long cr3() {
    return metrics.get("cr3_writes");
  }

  private long switches() {
    return metrics.get("context_switches");
  }

  @Test
  void switchToAnotherMmExitsOnceAndWritesCr3Twice() {
    boot(SAME_MM); // a change of mm exits whatever the policy says
    runA();
    long e = exits();
    long w = cr3();
    long s = switches();
    assertThat(sched.switchTo(0, b)).isTrue();
    assertThat(exits() - e).isEqualTo(1);
    assertThat(cr3() - w).isEqualTo(2); // asi_exit() to the unrestricted PCID, then switch_mm to b's mm
    assertThat(switches() - s).isEqualTo(1);
    assertThat(machine.addressSpaces().loadedMm(0)).isEqualTo(tasks.mm(b).mm);
    assertThat(tasks.current(0)).isEqualTo(b);
    assertThat(hooks).containsExactly("out:" + a, "in:" + b);
  }

  @Test
  void switchToTheRunningTaskDoesNothing() {
    boot(EXIT_ALWAYS);
    runA();
    long e = exits();
    long w = cr3();
    long s = switches();
    assertThat(sched.switchTo(0, a)).isFalse();
    assertThat(exits()).isEqualTo(e);
    assertThat(cr3()).isEqualTo(w);
    assertThat(switches()).isEqualTo(s);
    assertThat(hooks).isEmpty();
  }

  @Test
  void kthreadRoundTripUnderExitAlwaysExitsOnceAndReentersOnce() {
    boot(EXIT_ALWAYS);
    runA();
    long e = exits();
    long w = cr3();
    long s = switches();
    sched.runKthread(0);
    assertThat(exits() - e).isEqualTo(1); // the switch back finds the CPU unrestricted already
    assertThat(cr3() - w).isEqualTo(2); // asi_exit() + asi_enter_userspace(); the borrowed mm never changes
    assertThat(switches() - s).isEqualTo(2);
    assertThat(tasks.current(0)).isEqualTo(a);
    assertThat(machine.asi().isRestricted(0)).isTrue();
    assertThat(hooks).containsExactly("out:" + a, "in:" + a);
  }

  @Test
  void kthreadRoundTripUnderSameMmStaysRestricted() {
    boot(SAME_MM);
    runA();
    long e = exits();
    long w = cr3();
    sched.runKthread(0);
    assertThat(exits()).isEqualTo(e);
    assertThat(cr3()).isEqualTo(w);
    assertThat(switches()).isPositive();
    assertThat(machine.asi().isRestricted(0)).isTrue();
  }

  @Test
  void switchToIdleKeepsTheMmLazilyOrDropsItForADyingTask() {
    boot(SAME_MM);
    runA();
    long mmA = tasks.mm(a).mm;
    long w = cr3();
    sched.switchToIdle(0, true); // migration: same mm kept, policy says stay
    assertThat(machine.addressSpaces().loadedMm(0)).isEqualTo(mmA);
    assertThat(tasks.current(0)).isEqualTo(TaskTable.NO_TASK);
    assertThat(cr3()).isEqualTo(w);
    assertThat(hooks).containsExactly("out:" + a);

    sched.switchTo(0, a); // back to the same mm: switch_mm finds it loaded
    sched.returnToUser(0);
    long e = exits();
    w = cr3();
    sched.switchToIdle(0, false); // do_task_dead(): off the dying mm, to init_mm
    assertThat(exits() - e).isEqualTo(1);
    assertThat(cr3() - w).isEqualTo(2);
    assertThat(machine.addressSpaces().loadedMm(0)).isEqualTo(AddressSpaces.INIT_MM);
  }

  /**
   * Idle with lazy TLB: {@code a} sleeps, cpu 0 has no other runnable task and goes idle keeping
   * a's mm (lazy); the wake-up switches idle back to the same mm: no CR3 write for the mm. Under
   * same-mm nothing exits or writes CR3 at all; under exit-always the sleep exits (1 CR3 write)
   * and the return to user re-enters (1 CR3 write).
   */
  @Test
  void sleepToIdleAndWakeBackToTheSameMmWritesNoCr3ForTheMm() {
    for (boolean always : new boolean[] {false, true}) {
      boot(always ? EXIT_ALWAYS : SAME_MM);
      runA();
      tasks.setCpu(b, 1); // b elsewhere: cpu 0's runqueue is empty
      long e = exits();
      long w = cr3();
      long s = switches();
      sched.block(0, a, TaskTable.WAIT_CHILD);
      assertThat(tasks.current(0)).isEqualTo(TaskTable.NO_TASK);
      assertThat(sched.isLazy(0)).isTrue();
      assertThat(machine.addressSpaces().loadedMm(0)).isEqualTo(tasks.mm(a).mm);
      sched.wake(1, a, 0);
      assertThat(tasks.current(0)).isEqualTo(a);
      assertThat(sched.isLazy(0)).isFalse();
      assertThat(switches() - s).isEqualTo(2);
      assertThat(exits() - e).isEqualTo(always ? 1 : 0);
      assertThat(cr3() - w).isEqualTo(always ? 2 : 0);
      assertThat(machine.asi().isRestricted(0)).isTrue();
    }
  }

  /** A sleeping task's CPU runs the runnable task that was switched out longest ago, not idle. */
  @Test
  void sleepPicksTheLongestWaitingRunnableTask() {
    boot(SAME_MM);
    int c = task(0);
    sched.switchTo(0, b);
    sched.switchTo(0, c); // b switched out first
    runA();
    sched.block(0, a, TaskTable.WAIT_PIPE);
    assertThat(tasks.current(0)).isEqualTo(b);
    assertThat(sched.isLazy(0)).isFalse();
  }

  @Test
  void execMmSwitchIsNoContextSwitchButExitsAtItsSite() {
    boot(SAME_MM);
    runA();
    int siteExec = machine.asi().exitSite("exec");
    long s = switches();
    long e = exits();
    sched.switchMm(0, machine.addressSpaces().mmCreate(0), siteExec);
    assertThat(switches()).isEqualTo(s);
    assertThat(exits() - e).isEqualTo(1);
    assertThat(metrics.get("asi_exit_sites.exec")).isEqualTo(1);
    assertThat(hooks).isEmpty();
  }
}
