package io.asisim.testkit;

import io.asisim.api.plugin.PluginKind;

/**
 * Sizes the built-in workloads for tests: few ops and small files so that a run takes well under a
 * second on the 256-512 MiB machines of {@link TestVariants}, while still exercising what each
 * workload is for (several jobs, reads that miss, fork/exec/exit, reclaim).
 */
public final class Workloads {
  private Workloads() {}

  /**
   * Adds small-size overrides for {@code workload} to {@code b}: {@code fio-randread} 400 reads by 2
   * jobs of a 1 MiB file; {@code kernel-build} 2500 steps of 4 jobs in 64 MiB; any other workload
   * only its {@code ops} (200; every workload declares {@code ops}, docs/contracts.md).
   */
  public static TestVariants.Builder small(TestVariants.Builder b, String workload) {
    switch (workload) {
      case "fio-randread":
        return b.set(PluginKind.WORKLOAD, workload, "ops", "400").set(PluginKind.WORKLOAD, workload, "jobs", "2")
            .set(PluginKind.WORKLOAD, workload, "file-size", "1M");
      case "kernel-build":
        return b.set(PluginKind.WORKLOAD, workload, "ops", "2500").set(PluginKind.WORKLOAD, workload, "jobs", "4")
            .set(PluginKind.WORKLOAD, workload, "build-memory", "64M")
            .set(PluginKind.WORKLOAD, workload, "source-files", "60");
      default:
        return b.set(PluginKind.WORKLOAD, workload, "ops", "200");
    }
  }
}
