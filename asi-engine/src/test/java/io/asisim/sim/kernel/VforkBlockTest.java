package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

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

/** vfork(): the parent sleeps in wait_for_vfork_done() until the child's exec or exit wakes it. */
class VforkBlockTest {
  private static Injector variant() {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), Map.of(), Set.of(),
        Settings.none(), 1, 0);
    return Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
  }

  @Test
  void theParentSleepsUntilTheChildExecsThenReapsIt() {
    Injector inj = variant();
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int parent = k.spawn();
    int child = k.vfork(parent);
    assertThat(k.runnable(parent)).as("asleep in wait_for_vfork_done()").isFalse();
    assertThat(k.vforkWaiting(parent)).isTrue();
    long wakeups = m.get("wakeups");
    assertThat(k.exec(child)).isTrue(); // exec_mmap() -> mm_release() -> complete_vfork_done()
    assertThat(k.vforkWaiting(parent)).isFalse();
    assertThat(k.runnable(parent)).isTrue();
    assertThat(m.get("wakeups")).isEqualTo(wakeups + 1);
    assertThat(k.wait4(parent)).as("the child lives: the parent sleeps in wait4()").isZero();
    k.exit(child); // exit_notify() wakes the parent, whose wait4() reaps the child
    assertThat(k.runnable(parent)).isTrue();
    assertThat(k.wait4(parent)).as("no child left").isEqualTo(-1);
    assertThat(m.get("cow_faults")).as("nothing was copied: the mm was shared, then replaced").isZero();
  }

  @Test
  void aChildExitingWithoutExecAlsoWakesTheParent() {
    Injector inj = variant();
    SimKernel k = inj.getInstance(SimKernel.class);
    int parent = k.spawn();
    int child = k.vfork(parent);
    k.exit(child); // exit_mm() -> mm_release(); the shared mm keeps its other user
    assertThat(k.runnable(parent)).isTrue();
    assertThat(k.wait4(parent)).isEqualTo(1);
  }
}
