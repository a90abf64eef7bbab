package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every plugin descriptor owes its users (docs/contracts.md): the kind its contract expects, a
 * kebab-case name, a one-line description, described parameters whose defaults validate, and
 * registration for {@link java.util.ServiceLoader} discovery. The per-kind contracts extend this.
 */
public abstract class PluginContract {

  /** The plugin under test, e.g. {@code new MyFlushPolicyPlugin()}. */
  protected abstract Plugin<?> plugin();

  /** The kind the contract tests. */
  protected abstract PluginKind expectedKind();

  /** Parameter overrides the contract runs the plugin with ({@code --set} values); none by default. */
  protected Map<String, String> params() {
    return Map.of();
  }

  /**
   * Whether the plugin must be found by {@link java.util.ServiceLoader} on the test class path
   * ({@code @AutoService} or a {@code META-INF/services} line). True unless the test builds an
   * unregistered instance on purpose.
   */
  protected boolean mustBeDiscoverable() {
    return true;
  }

  /** The discovered plugins plus the one under test. */
  protected final PluginRegistry registry() {
    return TestVariants.registry(plugin());
  }

  @Test
  void descriptorIsWellFormed() {
    Plugin<?> p = plugin();
    assertThat(p.kind()).isEqualTo(expectedKind());
    assertThat(p.name()).matches("[a-z0-9]+(-[a-z0-9]+)*");
    assertThat(p.description()).as("one-line description").isNotBlank().doesNotContain("\n");
    for (ParamSpec s : p.params()) {
      assertThat(s.name()).matches("[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(s.description()).as("description of parameter " + s.name()).isNotBlank();
    }
    assertThatCode(() -> Params.of(p)).as("defaults validate").doesNotThrowAnyException();
    assertThatCode(() -> Params.resolve(p, params())).as("the contract's overrides validate").doesNotThrowAnyException();
  }

  @Test
  void isDiscoverable() {
    if (!mustBeDiscoverable()) {
      return;
    }
    PluginRegistry found = PluginRegistry.discover(getClass().getClassLoader());
    assertThat(found.has(plugin().kind(), plugin().name()))
        .as("%s '%s' registered with @AutoService(Plugin.class)", plugin().kind().id(), plugin().name()).isTrue();
    assertThat(found.get(plugin().kind(), plugin().name())).isExactlyInstanceOf(plugin().getClass());
  }
}
