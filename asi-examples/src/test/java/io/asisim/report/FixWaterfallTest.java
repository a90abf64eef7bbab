package io.asisim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Better;
import io.asisim.api.metrics.MetricDescriptor;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fix waterfall on hand-made numbers: overheads, removals, shares and the interaction term. */
class FixWaterfallTest {
  private static final MetricDescriptor CPO = new MetricDescriptor("cycles_per_op", "cycles", Better.LOWER, "cost");
  private static final VariantConfig C = new VariantConfig(new MachineConfig(64L << 20, 1, true), Map.of(), Set.of(),
      Settings.none(), 1, 0);

  private static VariantRuns runs(String label, boolean baseline, String base, double... cpo) {
    List<RunResult> rs = new ArrayList<>();
    for (double v : cpo) {
      rs.add(new RunResult(C, List.of(new MetricValue(CPO, v, false)), 0));
    }
    return new VariantRuns(label, C, baseline, base, rs);
  }

  /** Baseline 1000; posted 1500 (+50%); fix a 1300 (removes 20 points), fix b 1400 (10); all 1150. */
  private static ComparisonResult result() {
    return FixWaterfall.relabel(new ComparisonResult("t", List.of(runs("off", true, "off", 1000, 1000),
        runs("v0", false, "off", 1400, 1600), runs("v1", false, "off", 1300), runs("v2", false, "off", 1400),
        runs("v3", false, "off", 1150))), List.of("posted", "+a", "+b", "all fixes"));
  }

  @Test
  void overheadsRemovalsAndShares() {
    List<FixWaterfall.Step> s = FixWaterfall.steps(result());
    assertThat(s).extracting(FixWaterfall.Step::label).containsExactly("posted", "+a", "+b", "all fixes");
    assertThat(s.get(0).overhead()).isCloseTo(0.50, within(1e-12));
    assertThat(s.get(1).removed()).isCloseTo(0.20, within(1e-12));
    assertThat(s.get(1).share()).isCloseTo(0.40, within(1e-12));
    assertThat(s.get(2).share()).isCloseTo(0.20, within(1e-12));
    assertThat(s.get(3).overhead()).isCloseTo(0.15, within(1e-12));
    assertThat(s.get(3).share()).isCloseTo(0.70, within(1e-12)); // 35 of 50 points: 5 more than a + b alone
  }

  @Test
  void tableAndChart() throws Exception {
    StringWriter sw = new StringWriter();
    FixWaterfall.table(result(), CompareReport.Style.TEXT, new PrintWriter(sw, true));
    assertThat(sw.toString()).contains("posted").contains("+50.0%").contains("+20.0%").contains("+40.0%")
        .contains("+70.0%");
    RenderedChart c = FixWaterfall.chart(result(), "w");
    assertThat(c.fileName()).isEqualTo("w.svg");
    // text stays text (the report's browser test measures it), step names on the category axis,
    // the posted overhead and each removal printed on its bar
    assertThat(c.svg()).startsWith("<svg").contains(">posted</text>").contains(">interaction</text>")
        .contains(">+50.0%</text>").contains(">-20.0%</text>");
  }
}
