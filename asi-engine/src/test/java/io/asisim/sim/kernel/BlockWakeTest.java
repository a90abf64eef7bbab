package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Blocking and waking through the system-call table on a real simulated machine with ASI on
 * (2 CPUs, mapper {@code exit}, {@code gfp-sensitive}): wait4 woken at the child's exit, pipes,
 * the timer tick, user time. Counts are hand-checked against {@link Sched} and {@link Wait}.
 */
class BlockWakeTest {
  private SimKernel k;
  private Metrics m;
  private Machine machine;

  private void boot(String contextSwitch, int cpus) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CONTEXT_SWITCH, contextSwitch);
    sel.put(PluginKind.MAPPER, "exit");
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, cpus, true), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
    machine = inj.getInstance(io.asisim.api.plugin.SimContext.class).machine();
  }

  /** Deltas of (context switches, ASI exits, CR3 writes, wake-ups) over {@code r}. */
  private long[] over(Runnable r) {
    long s = m.get("context_switches");
    long e = m.get("asi_exits");
    long w = m.get("cr3_writes");
    long u = m.get("wakeups");
    r.run();
    return new long[] {m.get("context_switches") - s, m.get("asi_exits") - e, m.get("cr3_writes") - w,
        m.get("wakeups") - u};
  }

  /**
   * Parent on cpu 0, child on cpu 1 (fork places it on the least-loaded CPU). wait4 sleeps: cpu 0
   * switches to idle keeping the parent's mm (exit-always exits there: 1 exit, 1 CR3 write). The
   * child's exit wakes the parent: the idle cpu 0 switches back to the same mm (no mm change, no
   * CR3 write for it; exit-always re-enters on return to user: 1 CR3 write), and cpu 1 goes off the
   * dying mm to idle on init_mm (1 exit + 2 CR3 writes, both policies). 3 switches either way.
   */
  @Test
  void parentInWait4IsWokenByTheChildsExit() {
    for (String cs : new String[] {"exit-always", "same-mm"}) {
      boot(cs, 2);
      int parent = k.spawn();
      int child = k.fork(parent);
      assertThat(k.exec(child)).isTrue();
      assertThat(k.cpuOf(parent)).isEqualTo(0);
      assertThat(k.cpuOf(child)).isEqualTo(1);
      int[] r = new int[1];
      long[] sleep = over(() -> r[0] = k.wait4(parent));
      assertThat(r[0]).isEqualTo(Wait.BLOCKED);
      assertThat(k.runnable(parent)).isFalse();
      assertThat(k.view().currentPid(0)).isEqualTo(TaskTable.NO_TASK);
      assertThatThrownBy(() -> k.touch(parent, 0x1000_0000L, false)).isInstanceOf(IllegalStateException.class);
      long[] wake = over(() -> k.exit(child));
      assertThat(k.runnable(parent)).isTrue();
      assertThat(k.view().currentPid(0)).isEqualTo(parent);
      assertThat(machine.asi().isRestricted(0)).as(cs).isTrue();
      boolean always = cs.equals("exit-always");
      assertThat(sleep).as(cs + " sleep").containsExactly(1, always ? 1 : 0, always ? 1 : 0, 0);
      assertThat(wake).as(cs + " wake").containsExactly(2, 1, always ? 3 : 2, 1);
      assertThat(k.wait4(parent)).as("the zombie was reaped by the woken wait").isEqualTo(Wait.NO_CHILD);
    }
  }

  /** A zombie is reaped at once: no sleep, no switch. */
  @Test
  void wait4AfterTheChildExitedReapsWithoutSleeping() {
    boot("same-mm", 2);
    int parent = k.spawn();
    int child = k.fork(parent);
    k.exit(child);
    long[] d = over(() -> assertThat(k.wait4(parent)).isEqualTo(Wait.REAPED));
    assertThat(d).containsExactly(0, 0, 0, 0);
  }

  /**
   * On one CPU the sleeping parent's CPU runs the child, and the child's exit switches straight
   * back to the woken parent: 1 switch each way, each a change of mm (1 exit and 2 CR3 writes on
   * the way to the child; the dying child's CPU goes directly to the parent's mm).
   */
  @Test
  void oneCpuSwitchesBetweenParentAndChild() {
    boot("same-mm", 1);
    int parent = k.spawn();
    int child = k.fork(parent);
    long[] d = over(() -> k.wait4(parent));
    assertThat(k.view().currentPid(0)).isEqualTo(child);
    assertThat(d[0]).isEqualTo(1);
    assertThat(d[1]).isEqualTo(1);
    long[] e = over(() -> k.exit(child));
    assertThat(k.view().currentPid(0)).isEqualTo(parent);
    assertThat(e[0]).isEqualTo(1);
    assertThat(e[3]).isEqualTo(1);
  }

  /**
   * The tick: CONFIG_HZ=250 is one tick per 4 ms of a busy CPU's time, handled restricted (no
   * exit). 40 ms of user time from just after spawn: ticks at 4, 8, ..., 40 ms = 10.
   */
  @Test
  void tenTicksIn40MsOfUserTimeWithoutAsiExits() {
    boot("same-mm", 2);
    int pid = k.spawn();
    long period = machine.profile().get(Cost.CLOCK_MHZ) * 1_000_000 / 250;
    assertThat(machine.cycles(0)).isLessThan(period / 2);
    long exits = m.get("asi_exits");
    long ticks = m.get("timer_ticks");
    k.setUserWorkingSet(pid, 4, 4);
    k.runUser(pid, 10 * period);
    assertThat(m.get("timer_ticks") - ticks).isEqualTo(10);
    assertThat(m.get("asi_exits")).isEqualTo(exits);
    assertThat(machine.asi().isRestricted(0)).isTrue();
    assertThat(m.get("user_cycles")).isGreaterThanOrEqualTo(10 * period);
  }

  /**
   * pipe_write() of 2 pages and pipe_read() of them: 4 copies at the pipe site; each system call's
   * first direct-map touch of a sensitive pipe page exits (then the CPU is unrestricted): 2 exits at
   * asi_exit_sites.pipe. The first consumed page stays as tmp_page, so the next write allocates
   * nothing; a read of the empty pipe sleeps and that write wakes the reader.
   */
  @Test
  void pipeCopiesAreCountedAtThePipeSite() {
    boot("same-mm", 2);
    int parent = k.spawn();
    int pipe = k.pipe(parent);
    int child = k.fork(parent);
    long siteExits = m.get("asi_exit_sites.pipe");
    assertThat(k.pipeWrite(child, pipe, 2)).isEqualTo(2);
    assertThat(k.pipeRead(parent, pipe, 16)).isEqualTo(2);
    assertThat(m.get("pipe_copies")).isEqualTo(4);
    assertThat(m.get("asi_exit_sites.pipe") - siteExits).isEqualTo(2);
    assertThat(k.pipeRead(parent, pipe, 16)).isZero(); // empty: the reader sleeps
    assertThat(k.runnable(parent)).isFalse();
    long allocs = m.get("alloc_requests");
    long[] d = over(() -> assertThat(k.pipeWrite(child, pipe, 1)).isEqualTo(1));
    assertThat(m.get("alloc_requests")).as("tmp_page reused").isEqualTo(allocs);
    assertThat(d[3]).isEqualTo(1);
    assertThat(k.runnable(parent)).isTrue();
    assertThat(k.pipeRead(parent, pipe, 16)).isEqualTo(1);
    k.exit(child);
    long free = k.freePages();
    k.exit(parent); // free_pipe_info(): the tmp_page goes back
    assertThat(k.freePages()).isGreaterThan(free);
  }
}
