package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user gets without asking: the default flush policy is the secure {@code mm-global} (the
 * leaking {@code local} only when named), and the showcase names every section's flush and
 * context-switch policy, so a posted table says which ran.
 */
class SafeDefaultsTest {
  /** kernel-build with vmalloc aliases and CR3 NOFLUSH: processes lose access to pages other CPUs aliased. */
  private static final String[] LOSSES = {"run", "--workload", "kernel-build", "--mapper", "vmalloc", "--cpus", "4",
      "--memory", "1G", "--set", "workload.kernel-build.ops=5000", "--set", "workload.kernel-build.jobs=6",
      "--set", "workload.kernel-build.build-memory=64M", "--set", "machine.x86.cr3-noflush=true",
      "--exposure-every", "16", "--format", "json"};

  private static JsonNode json(String... args) throws Exception {
    Cli cli = Cli.run(args);
    assertThat(cli.code).as(cli.err).isZero();
    return new ObjectMapper().readTree(cli.out);
  }

  private static String[] with(String... extra) {
    List<String> a = new ArrayList<>(List.of(LOSSES));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void theDefaultFlushPolicyIsMmGlobalAndLeaksNothingWhereLocalLeaks() throws Exception {
    JsonNode byDefault = json(LOSSES);
    assertThat(byDefault.get("variant").get("flush").asText()).isEqualTo("mm-global");
    assertThat(byDefault.get("metrics").get("leak_exposures").get("value").asLong()).isZero();
    // the same run with local flushes leaves stale translations behind (42 sampled exposures)
    JsonNode local = json(with("--flush", "local"));
    assertThat(local.get("metrics").get("leak_exposures").get("value").asLong()).isEqualTo(42);
  }

  @Test
  void runHelpStatesTheDefaultFlushPolicy() {
    Cli cli = Cli.run("run", "--help");
    assertThat(cli.out).contains("TLB flush policy (default: mm-global)");
  }

  @Test
  void everyShowcaseSectionNamesItsFlushAndContextSwitchPolicies() {
    List<Showcase.Section> sections = Showcase.sections(PluginRegistry.discover(), 1, 1);
    List<String> titles = sections.stream().map(Showcase.Section::title).toList();
    assertThat(titles).allSatisfy(t -> assertThat(t).containsPattern("\\[flush [a-z/-]+; context switch [a-z/-]+]$"));
    // the context-switch section runs the default flush policy: its title says which
    assertThat(titles).anySatisfy(t -> assertThat(t).startsWith("Context-switch policies")
        .endsWith("[flush " + PluginKind.FLUSH.defaultName() + "; context switch exit-always/same-mm]"));
    assertThat(titles).anySatisfy(t -> assertThat(t).startsWith("Flush policies")
        .endsWith("[flush local/mm-global/precise/eager-global; context switch exit-always]"));
  }
}
