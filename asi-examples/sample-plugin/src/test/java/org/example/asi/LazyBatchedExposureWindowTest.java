package org.example.asi;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.testkit.ScenarioRig;
import io.asisim.testkit.TestVariants;
import org.junit.jupiter.api.Test;

/** What the batch trades: an exposure window of up to batch - 1 pages against one IPI per batch. */
class LazyBatchedExposureWindowTest {
  @Test
  void stalePagesStayExposedUntilTheBatchFillsThenOneIpiClearsThem() {
    ScenarioRig rig = new ScenarioRig(TestVariants.builder().cpus(2).memory(128L << 20)
        .select(PluginKind.FLUSH, "lazy-batched").set(PluginKind.FLUSH, "lazy-batched", "batch", "3")
        .select(PluginKind.MAPPER, "vmalloc").build(), TestVariants.registry(new LazyBatchedFlushPolicyPlugin()), 16);
    long a = rig.process();
    rig.run(0, a);
    for (int page = 0; page < 3; page++) {
      rig.open(a, page);
      assertThat(rig.read(0, page)).isEqualTo(rig.filePfn(page));
    }
    rig.run(1, a); // the task migrates; CPU 0 idles with A loaded and the three translations cached
    rig.close(1, 0);
    rig.close(1, 1);
    // two pages lost, batch not full: CPU 0 still reaches both (vmalloc's lazy purge has not run)
    assertThat(rig.exposures()).as(rig.lastExposures()).isEqualTo(2);
    assertThat(rig.metrics().get("tlb_shootdown_ipis")).isZero();
    rig.close(1, 2);
    // the third fills the batch: one shootdown round, one IPI to CPU 0, nothing left
    assertThat(rig.exposures()).as(rig.lastExposures()).isZero();
    assertThat(rig.metrics().get("tlb_shootdown_ipis")).isEqualTo(1);
    assertThat(rig.metrics().get("lazy_batched_flushes")).isEqualTo(1);
  }
}
