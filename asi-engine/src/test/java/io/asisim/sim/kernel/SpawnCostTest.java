package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The calibration behind {@code KernelCosts.EXEC_BASE}: the measured {@code posix_spawn(/bin/true)}
 * + {@code waitpid()} on the calibration machine's profile, modelled step by step.
 */
class SpawnCostTest {
  /** calibration/data/vm-20261201-run2/summary.properties: spawn.posix_spawn_bin_true_wait.median_tsc. */
  static final long MEASURED = 1_447_667;

  @Test
  void posixSpawnOfBinTrueCostsWhatWasMeasuredLessItsUserTime() {
    String profile = Path.of("..", "calibration", "profiles", "kvm-zen4-2vcpu.properties").toString();
    PluginRegistry reg = PluginRegistry.discover();
    assertThat(reg.has(PluginKind.CPU_PROFILE, profile)).isTrue(); // loads the file
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.CPU_PROFILE, profile);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 1, false), sel, Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, reg));
    SimKernel k = inj.getInstance(SimKernel.class);
    Machine m = inj.getInstance(Machine.class);
    int parent = k.spawn();
    int trueBin = k.createFile(49 + 6, true);
    int ldcache = k.createFile(9, true);
    spawnTrue(k, parent, trueBin, ldcache); // warms the page cache, as the benchmark's repetitions did
    long t0 = m.cycles(0);
    spawnTrue(k, parent, trueBin, ldcache);
    long model = m.cycles(0) - t0;
    assertThat(model).isEqualTo(MEASURED - KernelCosts.BIN_TRUE_USER);
  }

  /**
   * vfork, exec of a coreutils program (the faults of {@code nice} in the unit trace: 55 file-backed,
   * 6 of them data writes, 16 anonymous, and ld.so.cache), exit, wait4.
   */
  private static void spawnTrue(SimKernel k, int parent, int file, int ldcache) {
    int c = k.vfork(parent);
    k.exec(c, file, 55);
    long va = k.mmapFile(c, ldcache, 9);
    k.touch(c, va, false);
    k.touch(c, va + 4096, false);
    k.munmap(c, va, 9);
    for (int i = 0; i < 49; i++) {
      k.touch(c, io.asisim.api.kernel.Kernel.TEXT_BASE + ((long) i << 12), false);
    }
    for (int i = 49; i < 55; i++) {
      k.touch(c, io.asisim.api.kernel.Kernel.TEXT_BASE + ((long) i << 12), true);
    }
    long heap = k.mmapAnon(c, 16);
    for (int i = 0; i < 16; i++) {
      k.touch(c, heap + ((long) i << 12), true);
    }
    k.wait4(parent);
    k.exit(c);
  }
}
