package io.asisim.api.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.kernel.Workload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamSpecTest {
  @Test
  void sizesUseBinarySuffixes() {
    assertThat(ParamSpec.parseSize("4096")).isEqualTo(4096);
    assertThat(ParamSpec.parseSize("64K")).isEqualTo(65536);
    assertThat(ParamSpec.parseSize("2m")).isEqualTo(2L << 20);
    assertThat(ParamSpec.parseSize("16G")).isEqualTo(16L << 30);
    assertThat(ParamSpec.parseSize("16GiB")).isEqualTo(16L << 30);
    assertThat(ParamSpec.parseSize("1T")).isEqualTo(1L << 40);
    assertThat(ParamSpec.formatSize(16L << 30)).isEqualTo("16G");
    assertThat(ParamSpec.formatSize(3L << 20)).isEqualTo("3M");
    assertThat(ParamSpec.formatSize(1000)).isEqualTo("1000");
    assertThatThrownBy(() -> ParamSpec.parseSize("12Q")).hasMessage("'12Q' is not a size (e.g. 4096, 64K, 2M, 16G)");
    assertThatThrownBy(() -> ParamSpec.parseSize("-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ParamSpec.parseSize("99999999999T")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valuesAreTypedAndRanged() {
    ParamSpec ops = ParamSpec.integer("ops", 10, 1, 100, "ops");
    assertThat(ops.parse("5_0")).isEqualTo(50L);
    assertThatThrownBy(() -> ops.parse("0")).hasMessage("'0' is out of range (valid: 1..100)");
    assertThatThrownBy(() -> ops.parse("ten")).hasMessage("'ten' is not an integer (valid: 1..100)");
    ParamSpec frac = ParamSpec.decimal("frac", 0.5, 0, 1, "fraction");
    assertThat(frac.parse("0.25")).isEqualTo(0.25);
    assertThatThrownBy(() -> frac.parse("NaN")).hasMessage("'NaN' is out of range (valid: 0.0..1.0)");
    ParamSpec b = ParamSpec.bool("on", true, "switch");
    assertThat(b.parse("FALSE")).isEqualTo(false);
    assertThatThrownBy(() -> b.parse("yes")).hasMessage("'yes' is not a boolean (valid: true, false)");
    ParamSpec c = ParamSpec.choice("which", "a", List.of("a", "b"), "pick");
    assertThatThrownBy(() -> c.parse("z")).hasMessage("'z' is not valid (valid: a, b)");
    ParamSpec sz = ParamSpec.size("file-size", "1G", 4096, 1L << 40, "size");
    assertThat(sz.parse("2M")).isEqualTo(2L << 20);
    assertThat(sz.range()).isEqualTo("4K..1T");
  }

  @Test
  void declarationsAreCheckedWhenMade() {
    assertThatThrownBy(() -> ParamSpec.integer("Bad_Name", 1, 0, 2, "x")).hasMessageContaining("kebab-case");
    assertThatThrownBy(() -> ParamSpec.integer("ops", 5, 10, 20, "x")).hasMessageContaining("out of range");
  }

  @Test
  void paramsResolveDefaultsOverridesAndRejectUnknownKeys() {
    Plugin<Workload> p = new Plugin<>() {
      @Override
      public PluginKind kind() {
        return PluginKind.WORKLOAD;
      }

      @Override
      public String name() {
        return "w";
      }

      @Override
      public String description() {
        return "test";
      }

      @Override
      public List<ParamSpec> params() {
        return List.of(ParamSpec.integer("ops", 10, 1, 100, "ops"), ParamSpec.bool("fast", false, "f"));
      }

      @Override
      public Workload create(Params params, SimContext ctx) {
        throw new UnsupportedOperationException();
      }
    };
    Params params = Params.resolve(p, Map.of("ops", "42"));
    assertThat(params.getLong("ops")).isEqualTo(42);
    assertThat(params.getInt("ops")).isEqualTo(42);
    assertThat(params.getBoolean("fast")).isFalse();
    assertThat(Params.of(p, "fast", "true").getBoolean("fast")).isTrue();
    assertThatThrownBy(() -> Params.resolve(p, Map.of("speed", "1")))
        .hasMessage("unknown parameter 'workload.w.speed' (valid: ops, fast)");
    assertThatThrownBy(() -> Params.resolve(p, Map.of("ops", "1000")))
        .hasMessage("workload.w.ops: '1000' is out of range (valid: 1..100)");
    assertThatThrownBy(() -> params.getLong("nope")).hasMessage("undeclared parameter workload.w.nope");
  }
}
