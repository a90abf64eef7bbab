package io.asisim.sim.plugin;

import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * All plugins visible to a class loader, by kind and name. Discovery is {@link ServiceLoader} over
 * {@link Plugin}; a jar dropped on the classpath with a {@code META-INF/services} entry (what
 * {@code @AutoService} writes) appears here. A {@code cpu-profile} name that is a file path (contains
 * '/' or ends in {@code .properties}) is loaded from that file on first use and registered under
 * the path ({@link ProfileFiles}, docs/profiles.md).
 */
public final class PluginRegistry {
  private final Map<PluginKind, Map<String, Plugin<?>>> byKind = new EnumMap<>(PluginKind.class);

  private PluginRegistry() {
    for (PluginKind k : PluginKind.values()) {
      byKind.put(k, new ConcurrentSkipListMap<>()); // sorted like a TreeMap; profile files may be added later
    }
  }

  /** Discovers the plugins visible to the thread's context class loader. */
  public static PluginRegistry discover() {
    return discover(Thread.currentThread().getContextClassLoader());
  }

  /**
   * Discovers the plugins visible to {@code loader}.
   *
   * @throws BadInputException when a jar on the loader's class path cannot be opened, two plugins of
   *     one kind share a name, a name is not kebab-case, or a provider cannot be loaded
   */
  @SuppressWarnings("rawtypes")
  public static PluginRegistry discover(ClassLoader loader) {
    ClasspathJars.requireReadable(loader);
    List<Plugin<?>> found = new ArrayList<>();
    try {
      for (Plugin p : ServiceLoader.load(Plugin.class, loader)) {
        found.add(p);
      }
    } catch (ServiceConfigurationError e) {
      throw new BadInputException("cannot load a plugin: " + e.getMessage());
    }
    return of(found);
  }

  /** A registry of exactly {@code plugins}, validated as {@link #discover(ClassLoader)} does. */
  public static PluginRegistry of(List<? extends Plugin<?>> plugins) {
    PluginRegistry r = new PluginRegistry();
    for (Plugin<?> p : plugins) {
      String name = p.name();
      if (p.kind() == null || name == null || !name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new BadInputException("plugin " + p.getClass().getName()
            + " must declare a kind and a kebab-case name, got kind=" + p.kind() + " name=" + name);
      }
      Plugin<?> prev = r.byKind.get(p.kind()).putIfAbsent(name, p);
      if (prev != null) {
        throw new BadInputException("duplicate " + p.kind().id() + " plugin name '" + name + "': "
            + prev.getClass().getName() + " and " + p.getClass().getName());
      }
      p.params(); // a malformed parameter declaration fails here, at discovery, not mid-run
    }
    return r;
  }

  /** Plugins of {@code kind}, by name in name order. */
  public Map<String, Plugin<?>> ofKind(PluginKind kind) {
    return Collections.unmodifiableMap(byKind.get(kind));
  }

  /** All plugins, by kind then name. */
  public List<Plugin<?>> all() {
    List<Plugin<?>> out = new ArrayList<>();
    for (PluginKind k : PluginKind.values()) {
      out.addAll(byKind.get(k).values());
    }
    return out;
  }

  /**
   * The plugin {@code name} of {@code kind}.
   *
   * @throws BadInputException listing the valid names of that kind when there is none
   */
  public Plugin<?> get(PluginKind kind, String name) {
    Plugin<?> p = byKind.get(kind).get(name);
    if (p == null && kind == PluginKind.CPU_PROFILE && ProfileFiles.isPath(name)) {
      p = loadProfileFile(name);
    }
    if (p == null) {
      throw new BadInputException(unknown(kind, name));
    }
    return p;
  }

  /** {@code unknown KIND 'NAME' (valid: ...)}, with a "did you mean" when a valid name is close. */
  public String unknown(PluginKind kind, String name) {
    return "unknown " + kind.id() + " '" + name + "' (valid: " + validNames(kind) + ")"
        + Suggestions.didYouMean(name, byKind.get(kind).keySet());
  }

  /**
   * Whether a plugin {@code name} of {@code kind} exists. A cpu-profile file is loaded here.
   *
   * @throws BadInputException for a cpu-profile file that cannot be read or is malformed
   */
  public boolean has(PluginKind kind, String name) {
    if (kind == PluginKind.CPU_PROFILE && ProfileFiles.isPath(name) && !byKind.get(kind).containsKey(name)) {
      loadProfileFile(name);
    }
    return byKind.get(kind).containsKey(name);
  }

  private synchronized Plugin<?> loadProfileFile(String name) {
    return byKind.get(PluginKind.CPU_PROFILE).computeIfAbsent(name, n -> ProfileFiles.load(n, this));
  }

  /** The names of {@code kind}, comma separated, or {@code none registered}. */
  public String validNames(PluginKind kind) {
    Map<String, Plugin<?>> m = byKind.get(kind);
    return m.isEmpty() ? "none registered" : String.join(", ", m.keySet());
  }
}
