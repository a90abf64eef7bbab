package io.asisim.sim.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cpu-profile path/to/file.properties}: loading, inheritance and one-line errors. */
class ProfileFilesTest {
  @TempDir Path dir;
  private final PluginRegistry registry = PluginRegistry.discover();

  private String write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private CpuProfile build(String name) {
    Plugin<?> p = registry.get(PluginKind.CPU_PROFILE, name);
    return (CpuProfile) p.create(Params.of(p), null);
  }

  @Test
  void inheritsFromBaseAndOverrides() throws IOException {
    String f = write("mine.properties", "# mine\nbase = zen4\nsyscall = 425\nsyscall.source = measured\nl1tf = true\n");
    assertThat(registry.has(PluginKind.CPU_PROFILE, f)).isTrue();
    CpuProfile p = build(f);
    CpuProfile zen4 = build("zen4");
    assertThat(p.name()).isEqualTo(f);
    assertThat(p.get(Cost.SYSCALL)).isEqualTo(425);
    assertThat(p.has(CpuTrait.L1TF)).isTrue();
    assertThat(p.get(Cost.STLB_ENTRIES)).isEqualTo(zen4.get(Cost.STLB_ENTRIES));
    assertThat(registry.get(PluginKind.CPU_PROFILE, f).params().stream()
        .filter(s -> s.name().equals("syscall")).findFirst().orElseThrow().description()).isEqualTo("measured");
  }

  @Test
  void theShippedCalibrationProfileLoads() {
    Path f = Path.of("..", "calibration", "profiles", "kvm-zen4-2vcpu.properties");
    CpuProfile p = build(f.toString());
    assertThat(p.get(Cost.CLOCK_MHZ)).isEqualTo(2596);
    assertThat(p.get(Cost.SYSCALL)).isEqualTo(425); // 163.8 ns x 2.596
    assertThat(p.get(Cost.COPY_PAGE_CACHED)).isEqualTo(108); // 41.7 ns x 2.596
    assertThat(p.get(Cost.IBPB)).isEqualTo(build("zen4").get(Cost.IBPB));
  }

  @Test
  void badInputIsOneLineWithFileAndLine() throws IOException {
    String unknown = write("a.properties", "base = zen4\n\ntlb-4k-entries = 5\n");
    assertThatThrownBy(() -> registry.has(PluginKind.CPU_PROFILE, unknown)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(unknown + ":3: unknown key 'tlb-4k-entries' (valid: clock-mhz, ");
    String notInt = write("b.properties", "base = zen4\nsyscall = fast\n");
    assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, notInt))
        .hasMessage(notInt + ":2: syscall = 'fast' is not a non-negative integer (valid: 0..999999999999999999 (cycles, entries, MHz or KiB))");
    String range = write("c.properties", "base = zen4\nclock-mhz = 0\n");
    assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, range)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(range + ":2: clock-mhz = 0: ").hasMessageContaining("(valid: ");
    String noBase = write("d.properties", "syscall = 4\n");
    assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, noBase)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(noBase + ": missing clock-mhz, ").hasMessageEndingWith("(give every key, or base = NAME to inherit the others)");
    String badBase = write("e.properties", "base = pentium\n");
    assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, badBase))
        .hasMessageStartingWith(badBase + ": base = pentium is not a built-in cpu-profile (valid: sapphire-rapids, ");
    String syntax = write("f.properties", "base = zen4\nsyscall 4\n");
    assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, syntax))
        .hasMessageStartingWith(syntax + ":2: expected key = value, got 'syscall 4'");
    assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, dir.resolve("none.properties").toString()))
        .isInstanceOf(BadInputException.class).hasMessageEndingWith("none.properties: no such file");
    for (String f : new String[] {unknown, notInt, range, noBase, badBase, syntax}) {
      assertThatThrownBy(() -> registry.get(PluginKind.CPU_PROFILE, f)).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
