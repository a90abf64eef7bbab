package org.example.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asisim.api.metrics.Better;
import io.asisim.sim.api.AsiSim;
import io.asisim.sim.api.ComparisonOutcome;
import io.asisim.sim.run.UnknownMetricException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlushComparisonTest {
  private final AsiSim sim = AsiSim.discover();

  @Test
  void theComparisonHasTypedResults() {
    ComparisonOutcome out = FlushComparison.run(sim);
    assertEquals(List.of("baseline (asi off)", "flush=mm-global", "flush=precise"), out.labels());

    ComparisonOutcome.MetricComparison ops = out.metric("ops");
    assertEquals(400, ops.row("flush=precise").stats().mean());
    assertEquals(5, ops.row("flush=precise").stats().n());

    ComparisonOutcome.MetricComparison cycles = out.metric("cycles_per_op");
    assertEquals("cycles", cycles.descriptor().unit());
    assertEquals(Better.LOWER, cycles.descriptor().better());
    // ASI costs cycles against the ASI-off baseline, whichever flush policy runs
    assertTrue(cycles.row("flush=precise").delta() > 0);
    assertEquals("worse", cycles.row("flush=mm-global").verdict());

    UnknownMetricException e = assertThrows(UnknownMetricException.class, () -> out.metric("tlb_shootdown_ipi"));
    assertTrue(e.validNames().contains("tlb_shootdown_ipis"), e.getMessage());
  }
}
