package io.asisim.cli;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.Suggestions;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A sweep file (docs/sweeps.md): what one {@code compare} runs, written once instead of as a command
 * line. It fills the same {@link VariantOptions} the command line fills, so a file and its command
 * line give the same variants in the same order and byte-identical JSON; what only a file can say
 * is a plugin's own parameters, which cross only with that plugin ({@link VariantOptions#pluginParams}).
 * Every value is validated here, against the plugin registry, with the file, line and column in the
 * one-line error.
 *
 * @param file the file, for errors found after it was read
 * @param title the comparison's title ({@code title:}, default {@code comparison})
 * @param options the variants
 * @param samples seeds per variant
 * @param metrics the {@code --metrics} list, comma-joined, or null
 * @param reference the {@code --reference} label, or null
 */
record SweepFile(Path file, String title, VariantOptions options, int samples, String metrics, String reference) {
  /** The keys a sweep file may hold, in the order docs/sweeps.md documents them. */
  static final List<String> KEYS = List.of("title", "samples", "seed", "asi", "cpus", "memory", "initial-state",
      "plugins", "sites", "set", "check", "exposure-every", "reference", "metrics");

  /** Reads and validates {@code file}. */
  static SweepFile load(Path file, PluginRegistry registry) {
    return of(file, SweepNode.read(file), registry);
  }

  /** Validates a sweep read by {@link SweepNode#read}; {@code file} names it in errors. */
  static SweepFile of(Path file, SweepNode root, PluginRegistry registry) {
    VariantOptions o = new VariantOptions();
    o.asi = "on";
    o.cpus = "8";
    o.seed = 1;
    String title = "comparison";
    int samples = 3;
    String metrics = null;
    String reference = null;
    for (Map.Entry<String, SweepNode> e : root.map().entrySet()) {
      SweepNode v = e.getValue();
      String key = e.getKey();
      switch (key) {
        case "title":
          title = v.scalar(key);
          break;
        case "samples":
          samples = (int) integer(v, key, 1, Comparison.MAX_SAMPLES);
          break;
        case "seed":
          o.seed = integer(v, key, Long.MIN_VALUE, Long.MAX_VALUE);
          break;
        case "asi":
          o.asi = list(v, key, SweepFile::asi);
          break;
        case "cpus":
          o.cpus = list(v, key, n -> String.valueOf(integer(n, key, 1, MachineConfig.MAX_CPUS)));
          break;
        case "memory":
          o.memory(list(v, key, n -> {
            try {
              VariantOptions.parseMemory(n.scalar(key));
            } catch (BadInputException x) {
              throw n.error(x.getMessage().substring(2)); // "--memory ..." without the option's dashes
            }
            return n.text();
          }));
          break;
        case "initial-state":
          o.initialState = Path.of(v.scalar(key)); // as on the command line: relative to the working directory
          break;
        case "plugins":
          plugins(v, registry, o);
          break;
        case "sites":
          sites(v, registry, o);
          break;
        case "set":
          sets(v, registry, o);
          break;
        case "check":
          check(v, o);
          break;
        case "exposure-every":
          o.exposureEvery = integer(v, key, 0, Long.MAX_VALUE);
          break;
        case "reference":
          reference = v.scalar(key);
          break;
        case "metrics":
          metrics = list(v, key, n -> n.scalar(key));
          break;
        default:
          throw v.error("unknown key " + key + Suggestions.didYouMean(key, KEYS) + " (valid keys: "
              + String.join(", ", KEYS) + ")");
      }
    }
    return new SweepFile(file, title, o, samples, metrics, reference);
  }

  /**
   * The variants the file describes (as {@code compare}'s command line would give them); an error
   * only the whole cross product shows (too many variants) names the file.
   */
  List<VariantConfig> variants(PluginRegistry registry) {
    try {
      return options.variants(registry, true);
    } catch (BadInputException e) {
      throw e.getMessage().startsWith(file + ":") ? e : new BadInputException(file + ": " + e.getMessage());
    }
  }

  /** A value or a list of values, each checked by {@code item}, comma-joined as on the command line. */
  private static String list(SweepNode v, String key, Function<SweepNode, String> item) {
    List<String> out = new ArrayList<>();
    for (SweepNode n : v.items(key)) {
      String t = item.apply(n);
      if (t.indexOf(',') >= 0) {
        throw n.error(key + ": '" + t + "': a comma inside a value (give a list instead)");
      }
      out.add(t);
    }
    return String.join(",", out);
  }

  private static String asi(SweepNode n) {
    String t = n.scalar("asi");
    switch (t) {
      case "on":
      case "true":
        return "on";
      case "off":
      case "false":
        return "off";
      default:
        throw n.error("asi '" + t + "': valid values are on, off");
    }
  }

  private static long integer(SweepNode n, String key, long min, long max) {
    String t = n.scalar(key);
    try {
      long x = Long.parseLong(t);
      if (x >= min && x <= max) {
        return x;
      }
    } catch (NumberFormatException e) {
      // below
    }
    String range = min == Long.MIN_VALUE ? "" : max == Long.MAX_VALUE ? " >= " + min : " " + min + ".." + max;
    throw n.error(key + " '" + t + "': must be an integer" + range);
  }

  /**
   * {@code plugins:}: per kind a name, a list of names, or a map of names to their own parameters
   * (each a value or a list: an axis crossed only with that plugin).
   */
  private static void plugins(SweepNode v, PluginRegistry registry, VariantOptions o) {
    for (Map.Entry<String, SweepNode> e : v.entries("plugins").entrySet()) {
      PluginKind kind = kind(e.getKey(), e.getValue());
      SweepNode choice = e.getValue();
      if (kind.optionLabel() == null) {
        throw choice.error("plugins." + kind.id() + ": this kind is not chosen per variant");
      }
      List<String> names = new ArrayList<>();
      if (choice.map() == null) {
        for (SweepNode n : choice.items("plugins." + kind.id())) {
          names.add(name(registry, kind, n));
        }
      } else {
        if (choice.map().isEmpty()) {
          throw choice.error("plugins." + kind.id() + ": an empty map");
        }
        Map<String, List<List<String>>> own = new LinkedHashMap<>();
        for (Map.Entry<String, SweepNode> p : choice.map().entrySet()) {
          String name = name(registry, kind, p.getValue(), p.getKey());
          names.add(name);
          List<List<String>> combos = paramCombos(registry, kind, name, p.getValue());
          if (!combos.isEmpty()) {
            own.put(name, combos);
          }
        }
        if (!own.isEmpty()) {
          o.pluginParams.put(kind, own);
        }
      }
      o.chosen.put(kind, String.join(",", names));
    }
  }

  private static PluginKind kind(String id, SweepNode at) {
    try {
      return PluginKind.fromId(id);
    } catch (IllegalArgumentException e) {
      List<String> ids = new ArrayList<>();
      for (PluginKind k : PluginKind.values()) {
        ids.add(k.id());
      }
      throw at.error("plugins: " + e.getMessage() + Suggestions.didYouMean(id, ids));
    }
  }

  private static String name(PluginRegistry registry, PluginKind kind, SweepNode n) {
    return name(registry, kind, n, n.scalar("plugins." + kind.id()));
  }

  private static String name(PluginRegistry registry, PluginKind kind, SweepNode at, String name) {
    if (!registry.has(kind, name)) {
      throw at.error("plugins." + kind.id() + ": " + registry.unknown(kind, name));
    }
    return name;
  }

  /** The cross product of one plugin's own parameters, as assignment lists; empty when it has none. */
  private static List<List<String>> paramCombos(PluginRegistry registry, PluginKind kind, String name, SweepNode params) {
    Map<String, SweepNode> m = params.entries("plugins." + kind.id() + "." + name);
    List<List<String>> combos = new ArrayList<>();
    combos.add(List.of());
    for (Map.Entry<String, SweepNode> p : m.entrySet()) {
      String key = kind.id() + "." + name + "." + p.getKey();
      List<List<String>> next = new ArrayList<>();
      for (SweepNode value : p.getValue().items(key)) {
        String a = assignment(registry, key, value);
        for (List<String> c : combos) {
          List<String> n = new ArrayList<>(c);
          n.add(a);
          next.add(n);
        }
      }
      combos = next;
    }
    return m.isEmpty() ? List.of() : combos;
  }

  /** {@code key=value}, validated as {@code --set} validates it, with the value's place in errors. */
  private static String assignment(PluginRegistry registry, String key, SweepNode value) {
    String a = key + "=" + value.scalar(key);
    try {
      Settings.parse(List.of(a), registry);
    } catch (BadInputException e) {
      String m = e.getMessage(); // Settings speaks of --set; here the place is the file's
      throw value.error(m.startsWith("--set: ") ? m.substring(7) : m.startsWith("--set ") ? m.substring(6) : m);
    }
    return a;
  }

  /** {@code set:}: {@code KIND.NAME.PARAM: value or list}, crossed with every variant as {@code --set} is. */
  private static void sets(SweepNode v, PluginRegistry registry, VariantOptions o) {
    for (Map.Entry<String, SweepNode> e : v.entries("set").entrySet()) {
      List<SweepNode> values = e.getValue().items("set." + e.getKey());
      List<String> texts = new ArrayList<>();
      for (SweepNode n : values) {
        String a = assignment(registry, e.getKey(), n);
        texts.add(a.substring(a.indexOf('=') + 1));
      }
      boolean text = VariantOptions.isTextParam(registry, e.getKey());
      if (values.size() > 1 && text) {
        throw e.getValue().error("set." + e.getKey() + ": a text parameter takes one value here; give the list "
            + "under plugins: (plugins: KIND: NAME: PARAM: [..]), where it crosses with its plugin only");
      }
      for (int i = 0; i < texts.size() && !text; i++) {
        if (texts.get(i).indexOf(',') >= 0) {
          throw values.get(i).error("set." + e.getKey() + ": '" + texts.get(i) + "': a comma inside a value");
        }
      }
      o.sets.add(e.getKey() + "=" + String.join(",", texts));
    }
  }

  /** {@code sites:}: {@code SITE: mapper or list} ({@code --site-mapper SITE=NAME,...}). */
  private static void sites(SweepNode v, PluginRegistry registry, VariantOptions o) {
    for (Map.Entry<String, SweepNode> e : v.entries("sites").entrySet()) {
      String arg = e.getKey() + "=" + list(e.getValue(), "sites." + e.getKey(), n -> n.scalar("sites." + e.getKey()));
      try {
        SiteMappers.combinations(List.of(arg), true, registry);
      } catch (BadInputException x) {
        throw e.getValue().error("sites: " + x.getMessage());
      }
      o.siteMappers.add(arg);
    }
  }

  /** {@code check:}: {@code true}/{@code false}, or a map with {@code every} and {@code full-every}. */
  private static void check(SweepNode v, VariantOptions o) {
    if (v.isScalar()) {
      String t = v.text();
      if (!t.equals("true") && !t.equals("false")) {
        throw v.error("check '" + t + "': true, false, or a map with every: N and full-every: N");
      }
      o.check = t.equals("true");
      return;
    }
    o.check = true;
    for (Map.Entry<String, SweepNode> e : v.entries("check").entrySet()) {
      switch (e.getKey()) {
        case "every":
          o.checkEvery = integer(e.getValue(), "check.every", 1, Long.MAX_VALUE);
          break;
        case "full-every":
          o.checkFullEvery = integer(e.getValue(), "check.full-every", 1, Long.MAX_VALUE);
          break;
        default:
          throw e.getValue().error("check: unknown key " + e.getKey() + "; valid keys: every, full-every");
      }
    }
  }
}
