package io.asisim.sim.api;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.AccessSite;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One simulated variant, validated against the plugins it was built with: what {@code asi-sim run}
 * runs and what a comparison lists. Build one with {@link AsiSim#variant(String)}; every setter of
 * {@link Builder} has the meaning of the {@code run} option of the same name.
 */
public final class Variant {
  private final VariantConfig config;

  private Variant(VariantConfig config) {
    this.config = config;
  }

  /**
   * The engine's configuration of this variant, for code that drives {@code io.asisim.sim.run}
   * directly.
   *
   * @return the validated configuration
   */
  public VariantConfig config() {
    return config;
  }

  /**
   * The plugin this variant selects for {@code kind} (its default when none was chosen; the plain
   * buddy allocator under ASI off).
   *
   * @param kind a plugin kind
   * @return the plugin's name
   */
  public String plugin(PluginKind kind) {
    return config.selected(kind);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Variant && ((Variant) o).config.equals(config);
  }

  @Override
  public int hashCode() {
    return config.hashCode();
  }

  @Override
  public String toString() {
    return "Variant" + config.selection() + " " + config.machine() + " " + config.settings() + " seed " + config.seed();
  }

  /**
   * Builds a {@link Variant}. Defaults are those of {@code asi-sim run}: ASI on, 8 CPUs, 16G,
   * seed 1, the default plugin of every kind, no checking. Nothing is validated until
   * {@link #build()}.
   */
  public static final class Builder {
    private final PluginRegistry registry;
    private final Map<PluginKind, String> plugins = new EnumMap<>(PluginKind.class);
    private final List<String> sets = new ArrayList<>();
    private final Map<String, String> siteMappers = new TreeMap<>();
    private boolean asi = true;
    private int cpus = 8;
    private String memory = "16G";
    private long seed = 1;
    private long checkEvery;
    private long exposureEvery = VariantConfig.DEFAULT_EXPOSURE_EVERY;

    Builder(PluginRegistry registry) {
      this.registry = registry;
    }

    /**
     * The workload plugin ({@code --workload}).
     *
     * @param name e.g. {@code fio-randread}
     * @return this builder
     */
    public Builder workload(String name) {
      return plugin(PluginKind.WORKLOAD, name);
    }

    /**
     * The plugin of one kind ({@code --allocator}, {@code --mapper}, {@code --flush}, ...).
     *
     * @param kind the plugin kind
     * @param name the plugin's name, as {@code asi-sim plugins} lists it
     * @return this builder
     */
    public Builder plugin(PluginKind kind, String name) {
      plugins.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * A parameter override ({@code --set}).
     *
     * @param assignment {@code <kind>.<name>.<param>=<value>}, e.g. {@code workload.fio-randread.ops=400}
     * @return this builder
     */
    public Builder set(String assignment) {
      sets.add(Objects.requireNonNull(assignment, "assignment"));
      return this;
    }

    /**
     * A parameter override ({@code --set key=value}).
     *
     * @param key {@code <kind>.<name>.<param>}
     * @param value its value; its text form is parsed as the CLI parses it
     * @return this builder
     */
    public Builder set(String key, Object value) {
      return set(key + "=" + value);
    }

    /**
     * The mapper of one kernel access site ({@code --site-mapper SITE=NAME}).
     *
     * @param site a site id, e.g. {@code pagecache-read}
     * @param mapper a mapper plugin's name
     * @return this builder
     */
    public Builder siteMapper(String site, String mapper) {
      siteMappers.put(Objects.requireNonNull(site, "site"), Objects.requireNonNull(mapper, "mapper"));
      return this;
    }

    /**
     * ASI on, or off for a baseline ({@code --asi on|off}).
     *
     * @param on whether the restricted address space exists
     * @return this builder
     */
    public Builder asi(boolean on) {
      asi = on;
      return this;
    }

    /**
     * Simulated CPUs ({@code --cpus}).
     *
     * @param n 1..{@value MachineConfig#MAX_CPUS}
     * @return this builder
     */
    public Builder cpus(int n) {
      cpus = n;
      return this;
    }

    /**
     * Simulated memory ({@code --memory}).
     *
     * @param size a size such as {@code 512M} or {@code 16G}: {@code MachineConfig.MEMORY_RULE}
     * @return this builder
     */
    public Builder memory(String size) {
      memory = Objects.requireNonNull(size, "size");
      return this;
    }

    /**
     * The seed ({@code --seed}); a comparison runs its samples at seed, seed+1, ...
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /**
     * Verify invariants after every {@code n} ops ({@code --check --check-every n}); a functional
     * violation then fails the run with a {@link io.asisim.sim.CheckViolationException}.
     *
     * @param n ops between checks, at least 1
     * @return this builder
     */
    public Builder check(long n) {
      if (n < 1) {
        throw new BadInputException("check every " + n + " ops: must be >= 1");
      }
      checkEvery = n;
      return this;
    }

    /**
     * Without checking: sample leak exposures after every {@code n} ops ({@code --exposure-every}).
     *
     * @param n ops between scans, 0 for none
     * @return this builder
     */
    public Builder exposureEvery(long n) {
      if (n < 0) {
        throw new BadInputException("exposure-every " + n + ": must be >= 0");
      }
      exposureEvery = n;
      return this;
    }

    /**
     * Validates everything given and builds the variant.
     *
     * @return the variant
     * @throws BadInputException naming what is wrong and what is valid: an unknown plugin, site or
     *     parameter, a value out of range, a bad machine size
     */
    public Variant build() {
      Set<PluginKind> explicit = EnumSet.noneOf(PluginKind.class);
      for (Map.Entry<PluginKind, String> e : plugins.entrySet()) {
        registry.get(e.getKey(), e.getValue()); // throws listing the valid names
        explicit.add(e.getKey());
      }
      for (Map.Entry<String, String> e : siteMappers.entrySet()) {
        try {
          AccessSite.fromId(e.getKey());
        } catch (IllegalArgumentException ex) {
          throw new BadInputException("site mapper: " + ex.getMessage());
        }
        registry.get(PluginKind.MAPPER, e.getValue());
      }
      MachineConfig machine;
      try {
        machine = new MachineConfig(ParamSpec.parseSize(memory), cpus, asi);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("machine (memory " + memory + ", cpus " + cpus + "): " + e.getMessage());
      }
      Settings settings = Settings.parse(sets, registry);
      VariantConfig c = new VariantConfig(machine, plugins, explicit, settings, seed, checkEvery, exposureEvery)
          .withSiteMappers(siteMappers);
      return new Variant(c);
    }
  }
}
