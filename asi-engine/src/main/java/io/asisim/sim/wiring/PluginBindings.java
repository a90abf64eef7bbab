package io.asisim.sim.wiring;

import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import java.util.Map;

/** The per-kind {@code MapBinder<String, Plugin<?>>} maps of a variant's injector. */
final class PluginBindings {
  static final TypeLiteral<Map<String, Plugin<?>>> MAP_TYPE = new TypeLiteral<>() {};

  private final Injector injector;

  @Inject
  PluginBindings(Injector injector) {
    this.injector = injector;
  }

  /** Plugins bound for {@code kind}, by name. */
  Map<String, Plugin<?>> ofKind(PluginKind kind) {
    return injector.getInstance(Key.get(MAP_TYPE, Names.named(kind.id())));
  }
}
