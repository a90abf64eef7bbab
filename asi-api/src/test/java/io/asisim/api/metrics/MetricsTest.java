package io.asisim.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void countersAreSharedByNameAndListedInNameOrder() {
    Metrics m = new Metrics();
    Counter a = m.counter(StandardMetrics.TLB_SHOOTDOWNS);
    a.add(3);
    m.counter(StandardMetrics.TLB_SHOOTDOWNS).inc();
    m.counter(StandardMetrics.ASI_EXITS, "page_fault").inc();
    assertThat(m.get("tlb_shootdowns")).isEqualTo(4);
    assertThat(m.get("asi_exits.page_fault")).isEqualTo(1);
    assertThat(m.get("never")).isZero();
    assertThat(m.all().keySet()).containsExactly("asi_exits.page_fault", "tlb_shootdowns");
    assertThat(m.all().get("asi_exits.page_fault").descriptor().better()).isEqualTo(Better.LOWER);
  }

  @Test
  void aNameWithTwoUnitsIsRejected() {
    Metrics m = new Metrics();
    m.counter(StandardMetrics.PAGES_ZEROED);
    assertThatThrownBy(() -> m.counter(new MetricDescriptor("pages_zeroed", "bytes", Better.LOWER, "x")))
        .hasMessageContaining("different unit");
  }

  @Test
  void standardNamesAreUniqueAndFindable() {
    Set<String> names = new HashSet<>();
    for (MetricDescriptor d : StandardMetrics.ALL) {
      assertThat(names.add(d.name())).as(d.name()).isTrue();
    }
    assertThat(StandardMetrics.find("asi_exit_sites.pagecache_read").unit()).isEqualTo("count");
    assertThat(StandardMetrics.find("throughput_ops_per_s").better()).isEqualTo(Better.HIGHER);
    assertThat(StandardMetrics.find("nope")).isNull();
  }
}
