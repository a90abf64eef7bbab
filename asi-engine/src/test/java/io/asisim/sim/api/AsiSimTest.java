package io.asisim.sim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Better;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.UnknownMetricException;
import org.junit.jupiter.api.Test;

/** The Java API end to end: variants from the builder, a run, a comparison, typed results and errors. */
class AsiSimTest {
  private static final AsiSim SIM = AsiSim.discover();

  private static Variant.Builder fio(String flush) {
    return SIM.variant("fio-randread").plugin(PluginKind.FLUSH, flush).plugin(PluginKind.MAPPER, "vmalloc")
        .cpus(4).memory("512M").set("workload.fio-randread.ops", 400).set("workload.fio-randread.file-size=1M");
  }

  @Test
  void aComparisonHasTypedRowsPerMetricAndVariant() {
    Variant global = fio("mm-global").build();
    Variant precise = fio("precise").build();
    // 5 samples: Welch's t-test decides the verdict (with 2, Mann-Whitney can never reach p < 0.05)
    ComparisonOutcome out = SIM.comparison("flush").variant(global).variant(precise).samples(5).threads(2).run();

    assertThat(out.labels()).containsExactly("baseline (asi off)", "flush=mm-global", "flush=precise");
    assertThat(out.label(precise)).isEqualTo("flush=precise");
    ComparisonOutcome.MetricComparison ops = out.metric("ops");
    assertThat(ops.descriptor().unit()).isEqualTo("ops");
    ComparisonResult.Row row = ops.row("flush=precise");
    assertThat(row.stats().n()).isEqualTo(5);
    assertThat(row.stats().mean()).isEqualTo(400);
    ComparisonOutcome.MetricComparison cycles = out.metric("cycles_per_op");
    assertThat(cycles.descriptor().better()).isEqualTo(Better.LOWER);
    assertThat(cycles.row("flush=mm-global").verdict()).isEqualTo("worse"); // ASI costs cycles against the baseline
    // the same comparison again gives the same numbers: runs are deterministic
    ComparisonOutcome again = SIM.comparison("flush").variant(global).variant(precise).samples(5).threads(1).run();
    assertThat(again.metric("tlb_shootdown_ipis").rows()).isEqualTo(out.metric("tlb_shootdown_ipis").rows());
  }

  @Test
  void aMachineParameterThatChangesRunsWithAsiOffGetsABaselinePerValue() {
    // virt changes what a run with ASI off costs: each value is compared with its own baseline
    ComparisonOutcome virt = SIM.comparison("virt").variant(fio("local").set("machine.x86.virt", "none").build())
        .variant(fio("local").set("machine.x86.virt", "kvm").build()).samples(1).run();
    assertThat(virt.labels()).containsExactly("baseline (asi off) machine.x86.virt=none",
        "baseline (asi off) machine.x86.virt=kvm", "machine.x86.virt=none", "machine.x86.virt=kvm");
    assertThat(virt.metric("nested_walk_cycles").row("baseline (asi off) machine.x86.virt=kvm").stats().mean()).isPositive();
    // cr3-noflush only changes ASI transitions: both variants share one baseline
    ComparisonOutcome noflush = SIM.comparison("noflush")
        .variant(fio("local").set("machine.x86.cr3-noflush", "false").build())
        .variant(fio("local").set("machine.x86.cr3-noflush", "true").build()).samples(1).run();
    assertThat(noflush.labels()).containsExactly("baseline (asi off)", "machine.x86.cr3-noflush=false",
        "machine.x86.cr3-noflush=true");
  }

  @Test
  void unknownNamesThrowListingWhatIsValid() {
    ComparisonOutcome out = SIM.comparison("one").variant(fio("local").build()).samples(1).run();
    assertThatThrownBy(() -> out.metric("tlb_shootdown_ipi"))
        .isInstanceOfSatisfying(UnknownMetricException.class, e -> assertThat(e.validNames()).contains("tlb_shootdown_ipis"));
    assertThatThrownBy(() -> out.metric("ops").row("flush=nope"))
        .isInstanceOf(BadInputException.class)
        .hasMessage("no variant 'flush=nope' in the rows of ops (labels: baseline (asi off), fio-randread)");
    assertThatThrownBy(() -> SIM.variant("fio-randred").build())
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown workload 'fio-randred' (valid: ")
        .hasMessageContaining("fio-randread");
    assertThatThrownBy(() -> fio("local").set("workload.fio-randread.opz", 1).build())
        .isInstanceOf(BadInputException.class).hasMessageContaining("opz");
    assertThatThrownBy(() -> fio("local").memory("99M").build())
        .isInstanceOf(BadInputException.class).hasMessageContaining("multiple of 2M");
    assertThatThrownBy(() -> SIM.comparison("off").variant(fio("local").asi(false).build()).run())
        .isInstanceOf(BadInputException.class).hasMessageContaining("ASI on");
  }

  @Test
  void aRunReportsEveryMetricWithItsDescriptor() {
    RunResult r = SIM.run(fio("local").seed(7).build());
    assertThat(r.config().seed()).isEqualTo(7);
    assertThat(r.get("ops")).isEqualTo(400);
    assertThat(r.metric("throughput_ops_per_s").descriptor().better()).isEqualTo(Better.HIGHER);
    assertThat(r.metric("vmap_purges").descriptor().unit()).isEqualTo("count");
  }

  @Test
  void theBuildNamesItsVersionAndTheCheckoutsHead() throws Exception {
    assertThat(AsiSim.build().toolVersion()).isEqualTo("0.1.0-SNAPSHOT");
    // this module's build.properties was filtered in this very build, so it names the HEAD tested
    Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
    String head = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    if (p.waitFor() == 0 && head.matches("[0-9a-f]{40}")) {
      assertThat(AsiSim.build().gitCommit()).isEqualTo(head);
    } else {
      assertThat(AsiSim.build().gitCommit()).isEqualTo(BuildInfo.UNKNOWN);
    }
  }
}
