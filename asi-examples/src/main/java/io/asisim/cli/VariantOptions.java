package io.asisim.cli;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options that define variants, shared by {@code run} and {@code compare}. In {@code compare}
 * every option takes a comma list and the cross product is run.
 */
final class VariantOptions {
  /**
   * The plugin named per kind by its {@code --ID} option. The options are not declared here but
   * derived from {@link PluginKind} ({@link #addKindOptions}), so a new kind gets its option for free.
   */
  final Map<PluginKind, String> chosen = new EnumMap<>(PluginKind.class);

  @Option(names = "--asi", paramLabel = "on|off", description = "ASI on, or off for the baseline (default: ${DEFAULT-VALUE})",
      defaultValue = "on")
  String asi;

  @Option(names = "--cpus", paramLabel = "N", description = "simulated CPUs (default: ${DEFAULT-VALUE})", defaultValue = "8")
  String cpus;

  String memory = "16G";
  boolean memoryGiven;

  @Option(names = "--memory", paramLabel = "SIZE", description = "simulated memory, e.g. 16G (default: 16G)")
  void memory(String m) {
    memory = m;
    memoryGiven = true;
  }

  @Option(names = "--seed", paramLabel = "N", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "1")
  long seed;

  @Option(names = "--set", paramLabel = "KIND.NAME.PARAM=VALUE",
      description = "override a plugin parameter, e.g. workload.alloc-stress.ops=20000 (repeatable)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--site-mapper", paramLabel = "SITE=NAME",
      description = "the mapper of one kernel access site (pagecache-read, pagecache-write, zeroing, cow, do-cow-fault, pipe, migrate); "
          + "sites not named use --mapper (repeatable; compare: NAME may be a comma list)")
  List<String> siteMappers = new ArrayList<>();

  @Option(names = "--initial-state", paramLabel = "FILE",
      description = "seed the allocator's free pages from a real /proc/pagetypeinfo; sizes memory from it "
          + "(its free blocks are laid out around the machine's boot reservation)")
  java.nio.file.Path initialState;

  @Option(names = "--check", description = "verify invariants after every op (exit 3 on a violation)")
  boolean check;

  @Option(names = "--check-every", paramLabel = "N", description = "with --check: verify after every N ops")
  long checkEvery = 1;

  @Option(names = "--check-full-every", paramLabel = "N",
      description = "with --check: the checks in between look at what changed; the whole machine is checked "
          + "after set-up, every N ops and after tear-down; 1 = every check is full "
          + "(default: " + VariantConfig.DEFAULT_CHECK_FULL_EVERY + ")")
  long checkFullEvery = VariantConfig.DEFAULT_CHECK_FULL_EVERY;

  /** The most variants one command line or sweep file may describe (before samples and baselines). */
  static final int MAX_VARIANTS = 100_000;

  /**
   * Parameters that cross only with their own plugin (a sweep file's {@code plugins:} maps,
   * docs/sweeps.md): per kind and plugin name, the combinations of its {@code kind.name.param=value}
   * assignments. The command line has none: its {@code --set} lists cross with every variant.
   */
  final Map<PluginKind, Map<String, List<List<String>>>> pluginParams = new EnumMap<>(PluginKind.class);

  @Option(names = "--exposure-every", paramLabel = "N",
      description = "without --check: sample leak exposures after every N ops, 0 = never (default: 4096)")
  long exposureEvery = VariantConfig.DEFAULT_EXPOSURE_EVERY;

  /**
   * Prints one line on {@code spec}'s stderr for each option given without the option it needs, and
   * for each {@code --set} of a plugin none of {@code variants} selects, so an ignored option is not
   * silent.
   */
  void warnIneffective(picocli.CommandLine.Model.CommandSpec spec, List<VariantConfig> variants) {
    for (String o : List.of("--check-every", "--check-full-every")) {
      if (!check && spec.commandLine().getParseResult().hasMatchedOption(o)) {
        spec.commandLine().getErr().println("asi-sim: warning: " + o + " has no effect without --check");
      }
    }
    UnusedSettings.warnings(sets, variants).forEach(spec.commandLine().getErr()::println);
  }

  /** Whether any variant-defining option was given (for {@code compare}'s showcase default). */
  boolean anyGiven(picocli.CommandLine.Model.CommandSpec spec) {
    for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
      if (o.names()[0].equals("--seed") || o.names()[0].startsWith("--check")) {
        continue;
      }
      if (spec.commandLine().getParseResult().hasMatchedOption(o) && isVariantOption(o.longestName())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} (e.g. {@code --mapper}) is an option that defines variants. */
  static boolean isVariantOption(String name) {
    for (PluginKind k : PluginKind.values()) {
      if (k.optionLabel() != null && name.equals("--" + k.id())) {
        return true;
      }
    }
    return List.of("--asi", "--cpus", "--memory", "--set", "--initial-state", "--site-mapper").contains(name);
  }

  /**
   * Adds to every subcommand of {@code root} that mixes these options in one {@code --ID NAME} option
   * per {@link PluginKind} with an {@link PluginKind#optionLabel()}, e.g. {@code --mapper M}.
   */
  static void addKindOptions(picocli.CommandLine root) {
    for (picocli.CommandLine sub : root.getSubcommands().values()) {
      picocli.CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
      for (picocli.CommandLine.Model.CommandSpec mixin : spec.mixins().values()) {
        if (mixin.userObject() instanceof VariantOptions) {
          ((VariantOptions) mixin.userObject()).addKindOptions(spec);
        }
      }
    }
  }

  private void addKindOptions(picocli.CommandLine.Model.CommandSpec spec) {
    for (PluginKind k : PluginKind.values()) {
      if (k.optionLabel() == null) {
        continue;
      }
      spec.addOption(picocli.CommandLine.Model.OptionSpec.builder("--" + k.id()).paramLabel(k.optionLabel())
          .type(String.class).description(k.summary() + " (default: " + k.defaultName() + ")")
          .setter(new picocli.CommandLine.Model.ISetter() {
            @Override
            public <T> T set(T value) {
              if (value == null) {
                chosen.remove(k);
              } else {
                chosen.put(k, (String) value);
              }
              return null;
            }
          }).build());
    }
  }

  /**
   * The variants these options describe.
   *
   * @param lists whether comma lists are allowed (compare) or a single value is required (run)
   */
  List<VariantConfig> variants(PluginRegistry registry, boolean lists) {
    if (checkEvery < 1) {
      throw new BadInputException("--check-every " + checkEvery + ": must be >= 1");
    }
    if (exposureEvery < 0) {
      throw new BadInputException("--exposure-every " + exposureEvery + ": must be >= 0");
    }
    if (checkFullEvery < 1) {
      throw new BadInputException("--check-full-every " + checkFullEvery + ": must be >= 1");
    }
    List<Settings> settingsList = new ArrayList<>();
    List<List<String>> setCombos = setCombinations(lists, registry);
    for (List<String> combo : setCombos) {
      settingsList.add(initialState(Settings.parse(combo, registry), registry));
    }
    Map<PluginKind, List<String>> choices = new EnumMap<>(PluginKind.class);
    Set<PluginKind> explicit = EnumSet.noneOf(PluginKind.class);
    for (Map.Entry<PluginKind, String> e : chosen.entrySet()) {
      put(choices, explicit, e.getKey(), "--" + e.getKey().id(), e.getValue(), lists, registry);
    }
    List<Boolean> asis = new ArrayList<>();
    for (String a : split("--asi", asi, lists)) {
      if (!a.equals("on") && !a.equals("off")) {
        throw new BadInputException("--asi '" + a + "': valid values are on, off");
      }
      asis.add(a.equals("on"));
    }
    List<Integer> cpuList = new ArrayList<>();
    for (String c : split("--cpus", cpus, lists)) {
      try {
        int n = Integer.parseInt(c);
        if (n < 1 || n > MachineConfig.MAX_CPUS) {
          throw new NumberFormatException();
        }
        cpuList.add(n);
      } catch (NumberFormatException e) {
        throw new BadInputException("--cpus '" + c + "': must be an integer 1.." + MachineConfig.MAX_CPUS);
      }
    }
    List<Long> memList = new ArrayList<>();
    for (String m : split("--memory", memory, lists)) {
      memList.add(parseMemory(m));
    }

    List<Map<String, String>> siteCombos = SiteMappers.combinations(siteMappers, lists, registry);
    List<VariantConfig> out = new ArrayList<>();
    long fixed = times(times(times(times(asis.size(), cpuList.size()), memList.size()), siteCombos.size()),
        settingsList.size());
    guard(fixed);
    List<Map<PluginKind, String>> selections = new ArrayList<>();
    List<List<String>> ownParams = new ArrayList<>(); // per selection: its plugins' own assignments
    selections.add(new EnumMap<>(PluginKind.class));
    ownParams.add(List.of());
    for (Map.Entry<PluginKind, List<String>> e : choices.entrySet()) {
      List<Map<PluginKind, String>> next = new ArrayList<>();
      List<List<String>> nextParams = new ArrayList<>();
      for (int i = 0; i < selections.size(); i++) {
        for (String name : e.getValue()) {
          for (List<String> own : pluginParams.getOrDefault(e.getKey(), Map.of()).getOrDefault(name, List.of(List.of()))) {
            Map<PluginKind, String> n = new EnumMap<>(selections.get(i));
            n.put(e.getKey(), name);
            next.add(n);
            List<String> p = new ArrayList<>(ownParams.get(i));
            p.addAll(own);
            nextParams.add(p);
          }
        }
      }
      selections = next;
      ownParams = nextParams;
      guard(times(selections.size(), fixed));
    }
    // each selection's settings, once: a plugin's own parameters come after the --set list (they win)
    Settings[][] settingsOf = new Settings[selections.size()][];
    for (int i = 0; i < selections.size(); i++) {
      settingsOf[i] = new Settings[settingsList.size()];
      for (int j = 0; j < settingsList.size(); j++) {
        settingsOf[i][j] = ownParams.get(i).isEmpty() ? settingsList.get(j)
            : initialState(Settings.parse(concat(setCombos.get(j), ownParams.get(i)), registry), registry);
      }
    }
    for (boolean a : asis) {
      for (int c : cpuList) {
        for (long m : memList) {
          for (int i = 0; i < selections.size(); i++) {
            Map<PluginKind, String> sel = selections.get(i);
            for (Map<String, String> sites : siteCombos) {
              for (Settings settings : settingsOf[i]) {
                out.add(new VariantConfig(new MachineConfig(m, c, a), sel, explicit, settings, seed,
                    check ? checkEvery : 0, exposureEvery).withSiteMappers(sites).withCheckFullEvery(checkFullEvery));
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** {@code a * b}, or {@link Long#MAX_VALUE} past it (a count only compared with a limit). */
  private static long times(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }

  private static void guard(long variants) {
    if (variants > MAX_VARIANTS) {
      throw new BadInputException("the options describe more than " + MAX_VARIANTS + " variants"
          + (variants == Long.MAX_VALUE ? "" : " (" + variants + " so far, before samples)")
          + ": split the study into several comparisons");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static void put(Map<PluginKind, List<String>> choices, Set<PluginKind> explicit, PluginKind kind,
      String option, String value, boolean lists, PluginRegistry registry) {
    if (value == null) {
      return;
    }
    List<String> names = split(option, value, lists);
    for (String n : names) {
      requireKnown(registry, kind, option, n);
    }
    choices.put(kind, names);
    explicit.add(kind);
  }

  /** A {@code --memory} value: {@link MachineConfig#MEMORY_RULE}. */
  static long parseMemory(String m) {
    long bytes;
    try {
      bytes = ParamSpec.parseSize(m);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--memory " + e.getMessage());
    }
    if (!MachineConfig.validMemory(bytes)) {
      throw new BadInputException("--memory '" + m + "': must be " + MachineConfig.MEMORY_RULE);
    }
    return bytes;
  }

  /** Fails with the valid names of {@code kind} unless {@code name} is one of them. */
  static void requireKnown(PluginRegistry registry, PluginKind kind, String option, String name) {
    if (!registry.has(kind, name)) {
      throw new BadInputException(option + ": " + registry.unknown(kind, name));
    }
  }

  /** Splits a comma list, dropping repeats; {@code lists=false} allows one value only. */
  static List<String> split(String option, String value, boolean lists) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",", -1)) {
      String t = s.trim();
      if (t.isEmpty()) {
        throw new BadInputException(option + " '" + value + "': empty value");
      }
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    if (!lists && out.size() > 1) {
      throw new BadInputException(option + " '" + value + "': run takes one value (compare takes comma lists)");
    }
    return out;
  }

  /** Whether {@code kind.name.param} is a free-text parameter, whose commas are part of the value. */
  static boolean isTextParam(PluginRegistry registry, String key) {
    String[] k = key.trim().split("\\.", -1);
    if (k.length != 3) {
      return false; // Settings.parse reports the malformed key
    }
    try {
      PluginKind kind = PluginKind.fromId(k[0]);
      if (!registry.has(kind, k[1])) {
        return false;
      }
      for (ParamSpec p : registry.get(kind, k[1]).params()) {
        if (p.name().equals(k[2])) {
          return p.type() == io.asisim.api.plugin.ParamType.STRING;
        }
      }
    } catch (IllegalArgumentException e) {
      return false;
    }
    return false;
  }

  /** Adds {@code initial-state} to every allocator that takes it and sizes memory from the file. */
  private Settings initialState(Settings settings, PluginRegistry registry) {
    if (initialState == null) {
      return settings;
    }
    memory = ParamSpec.formatSize(InitialState.memoryBytes(initialState, memory, memoryGiven));
    return InitialState.seedAllocators(settings, initialState, registry);
  }

  /**
   * The {@code --set} assignments as combinations: in {@code compare} a value with commas
   * ({@code machine.x86.cr3-noflush=false,true}) is an axis of the cross product.
   */
  private List<List<String>> setCombinations(boolean lists, PluginRegistry registry) {
    List<List<String>> combos = new ArrayList<>();
    combos.add(new ArrayList<>());
    for (String a : sets) {
      int eq = a.indexOf('=');
      if (!lists || eq < 0 || a.indexOf(',', eq) < 0 || isTextParam(registry, a.substring(0, eq))) {
        for (List<String> c : combos) {
          c.add(a);
        }
        continue;
      }
      List<List<String>> next = new ArrayList<>();
      for (List<String> c : combos) {
        for (String v : split("--set " + a.substring(0, eq), a.substring(eq + 1), true)) {
          List<String> n = new ArrayList<>(c);
          n.add(a.substring(0, eq) + "=" + v);
          next.add(n);
        }
      }
      combos = next;
      guard(combos.size());
    }
    return combos;
  }
}
