package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import io.asisim.api.kernel.Kernel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One kernel-build unit, counted between two cc1 exits of a single slot: the faults, copies and
 * spawns of the measured process tree ({@link KernelBuildRecipe}), by hand.
 */
class KernelBuildUnitTest {
  @Test
  void oneUnitTakesTheRecipesFaultsCopiesAndSpawns() {
    VariantConfig c = new VariantConfig(new MachineConfig(512L << 20, 2, true), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    Counter units = m.counter(KernelBuildPlugin.UNITS);
    // 1 job, cc1 with 200 anonymous pages and no headers, 4 pages copied by each forked child
    KernelBuildParams p = new KernelBuildParams(0, 1, 50, 2, 0, 200, 4, 4, 8, 128L << 20, 0, 100, 1 << 30,
        1_000_000, 1, 0);
    KernelBuildWorkload w = new KernelBuildWorkload(p, new SplittableRandom(3), units);
    w.setUp(k);
    long i = 0;
    while (units.get() < 1) {
      w.step(k, i++);
    }
    long anon = m.get("anon_faults");
    long cow = m.get("cow_faults");
    long file = m.get("file_faults");
    long forks = m.get("forks");
    while (units.get() < 2) {
      w.step(k, i++);
    }
    // anonymous: sh 8 x 17, gcc 36, cc1 200, as 190, objtool 2255, fixdep, check-local-export and
    // awk 17 each, nm 190, rm 2 x 16, mkdir 16, and one I/O-buffer page per exec (19)
    assertThat(m.get("anon_faults") - anon).isEqualTo(8 * 17 + 36 + 200 + 190 + 2255 + 3 * 17 + 190 + 3 * 16 + 19);
    // copies: 3 forked children x 4 pages, and 6 data pages of each of the 19 programs (do_cow_fault)
    assertThat(m.get("cow_faults") - cow).isEqualTo(3 * 4 + 19 * 6);
    // read faults: the programs' file faults less their 6 data pages, and 2 ld.so.cache pages each
    int fileFaults = 8 * 47 + 63 + 305 + 187 + 55 + 3 * 47 + 187 + 3 * 55;
    assertThat(m.get("file_faults") - file).isEqualTo(fileFaults - 19 * 6 + 19 * 2);
    assertThat(m.get("forks") - forks).isEqualTo(20);
    assertThat(KernelBuildRecipe.processes()).isEqualTo(20);
    w.tearDown(k);
  }

  /**
   * A unit with a small hand-checked system-call mix: every call of {@link KernelBuildSyscalls} is
   * issued through the kernel exactly as often per unit as the mix says, on top of the recipe's own
   * (cc1 with 20 anonymous pages, too few for any of its large regions, and no headers).
   */
  @Test
  void oneUnitIssuesTheSyscallMixExactly() {
    VariantConfig c = new VariantConfig(new MachineConfig(512L << 20, 2, true), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel sim = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    Counter units = m.counter(KernelBuildPlugin.UNITS);
    Map<String, Long> calls = new HashMap<>();
    Kernel k = (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
        (proxy, method, args) -> {
          String key = method.getName();
          if ((key.equals("open") || key.equals("stat")) && (Integer) args[1] == Kernel.NO_FILE) {
            key += "(NO_FILE)";
          }
          calls.merge(key, 1L, Long::sum);
          try {
            return method.invoke(sim, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    KernelBuildParams p = new KernelBuildParams(0, 1, 50, 2, 0, 20, 4, 4, 8, 128L << 20, 0, 100, 1 << 30,
        1_000_000, 1, 0);
    // opens, extraReads, openMissing, stats, statMissing, readlinks, sigactions, mmaps, munmaps,
    // mprotects, brks, execMissing, futexWakes, others
    KernelBuildSyscalls mix = new KernelBuildSyscalls(38, 20, 40, 25, 7, 3, 50, 19, 5, 10, 4, 2, 1, 11);
    KernelBuildWorkload w = new KernelBuildWorkload(p, new SplittableRandom(3), units, mix);
    w.setUp(k);
    long i = 0;
    while (units.get() < 1) {
      w.step(k, i++);
    }
    Map<String, Long> before = new HashMap<>(calls);
    long syscalls = m.get("syscalls");
    while (units.get() < 2) {
      w.step(k, i++);
    }
    Map<String, Long> unit = new HashMap<>();
    calls.forEach((key, v) -> unit.put(key, v - before.getOrDefault(key, 0L)));
    // as opens and writes its object file; 19 execs map and unmap ld.so.cache and map a heap
    assertThat(unit.get("open")).isEqualTo(1 + 38);
    assertThat(unit.get("close")).isEqualTo(1 + 38);
    assertThat(unit.get("read")).isEqualTo(38 + 20);
    assertThat(unit.get("open(NO_FILE)")).isEqualTo(40);
    assertThat(unit.get("stat")).isEqualTo(25);
    assertThat(unit.get("stat(NO_FILE)")).isEqualTo(7);
    assertThat(unit.get("readlink")).isEqualTo(3);
    assertThat(unit.get("sigaction")).isEqualTo(50);
    assertThat(unit.get("mmapAnon")).isEqualTo(19 + 19);
    assertThat(unit.get("mmapFile")).isEqualTo(19);
    assertThat(unit.get("munmap")).isEqualTo(19 + 5);
    assertThat(unit.get("mprotect")).isEqualTo(10);
    assertThat(unit.get("brk")).isEqualTo(4);
    assertThat(unit.get("execMissing")).isEqualTo(2);
    assertThat(unit.get("futexWake")).isEqualTo(1);
    assertThat(unit.get("syscall")).isEqualTo(11);
    assertThat(mix.total()).isEqualTo(3 * 38 + 20 + 40 + 25 + 7 + 3 + 50 + 19 + 5 + 10 + 4 + 2 + 1 + 11);
    w.tearDown(k);
  }

  /** The mix adds exactly its calls to the unit's kernel entries (the {@code syscalls} metric). */
  @Test
  void theMixAddsItsCallsToTheUnitsKernelEntries() {
    KernelBuildSyscalls mix = new KernelBuildSyscalls(38, 20, 40, 25, 7, 3, 50, 19, 5, 10, 4, 2, 1, 11);
    assertThat(unitEntries(mix) - unitEntries(KernelBuildSyscalls.NONE)).isEqualTo(mix.total());
  }

  private static long unitEntries(KernelBuildSyscalls mix) {
    VariantConfig c = new VariantConfig(new MachineConfig(512L << 20, 2, true), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    Counter units = m.counter(KernelBuildPlugin.UNITS);
    KernelBuildParams p = new KernelBuildParams(0, 1, 50, 2, 0, 20, 4, 4, 8, 128L << 20, 0, 100, 1 << 30,
        1_000_000, 1, 0);
    KernelBuildWorkload w = new KernelBuildWorkload(p, new SplittableRandom(3), units, mix);
    w.setUp(k);
    long i = 0;
    while (units.get() < 1) {
      w.step(k, i++);
    }
    long before = m.get("syscalls");
    while (units.get() < 2) {
      w.step(k, i++);
    }
    return m.get("syscalls") - before;
  }

  @Test
  void theMeasuredMixIsSplitOverTheNineteenExecs() {
    assertThat(KernelBuildRecipe.EXECS).isEqualTo(19);
    int sum = 0;
    for (int q = 0; q < KernelBuildRecipe.EXECS; q++) {
      sum += KernelBuildSyscalls.share(743, q, KernelBuildRecipe.EXECS);
    }
    assertThat(sum).isEqualTo(743);
    assertThat(KernelBuildSyscalls.MEASURED.total()).isEqualTo(3 * 437 + 329 + 743 + 1115 + 173 + 148 + 1290 + 412
        + 17 + 100 + 119 + 9 + 282 + 746);
  }
}
