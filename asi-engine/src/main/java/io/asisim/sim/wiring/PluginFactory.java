package io.asisim.sim.wiring;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import java.util.EnumMap;
import java.util.Map;

/**
 * Builds the selected plugin of a kind for the variant: looks the name up among the plugins bound
 * for that kind, resolves its parameters from the {@code --set} overrides and calls
 * {@link Plugin#create}.
 */
final class PluginFactory {
  private final VariantConfig config;
  private final Map<PluginKind, Map<String, Plugin<?>>> bound = new EnumMap<>(PluginKind.class);
  private final Provider<SimContext> ctx;

  @Inject
  PluginFactory(VariantConfig config, PluginBindings bindings, Provider<SimContext> ctx) {
    this.config = config;
    this.ctx = ctx;
    for (PluginKind k : PluginKind.values()) {
      bound.put(k, bindings.ofKind(k));
    }
  }

  /** The selected plugin of {@code kind}. */
  Plugin<?> selected(PluginKind kind) {
    String name = config.selected(kind);
    Plugin<?> p = bound.get(kind).get(name);
    if (p == null) {
      Map<String, Plugin<?>> all = bound.get(kind);
      throw new BadInputException("unknown " + kind.id() + " '" + name + "' (valid: "
          + (all.isEmpty() ? "none registered" : String.join(", ", all.keySet())) + ")");
    }
    return p;
  }

  /** The validated parameters of the selected plugin of {@code kind}. */
  Params params(PluginKind kind) {
    Plugin<?> p = selected(kind);
    try {
      return Params.resolve(p, config.settings().forPlugin(kind, p.name()));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--set: " + e.getMessage());
    }
  }

  /** Creates the selected plugin of {@code kind} and checks it implements {@code type}. */
  <T> T create(PluginKind kind, Class<T> type) {
    Plugin<?> p = selected(kind);
    Object impl;
    try {
      impl = p.create(params(kind), ctx.get());
    } catch (IllegalArgumentException e) {
      // plugins reject inconsistent parameter combinations with IllegalArgumentException
      throw new BadInputException(kind.id() + " '" + p.name() + "': " + e.getMessage(), e);
    }
    if (!type.isInstance(impl)) {
      throw new BadInputException(kind.id() + " plugin '" + p.name() + "' (" + p.getClass().getName()
          + ") created " + (impl == null ? "null" : impl.getClass().getName()) + ", not a " + type.getSimpleName());
    }
    return type.cast(impl);
  }
}
