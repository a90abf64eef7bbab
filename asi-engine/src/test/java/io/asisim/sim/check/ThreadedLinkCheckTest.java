package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, threads: {@code threaded-link}'s four workers share one mm on four CPUs (the main
 * thread on a fifth), under {@code --check} after every op with the ephmap and NOFLUSH CR3 writes.
 * Each item unmaps its scratch buffer once, so {@code local} and {@code precise} shoot down exactly
 * once per item and {@code mm-global} once more when the mm loses access; only {@code local} leaves
 * another CPU a translation of a frame its task lost (exposures), and no policy breaks an invariant.
 */
class ThreadedLinkCheckTest {
  private static final PluginRegistry REG = Registries.with();
  private static final int OPS = 400;

  private static RunResult run(String flush) {
    return new Runner(REG).run(Variants.of("threaded-link").pick(PluginKind.MAPPER, "ephmap")
        .pick(PluginKind.FLUSH, flush).set("workload.threaded-link.ops=" + OPS)
        .set("workload.threaded-link.inputs=8").set("machine.x86.cr3-noflush=true").memory(256L << 20)
        .cpus(8).seed(5).checkEvery(1).build(REG));
  }

  @Test
  void onlyLocalLeavesOtherThreadsCpusATranslation() {
    RunResult local = run("local");
    assertThat(local.get("invariant_violations")).isZero();
    assertThat(local.get("leak_exposures")).isPositive();
    assertThat(local.get("tlb_shootdowns")).isEqualTo(OPS);
    for (String flush : new String[] {"mm-global", "precise", "eager-global"}) {
      RunResult r = run(flush);
      assertThat(r.get("invariant_violations")).as(flush).isZero();
      assertThat(r.get("leak_exposures")).as(flush).isZero();
    }
    assertThat(run("precise").get("tlb_shootdowns")).isEqualTo(OPS);
    assertThat(run("mm-global").get("tlb_shootdowns")).isEqualTo(2 * OPS);
    // the munmap IPIs go to the other CPUs that ran the mm: three workers and the main thread once
    // all have run, which takes the first items of a run
    assertThat(local.get("tlb_shootdown_ipis")).isBetween(4.0 * OPS - 10, 4.0 * OPS);
  }
}
