package io.asisim.sim.config;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything that defines one simulated variant: the machine, the plugin selected for each kind,
 * parameter overrides, the seed and checking. Same config and seed give byte-identical results.
 *
 * @param machine memory, CPUs and whether ASI is on ({@code --asi on|off})
 * @param selection the plugin name chosen per kind
 * @param explicit kinds whose selection the user named (validated up front; defaults of kinds a
 *     workload never uses are not required to exist)
 * @param settings {@code --set} overrides
 * @param seed the run's seed
 * @param checkEvery run the checker after every N workload ops; 0 = off ({@code --check})
 * @param exposureEvery without {@code --check}, scan for leak exposures after every N ops (they are
 *     sampled: an exposure shorter than the interval can be missed); 0 = no scans
 * @param siteMappers the mapper per kernel access site ({@code --site-mapper SITE=NAME}, site ids as
 *     in docs/contracts.md, e.g. {@code pagecache-read}); a site not named uses the selected mapper
 * @param checkFullEvery with {@code --check}: the checks between are incremental (what changed), and
 *     every N ops the whole machine is checked ({@code --check-full-every}, docs/checker.md); 1 =
 *     every check is full
 */
public record VariantConfig(
    MachineConfig machine,
    Map<PluginKind, String> selection,
    Set<PluginKind> explicit,
    Settings settings,
    long seed,
    long checkEvery,
    long exposureEvery,
    SortedMap<String, String> siteMappers,
    long checkFullEvery) {

  /**
   * Default of {@link #checkFullEvery()}: a full check of the default 16 GiB machine takes about
   * 17 ms, so once per 100 000 ops it adds 0.2 µs per op, about 3 % of a checked kernel-build op
   * (docs/checker.md, "Incremental checking").
   */
  public static final long DEFAULT_CHECK_FULL_EVERY = 100_000;

  /** A config with the default full-check interval. */
  public VariantConfig(MachineConfig machine, Map<PluginKind, String> selection, Set<PluginKind> explicit,
      Settings settings, long seed, long checkEvery, long exposureEvery, SortedMap<String, String> siteMappers) {
    this(machine, selection, explicit, settings, seed, checkEvery, exposureEvery, siteMappers,
        DEFAULT_CHECK_FULL_EVERY);
  }

  /** Default of {@link #exposureEvery()}: cheap enough for every run (docs/checker.md). */
  public static final long DEFAULT_EXPOSURE_EVERY = 4096;

  /** A config with every access site on the selected mapper. */
  public VariantConfig(MachineConfig machine, Map<PluginKind, String> selection, Set<PluginKind> explicit,
      Settings settings, long seed, long checkEvery, long exposureEvery) {
    this(machine, selection, explicit, settings, seed, checkEvery, exposureEvery, new TreeMap<>());
  }

  /** A config with the default exposure-scan interval. */
  public VariantConfig(MachineConfig machine, Map<PluginKind, String> selection, Set<PluginKind> explicit,
      Settings settings, long seed, long checkEvery) {
    this(machine, selection, explicit, settings, seed, checkEvery, DEFAULT_EXPOSURE_EVERY);
  }

  /** Default plugin per kind: {@link PluginKind#defaultName()}. */
  public static final Map<PluginKind, String> DEFAULTS;

  static {
    Map<PluginKind, String> d = new EnumMap<>(PluginKind.class);
    for (PluginKind k : PluginKind.values()) {
      d.put(k, k.defaultName());
    }
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  /** Allocator used for every {@code --asi off} variant: the plain buddy, no restricted map. */
  public static final String ASI_OFF_ALLOCATOR = "buddy";

  public VariantConfig {
    Objects.requireNonNull(machine);
    Map<PluginKind, String> sel = new EnumMap<>(DEFAULTS);
    sel.putAll(selection);
    selection = Collections.unmodifiableMap(sel);
    explicit = Set.copyOf(explicit);
    Objects.requireNonNull(settings);
    if (checkEvery < 0 || exposureEvery < 0) {
      throw new IllegalArgumentException("checkEvery and exposureEvery must be >= 0");
    }
    if (checkFullEvery < 1) {
      throw new IllegalArgumentException("checkFullEvery must be >= 1");
    }
    siteMappers = Collections.unmodifiableSortedMap(new TreeMap<>(siteMappers));
  }

  /** The mapper serving kernel access site {@code site}: its {@code --site-mapper}, else {@code --mapper}. */
  public String mapperFor(String site) {
    return site == null ? selected(PluginKind.MAPPER) : siteMappers.getOrDefault(site, selected(PluginKind.MAPPER));
  }

  /** This config with the mapper of some access sites chosen ({@code --site-mapper}). */
  /**
   * Whether this variant runs plugin {@code name} of {@code kind}: it is the kind's selection, or a
   * mapper some access site uses.
   */
  public boolean uses(PluginKind kind, String name) {
    return name.equals(selected(kind)) || kind == PluginKind.MAPPER && siteMappers.containsValue(name);
  }

  public VariantConfig withSiteMappers(Map<String, String> sites) {
    return new VariantConfig(machine, selection, explicit, settings, seed, checkEvery, exposureEvery,
        new TreeMap<>(sites), checkFullEvery);
  }

  /** The plugin name chosen for {@code kind}; under {@code --asi off} the allocator is the plain buddy. */
  public String selected(PluginKind kind) {
    if (kind == PluginKind.ALLOCATOR && !machine.asi()) {
      return ASI_OFF_ALLOCATOR;
    }
    return selection.get(kind);
  }

  /** This config with another exposure-scan interval. */
  public VariantConfig withExposureEvery(long n) {
    return new VariantConfig(machine, selection, explicit, settings, seed, checkEvery, n, siteMappers,
        checkFullEvery);
  }

  /** This config with another full-check interval ({@code --check-full-every}). */
  public VariantConfig withCheckFullEvery(long n) {
    return new VariantConfig(machine, selection, explicit, settings, seed, checkEvery, exposureEvery, siteMappers, n);
  }

  /** This config with another seed. */
  public VariantConfig withSeed(long newSeed) {
    return new VariantConfig(machine, selection, explicit, settings, newSeed, checkEvery, exposureEvery,
        siteMappers, checkFullEvery);
  }

  /** This config with ASI on or off (for the baseline of a comparison). */
  public VariantConfig withAsi(boolean asi) {
    return new VariantConfig(new MachineConfig(machine.memoryBytes(), machine.cpus(), asi), selection, explicit,
        settings, seed, checkEvery, exposureEvery, siteMappers, checkFullEvery);
  }
}
