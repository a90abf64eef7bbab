package io.asisim.sim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Better;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.run.MetricValue;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.UnknownMetricException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The glossary documents every metric real runs report: each workload, and the plugins that
 * declare metrics of their own, on a small machine. A metric a plugin starts reporting without
 * declaring it in {@code Plugin.metrics()} fails here.
 */
class MetricGlossaryTest {
  private static final AsiSim SIM = AsiSim.discover();
  private static final MetricGlossary GLOSSARY = SIM.glossary();

  private static Variant.Builder small(String workload) {
    Variant.Builder b = SIM.variant(workload).cpus(2).memory("256M").set("workload." + workload + ".ops", 300);
    return workload.equals("fio-randread") ? b.set("workload.fio-randread.file-size", "1M") : b;
  }

  @Test
  void everyMetricOfRealRunsIsInTheGlossaryWithItsUnitAndDirection(@TempDir Path tmp) throws IOException {
    Path trace = tmp.resolve("t.txt");
    Files.writeString(trace, "            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: "
        + "page=0x100 pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
        + "            perf  6291 [001]   298.507200:         kmem:mm_page_free: page=0x100 pfn=0x100 order=0\n");
    List<Variant> variants = new ArrayList<>();
    for (String w : List.of("alloc-stress", "fio-randread", "kernel-build", "mmap-munmap")) {
      variants.add(small(w).build());
      variants.add(small(w).asi(false).build());
    }
    variants.add(small("fio-randread").plugin(PluginKind.MAPPER, "vmalloc").plugin(PluginKind.ALLOCATOR, "unmapped-pool").build());
    variants.add(small("mmap-munmap").plugin(PluginKind.MAPPER, "ephmap").plugin(PluginKind.FLUSH, "precise").build());
    variants.add(SIM.variant("trace").cpus(2).memory("256M").set("workload.trace.file", trace).build());
    int checked = 0;
    for (Variant v : variants) {
      RunResult r = SIM.run(v);
      for (MetricValue m : r.metrics()) {
        MetricGlossary.Entry e = GLOSSARY.find(m.name()).orElse(null);
        assertThat(e).as(m.name() + " of " + v + " is in the glossary").isNotNull();
        assertThat(e.descriptor().unit()).as(m.name()).isEqualTo(m.descriptor().unit());
        assertThat(e.descriptor().better()).as(m.name()).isEqualTo(m.descriptor().better());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(500);
  }

  @Test
  void pluginMetricsNameTheirPluginAndFamiliesResolveTheirChildren() {
    assertThat(GLOSSARY.get("vmap_purges").reportedBy()).containsExactly("mapper vmalloc");
    assertThat(GLOSSARY.get("tlb_shootdown_ipis").reportedBy()).containsExactly("standard");
    assertThat(GLOSSARY.get("syscalls").reportedBy()).containsExactly("kernel");
    MetricGlossary.Entry exits = GLOSSARY.get("asi_exits.page_fault");
    assertThat(exits.name()).isEqualTo("asi_exits.<reason>");
    assertThat(exits.family()).isTrue();
    assertThat(exits.descriptor().better()).isEqualTo(Better.LOWER);
    assertThat(exits.descriptor().description()).contains("page_fault, context_switch");
    assertThat(GLOSSARY.find("asi_exit_sites")).as("a family reported by its children only").isEmpty();
    assertThatThrownBy(() -> GLOSSARY.get("tlb_shootdown_ipi"))
        .isInstanceOf(UnknownMetricException.class)
        .hasMessageStartingWith("unknown metric 'tlb_shootdown_ipi' (valid: access_losses, ");
  }
}
