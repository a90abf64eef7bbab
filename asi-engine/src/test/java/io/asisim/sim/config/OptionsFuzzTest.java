package io.asisim.sim.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Plugin;
import io.asisim.fixtures.FuzzSweep;
import io.asisim.sim.BadInputException;
import io.asisim.sim.plugin.PluginRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target of the option parsers the CLI hands user text to (docs/testing.md): sizes
 * ({@code --memory}, size parameters: {@link ParamSpec#parseSize}), every declared parameter of
 * every shipped plugin ({@link ParamSpec#parse}, what {@code --set} values go through) and whole
 * {@code --set} assignments ({@link Settings#parse}). Property: a one-line rejection
 * ({@link IllegalArgumentException} from the SPI, {@link BadInputException} from the engine) or a
 * value of the declared type inside the declared range; an accepted size formats and parses back
 * to itself. Input: byte 0 picks the parameter, the rest is the text.
 */
class OptionsFuzzTest {
  static final int SWEEP = 1500;
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final List<Plugin<?>> PLUGINS = new ArrayList<>(REGISTRY.all());
  private static final List<String> TOKENS = List.of("=", ".", ",", "K", "M", "G", "T", "iB", "B", "_", "-", " ",
      "workload.", "fio-randread.", "ops=", "machine.x86.", "flush.", "true", "1e308", "NaN", "9223372036854775807");

  @FuzzTest(maxDuration = "4m")
  void options(byte[] data) {
    check(data);
  }

  @Test
  void optionsSweep() {
    assertThat(FuzzSweep.run(FuzzSweep.corpus(OptionsFuzzTest.class, "options"), SWEEP, 4, TOKENS,
        OptionsFuzzTest::check)).isGreaterThan(SWEEP);
  }

  /**
   * Found by the fuzzer (input {@code "2-0"}, regression-negative-zero): a decimal parameter with
   * minimum 0 accepted "-0" as -0.0, a second value and printed form of zero; it is 0.0 now.
   */
  @Test
  void negativeZeroIsZero() {
    Object v = ParamSpec.decimal("f", 0.5, 0, 1, "a fraction").parse("-0");
    assertThat(v).isEqualTo(0.0);
    assertThat(Double.doubleToRawLongBits((Double) v)).isZero();
  }

  static void check(byte[] data) {
    if (data.length == 0) {
      return;
    }
    String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
    try {
      long n = ParamSpec.parseSize(text);
      assertThat(n).isNotNegative();
      assertThat(ParamSpec.parseSize(ParamSpec.formatSize(n))).isEqualTo(n);
    } catch (IllegalArgumentException e) {
      assertOneLine(e.getMessage());
    }
    Plugin<?> plugin = PLUGINS.get((data[0] & 0xff) % PLUGINS.size());
    for (ParamSpec p : plugin.params()) {
      Object v;
      try {
        v = p.parse(text);
      } catch (IllegalArgumentException e) {
        assertOneLine(e.getMessage());
        continue;
      }
      switch (p.type()) {
        case INT, SIZE -> assertThat(((Long) v).doubleValue()).isBetween(p.min(), p.max());
        case DOUBLE -> {
          assertThat((Double) v).isBetween(p.min(), p.max());
          assertThat(Double.doubleToRawLongBits((Double) v)).as("not -0.0").isNotEqualTo(Long.MIN_VALUE);
        }
        case BOOLEAN -> assertThat(v).isInstanceOf(Boolean.class);
        case CHOICE -> assertThat(p.choices()).contains((String) v);
        default -> assertThat(v).isEqualTo(text);
      }
    }
    List<String> assignments = new ArrayList<>(List.of(text));
    if (!plugin.params().isEmpty()) {
      ParamSpec p = plugin.params().get((data[0] & 0xff) / PLUGINS.size() % plugin.params().size());
      assignments.add(plugin.kind().id() + "." + plugin.name() + "." + p.name() + "=" + text);
    }
    for (String a : assignments) {
      try {
        Settings.parse(List.of(a), REGISTRY);
      } catch (BadInputException e) {
        assertOneLine(e.getMessage());
      }
    }
  }

  static void assertOneLine(String m) {
    assertThat(m).isNotBlank();
    assertThat(m.length()).as("one line: %s", m).isLessThan(2000);
    assertThat(m).as("no Java class names")
        .doesNotContainPattern("\\b(java|javax|org|com|io)\\.[a-z0-9.]+\\.[A-Z]\\w*(Exception|Error)\\b");
  }
}
