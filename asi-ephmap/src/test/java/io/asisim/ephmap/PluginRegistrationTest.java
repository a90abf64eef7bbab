package io.asisim.ephmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The docs/contracts.md names of kinds mapper and flush are discoverable with ServiceLoader. */
class PluginRegistrationTest {
  private static List<String> names(PluginKind kind) {
    List<String> names = new ArrayList<>();
    for (Plugin<?> p : ServiceLoader.load(Plugin.class)) {
      if (p.kind() == kind) {
        names.add(p.name());
        assertThat(p.description()).isNotBlank();
      }
    }
    return names;
  }

  @Test
  void mappersAndFlushPoliciesAreRegistered() {
    assertThat(names(PluginKind.MAPPER)).containsExactlyInAnyOrder("exit", "vmalloc", "ephmap", "kmap-local", "mermap");
    assertThat(names(PluginKind.FLUSH)).containsExactlyInAnyOrder("local", "mm-global", "precise", "eager-global");
  }
}
