package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fio-randread's {@code tmpfs-huge} under {@code --check}, every value with every shipped allocator
 * and mapper: a 5 MiB file (two 2 MiB folios and a last 1 MiB that {@code within_size} leaves in
 * 4 KiB folios and {@code always} gives a folio reaching past the end), 2 000 reads by two jobs.
 * The layout writes and clears the folios through the zeroing site's mapper; no run may leave a
 * violation or, with a flush policy that reaches every CPU, a leak exposure.
 */
class FioTmpfsHugeCheckTest {
  private static final PluginRegistry REG = Registries.with();

  @Test
  void everyTmpfsHugeValueRunsCleanWithEveryAllocatorAndMapper() {
    Runner runner = new Runner(REG);
    for (String huge : List.of("never", "always", "within_size", "advise")) {
      for (String alloc : List.of("buddy", "pageblock-migratetype", "unmapped-pool")) {
        for (String mapper : REG.ofKind(PluginKind.MAPPER).keySet()) {
          String what = huge + "/" + alloc + "/" + mapper;
          RunResult r = runner.run(Variants.of("fio-randread").pick(PluginKind.ALLOCATOR, alloc)
              .pick(PluginKind.MAPPER, mapper).asi(!alloc.equals("buddy"))
              .set("workload.fio-randread.tmpfs-huge=" + huge).set("workload.fio-randread.file-size=5M")
              .set("workload.fio-randread.ops=2000").set("workload.fio-randread.jobs=2")
              .memory(256L << 20).cpus(2).seed(3).checkEvery(50).build(REG));
          assertThat(r.get("invariant_violations")).as(what).isZero();
          assertThat(r.get("leak_exposures")).as(what).isZero();
          if (!huge.equals("never")) { // never reports no huge-folio counter
            long folios = huge.equals("always") ? 3 : huge.equals("within_size") ? 2 : 0;
            assertThat(r.get("nr_shmem_hugepages")).as(what).isEqualTo(folios);
          }
        }
      }
    }
  }
}
