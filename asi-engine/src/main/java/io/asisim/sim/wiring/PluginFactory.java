package io.asisim.sim.wiring;

import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.VariantConfig;
import java.util.Map;

/**
 * Builds the selected plugin of a kind for the variant: looks the selected name up in that kind's
 * {@code MapBinder} map (the only map consulted; nothing is copied), resolves its parameters from the
 * {@code --set} overrides and calls {@link Plugin#create}. Stateless apart from its inputs.
 */
final class PluginFactory {
  private PluginFactory() {}

  /**
   * Creates the plugin {@code config} selects for {@code kind} from {@code bound} and checks it
   * implements the kind's type.
   */
  static Object create(PluginKind kind, Map<String, Plugin<?>> bound, VariantConfig config, SimContext ctx) {
    return create(kind, config.selected(kind), bound, config, ctx);
  }

  /** Creates plugin {@code name} of {@code kind} from {@code bound}, with the variant's parameters for it. */
  static Object create(PluginKind kind, String name, Map<String, Plugin<?>> bound, VariantConfig config,
      SimContext ctx) {
    Plugin<?> p = bound.get(name);
    if (p == null) {
      throw new BadInputException("unknown " + kind.id() + " '" + name + "' (valid: "
          + (bound.isEmpty() ? "none registered" : String.join(", ", bound.keySet())) + ")");
    }
    Params params;
    try {
      params = Params.resolve(p, config.settings().forPlugin(kind, p.name()));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--set: " + e.getMessage());
    }
    Object impl;
    try {
      impl = p.create(params, ctx);
    } catch (IllegalArgumentException e) {
      // plugins reject inconsistent parameter combinations with IllegalArgumentException
      throw new BadInputException(kind.id() + " '" + p.name() + "': " + e.getMessage(), e);
    }
    if (!kind.type().isInstance(impl)) {
      throw new BadInputException(kind.id() + " plugin '" + p.name() + "' (" + p.getClass().getName()
          + ") created " + (impl == null ? "null" : impl.getClass().getName()) + ", not a "
          + kind.type().getSimpleName());
    }
    return impl;
  }
}
