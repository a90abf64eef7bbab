package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asisim.fixtures.FuzzSweep;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target of the sweep-file reader (docs/sweeps.md, docs/testing.md): byte 0 {@code J} reads the
 * rest as JSON, anything else as YAML. Property: a one-line {@link BadInputException} that names the
 * file, or a sweep whose variants are built (or rejected in one line, e.g. too many), each with a
 * machine inside the limits; nothing else escapes (no parser exception, no stack overflow).
 */
class SweepFileFuzzTest {
  static final int SWEEP = 1500;
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final List<String> TOKENS = List.of(":", " ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "\"", "'",
      "plugins:", "allocator:", "unmapped-pool:", "pooled:", "set:", "cpus:", "memory:", "16G", "samples:", "check:",
      "&a", "*a", "!!binary", "? ", "#", "\t", "null", "~", "1e9", "-1");

  @FuzzTest(maxDuration = "4m")
  void sweep(byte[] data) {
    check(data);
  }

  @Test
  void sweepSweep() {
    int[] accepted = new int[1];
    List<byte[]> corpus = FuzzSweep.corpus(SweepFileFuzzTest.class, "sweep");
    assertThat(FuzzSweep.run(corpus, SWEEP, 4, TOKENS, d -> accepted[0] += check(d) ? 1 : 0))
        .isEqualTo(corpus.size() + SWEEP);
    assertThat(accepted[0]).as("a sweep that rejects everything in one line passes no property").isPositive();
  }

  /** The seeds that are whole sweep files are accepted (the property is not met by rejecting all). */
  @Test
  void theWholeSeedsAreAccepted() throws java.io.IOException {
    for (String seed : List.of("allocators", "json-everything", "scalars")) {
      byte[] data = SweepFileFuzzTest.class.getResourceAsStream("SweepFileFuzzTestInputs/sweep/" + seed).readAllBytes();
      assertThat(check(data)).as(seed).isTrue();
    }
  }

  /** Whether {@code data} was accepted; a rejection must be one line naming the file. */
  static boolean check(byte[] data) {
    if (data.length == 0) {
      return false;
    }
    Path name = Path.of(data[0] == 'J' ? "fuzz.json" : "fuzz.yaml");
    String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
    try {
      SweepFile f = SweepFile.of(name, SweepNode.read(name, new StringReader(text)), REGISTRY);
      assertThat(f.samples()).isBetween(1, io.asisim.sim.compare.Comparison.MAX_SAMPLES);
      List<VariantConfig> vs = f.variants(REGISTRY);
      assertThat(vs).isNotEmpty().hasSizeLessThanOrEqualTo(VariantOptions.MAX_VARIANTS);
      for (VariantConfig v : vs) {
        assertThat(io.asisim.api.machine.MachineConfig.validMemory(v.machine().memoryBytes())).isTrue();
      }
      return true;
    } catch (BadInputException e) {
      String m = e.getMessage();
      assertThat(m).isNotBlank().doesNotContain("\n").doesNotContain("\r").startsWith(name.toString());
      assertThat(m.length()).as("one line: %s", m).isLessThan(2000);
      assertThat(m).as("no Java class names")
          .doesNotContainPattern("\\b(java|javax|org|com|io)\\.[a-z0-9.]+\\.[A-Z]\\w*(Exception|Error)\\b");
      return false;
    }
  }
}
