package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
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
 * The cold-entry rule ({@link ColdEntry}) on a real simulated machine (the zen4 profile:
 * faults 1718 / 2420 / 4604 / 8322 and path walks 236 / 509 / 2173 / 5553 cycles at 0 B, 256 KiB,
 * 1 MiB and 4 MiB of user L1 data fills). Every figure is hand-computed from that table.
 */
class ColdEntryTest {
  /** Far from the page spawn() maps for the first user buffer. */
  private static final long HEAP = 0x4000_0000L;

  private SimKernel k;
  private Metrics m;
  private Machine machine;

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CPU_PROFILE, "zen4");
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, false), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
    machine = inj.getInstance(io.asisim.api.plugin.SimContext.class).machine();
  }

  private long cold(Runnable r) {
    long before = m.get("cold_entry_cycles");
    r.run();
    return m.get("cold_entry_cycles") - before;
  }

  @Test
  void tableIsInterpolatedLinearlyAndHeldBeyondItsLastPoint() {
    long[] t = {1718, 2420, 4604, 8322};
    assertThat(ColdEntry.extra(t, 1)).isEqualTo(1718);
    assertThat(ColdEntry.extra(t, 128 << 10)).isEqualTo(1718 + 351);
    assertThat(ColdEntry.extra(t, 256 << 10)).isEqualTo(2420);
    assertThat(ColdEntry.extra(t, 2L << 20)).isEqualTo(4604 + 3718 / 3);
    assertThat(ColdEntry.extra(t, 4L << 20)).isEqualTo(8322);
    assertThat(ColdEntry.extra(t, 64L << 20)).isEqualTo(8322);
  }

  /** One byte per cycle: the fills equal the user cycles run. */
  @Test
  void anEntryAfterUserCodePaysForTheBytesItsCodeFilled() {
    boot();
    int p = k.spawn();
    k.setUserCacheFill(p, 1000);
    k.runUser(p, 128 << 10);
    assertThat(cold(() -> k.touch(p, HEAP, true))).as("fault after 128 KiB").isEqualTo(1718 + 351);
    assertThat(cold(() -> k.touch(p, HEAP + 0x1000, true))).as("fault right after a fault").isZero();
    k.runUser(p, 256 << 10);
    assertThat(cold(() -> k.touch(p, HEAP, true))).as("present page: no fault").isZero();
    assertThat(cold(() -> k.touch(p, HEAP + 0x2000, true))).as("the access was an entry").isZero();
    k.runUser(p, 2 << 20);
    assertThat(cold(() -> k.touch(p, HEAP + 0x3000, false))).as("fault after 2 MiB").isEqualTo(4604 + 1239);
    k.setUserCacheFill(p, 10_000);
    k.runUser(p, 1 << 20);
    assertThat(cold(() -> k.stat(p, Kernel.NO_FILE))).as("path walk after a capped 10 MiB").isEqualTo(5553);
    k.runUser(p, 26 << 10);
    assertThat(cold(() -> k.open(p, Kernel.NO_FILE))).as("path walk after 260 KiB")
        .isEqualTo(509 + (2173 - 509) * (4L << 10) / (768 << 10));
    k.runUser(p, 100);
    assertThat(cold(() -> k.sigaction(p))).as("not measured cold: loop body").isZero();
    assertThat(cold(() -> k.stat(p, Kernel.NO_FILE))).as("after an unmeasured entry").isZero();
  }

  @Test
  void aForkChildInheritsTheRateAndATaskWithoutOneStaysWarm() {
    boot();
    int p = k.spawn();
    k.setUserCacheFill(p, 1000);
    int child = k.fork(p);
    k.runUser(child, 256 << 10);
    assertThat(cold(() -> k.touch(child, HEAP, true))).isEqualTo(2420);
    k.setUserCacheFill(child, Integer.MAX_VALUE);
    k.runUser(child, 5_000_000_000L); // x 2^31 / 1000 overflows a long unless it saturates first
    assertThat(cold(() -> k.touch(child, HEAP + 0x1000, true))).as("saturated, not overflowed").isEqualTo(8322);
    int warm = k.spawn();
    k.runUser(warm, 1 << 20);
    assertThat(cold(() -> k.touch(warm, HEAP, true))).isZero();
  }

  /** The extra is charged to the CPU, not only counted: two identical runs differ by exactly it. */
  @Test
  void theExtraIsChargedToTheCpu() {
    long[] cycles = new long[2];
    long coldCycles = 0;
    for (int rate = 0; rate < 2; rate++) {
      boot();
      int p = k.spawn();
      k.setUserCacheFill(p, rate * 1000);
      for (int i = 0; i < 8; i++) {
        k.runUser(p, 64 << 10);
        k.touch(p, HEAP + ((long) i << 12), true);
        k.stat(p, Kernel.NO_FILE);
      }
      cycles[rate] = machine.cycles(k.cpuOf(p));
      coldCycles = m.get("cold_entry_cycles");
    }
    assertThat(coldCycles).isEqualTo(8 * (1718 + 702 / 4));
    assertThat(cycles[1] - cycles[0]).isEqualTo(coldCycles);
  }
}
