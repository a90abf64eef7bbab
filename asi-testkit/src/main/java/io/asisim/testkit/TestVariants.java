package io.asisim.testkit;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small simulated variants for tests: a registry holding the plugin under test next to every
 * discovered one, and a builder of {@link VariantConfig}s sized to run in milliseconds.
 */
public final class TestVariants {
  private TestVariants() {}

  /**
   * The plugins on the class path plus {@code extra}. A plugin under test is usually also found by
   * discovery (its jar registers it); then the discovered instance of the same class is kept.
   *
   * @throws IllegalArgumentException when an extra plugin clashes with a discovered one of another class
   */
  public static PluginRegistry registry(Plugin<?>... extra) {
    PluginRegistry found = PluginRegistry.discover(TestVariants.class.getClassLoader());
    List<Plugin<?>> all = new ArrayList<>(found.all());
    for (Plugin<?> p : extra) {
      if (found.has(p.kind(), p.name())) {
        Plugin<?> d = found.get(p.kind(), p.name());
        if (d.getClass() != p.getClass()) {
          throw new IllegalArgumentException(p.kind().id() + " '" + p.name() + "' of " + p.getClass().getName()
              + " clashes with the discovered " + d.getClass().getName());
        }
      } else {
        all.add(p);
      }
    }
    return PluginRegistry.of(all);
  }

  /** A builder starting from 2 CPUs, 256 MiB, ASI on, seed 1, no checking, default plugins. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link VariantConfig}; every selection made here counts as explicit. */
  public static final class Builder {
    private long memory = 256L << 20;
    private int cpus = 2;
    private boolean asi = true;
    private long seed = 1;
    private long checkEvery;
    private final Map<PluginKind, String> selection = new EnumMap<>(PluginKind.class);
    private final Map<String, String[]> settings = new LinkedHashMap<>();

    private Builder() {}

    /** Physical memory in bytes (a multiple of 2 MiB, at least 64 MiB). */
    public Builder memory(long bytes) {
      this.memory = bytes;
      return this;
    }

    /** Number of CPUs. */
    public Builder cpus(int n) {
      this.cpus = n;
      return this;
    }

    /** ASI on (restricted address spaces) or off (the baseline). */
    public Builder asi(boolean on) {
      this.asi = on;
      return this;
    }

    /** The run's seed. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Run the checker after every {@code n} ops (0 = off), like {@code --check-every}. */
    public Builder checkEvery(long n) {
      this.checkEvery = n;
      return this;
    }

    /** Selects plugin {@code name} for {@code kind}. */
    public Builder select(PluginKind kind, String name) {
      selection.put(kind, name);
      return this;
    }

    /** {@code --set kind.name.param=value}. */
    public Builder set(PluginKind kind, String name, String param, String value) {
      settings.put(kind.id() + "." + name + "." + param, new String[] {kind.id(), name, param, value});
      return this;
    }

    /** Every entry of {@code params} as {@code --set kind.name.<key>=<value>}. */
    public Builder setAll(PluginKind kind, String name, Map<String, String> params) {
      params.forEach((k, v) -> set(kind, name, k, v));
      return this;
    }

    /** The config. */
    public VariantConfig build() {
      Settings s = Settings.none();
      for (String[] a : settings.values()) {
        s = s.with(PluginKind.fromId(a[0]), a[1], a[2], a[3]);
      }
      Set<PluginKind> explicit = selection.isEmpty() ? Set.of() : EnumSet.copyOf(selection.keySet());
      return new VariantConfig(new MachineConfig(memory, cpus, asi), selection, explicit, s, seed, checkEvery);
    }
  }
}
