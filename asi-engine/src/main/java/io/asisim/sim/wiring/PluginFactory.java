package io.asisim.sim.wiring;

import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.PluginFailureException;
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
    } catch (BadInputException | CheckViolationException e) {
      throw e;
    } catch (RuntimeException e) {
      RuntimeException own = ownCause(e);
      if (own != null) {
        throw own; // a plugin this one asked for (Guice wraps it) failed: that one is named
      }
      // anything else from a factory is the plugin's failure: one line naming it, not a stack trace
      throw new PluginFailureException(BuiltPlugins.label(kind, p.name()) + " failed to start: "
          + PluginFailureException.describe(e), e);
    }
    if (!kind.type().isInstance(impl)) {
      throw new BadInputException(kind.id() + " plugin '" + p.name() + "' (" + p.getClass().getName()
          + ") created " + (impl == null ? "null" : impl.getClass().getName()) + ", not a "
          + kind.type().getSimpleName());
    }
    if (ctx instanceof GuiceSimContext g) {
      g.builtPlugins().record(kind, p, impl);
    }
    return impl;
  }

  /** Our own one-line exception inside {@code e} (Guice wraps what providers throw), or null. */
  private static RuntimeException ownCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BadInputException || t instanceof CheckViolationException) {
        return (RuntimeException) t;
      }
      if (t instanceof com.google.inject.ProvisionException p) {
        for (com.google.inject.spi.Message m : p.getErrorMessages()) {
          RuntimeException r = m.getCause() == null ? null : ownCause(m.getCause());
          if (r != null) {
            return r;
          }
        }
      }
    }
    return null;
  }
}
