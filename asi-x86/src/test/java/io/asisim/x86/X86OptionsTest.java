package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class X86OptionsTest {
  @Test
  void defaultsMatchAndOverridesParse() {
    assertThat(X86Options.fromMap(Map.of())).isEqualTo(X86Options.DEFAULT);
    X86Options o = X86Options.fromMap(Map.of("cr3-noflush", "true", "kernel-image", "16M"));
    assertThat(o.cr3NoFlush()).isTrue();
    assertThat(o.kernelImageBytes()).isEqualTo(16L << 20);
    assertThatThrownBy(() -> X86Options.fromMap(Map.of("nope", "1"))).hasMessageContaining("nope");
    assertThatThrownBy(() -> X86Options.fromMap(Map.of("mm-local-slots", "0")))
        .hasMessageContaining("machine.mm-local-slots");
  }
}
