package io.asisim.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.sim.compare.ComparisonResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Each example comparison runs with tiny ops and prints its table. */
class ExampleComparisonsTest {
  private final StringWriter text = new StringWriter();
  private final PrintWriter out = new PrintWriter(text);

  @Test
  void mapperComparison() {
    ComparisonResult r = MapperComparison.run(200, 1, out);
    // baseline + five mappers, one table row each
    assertThat(r.variants()).hasSize(6);
    assertThat(text.toString()).contains("mapper=ephmap", "mapper=exit", "asi_exits", "baseline (asi off)");
    // exit: one asi_exit per read; ephmap (1 slot, never busy in a read) aliases every read instead
    assertThat(stat(r, "mapper=exit", "asi_exit_sites.pagecache_read")).isEqualTo(200);
    assertThat(stat(r, "mapper=ephmap", "transient_maps")).isEqualTo(200);
    assertThat(stat(r, "mapper=ephmap", "asi_exit_sites.pagecache_read")).isZero();
  }

  @Test
  void allocatorComparison() {
    ComparisonResult r = AllocatorComparison.run(5000, 1, out);
    assertThat(r.variants()).hasSize(3);
    assertThat(text.toString()).contains("allocator=pageblock-migratetype", "allocator=unmapped-pool", "pool_refills");
    assertThat(stat(r, "allocator=unmapped-pool", "pool_refills")).isPositive();
  }

  @Test
  void flushPolicyExposure() {
    ComparisonResult r = FlushPolicyExposure.run(1500, 1, out);
    assertThat(r.variants()).hasSize(5);
    assertThat(text.toString()).contains("flush=local", "flush=eager-global", "tlb_shootdown_ipis");
    assertThat(stat(r, "flush=local", "tlb_shootdown_ipis")).as("local never sends a flush IPI for aliases")
        .isLessThanOrEqualTo(stat(r, "flush=eager-global", "tlb_shootdown_ipis"));
  }

  private static double stat(ComparisonResult r, String variant, String metric) {
    return r.rows(metric).stream().filter(row -> row.variant().equals(variant)).findFirst().orElseThrow()
        .stats().mean();
  }
}
