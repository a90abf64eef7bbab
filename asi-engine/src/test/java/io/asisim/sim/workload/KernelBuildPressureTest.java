package io.asisim.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kernel-build at its memory cap: execve() fails (-ENOMEM before the point of no return, or the
 * task is killed after it) while make, sh and gcc spawn with vfork. Every failure path must wake
 * the sleeping parent, so the run completes.
 */
class KernelBuildPressureTest {
  private static final PluginRegistry REG = PluginRegistry.discover();

  @Test
  void execFailuresUnderVforkWakeTheParentAndTheRunCompletes() {
    // seed 1 with a 48 MiB build: an execve() of a vfork child fails with -ENOMEM before the
    // point of no return; before the fix the child went on as if it had exec'd and its parent
    // stayed asleep in wait_for_vfork_done() forever (checked: this run then fails)
    VariantConfig c = new VariantConfig(new MachineConfig(16L << 30, 8, true),
        Map.of(PluginKind.WORKLOAD, "kernel-build"), Set.of(PluginKind.WORKLOAD),
        Settings.parse(List.of("workload.kernel-build.ops=100000", "workload.kernel-build.build-memory=48M"), REG),
        1, 0);
    RunResult r = new Runner(REG).run(c);
    assertThat(r.get("oom_events")).as("memory really ran out").isPositive();
    assertThat(r.get("forks")).isPositive();
  }

  @Test
  void anOutOfMemoryPipeWriteDoesNotLeaveMakeAsleepAndTearDownKillsSleepers() {
    // every compiler touching 14700 anonymous pages (57 MiB) within a 96 MiB build:
    // pipe_write() of an output page fails for lack of memory, so make reads only what was written
    // (before, it slept in pipe_read() and the next step drove a sleeping task); tear-down's kill
    // wakes tasks asleep in wait4() to exit
    VariantConfig c = new VariantConfig(new MachineConfig(16L << 30, 8, false),
        Map.of(PluginKind.WORKLOAD, "kernel-build"), Set.of(PluginKind.WORKLOAD),
        Settings.parse(List.of("workload.kernel-build.ops=200000", "workload.kernel-build.anon-pages=14700",
            "workload.kernel-build.build-memory=96M"), REG),
        1, 0);
    RunResult r = new Runner(REG).run(c);
    assertThat(r.get("oom_events")).isPositive();
    assertThat(r.get("forks")).isPositive();
  }
}
