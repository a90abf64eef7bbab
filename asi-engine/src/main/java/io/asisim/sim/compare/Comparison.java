package io.asisim.sim.compare;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.ProgressListener;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a comparison: each variant {@code samples} times (seeds {@code seed, seed+1, ...}) and,
 * for every distinct workload/machine, the {@code --asi off} baseline. Runs may execute on several
 * host threads; each run has its own injector and state, and results are collected in a fixed
 * order, so the result is identical to a sequential run.
 */
public final class Comparison {
  private final Runner runner;
  private final RunExecutor executor;

  /** The most samples per variant a comparison runs ({@code --samples}). */
  public static final int MAX_SAMPLES = 1000;
  /** The most host threads a comparison uses ({@code --threads}). */
  public static final int MAX_THREADS = 256;

  /** Fails unless {@code n} is 1..{@link #MAX_SAMPLES}; {@code option} names it in the error. */
  public static void checkSamples(String option, int n) {
    if (n < 1 || n > MAX_SAMPLES) {
      throw new io.asisim.sim.BadInputException(option + " " + n + ": must be 1.." + MAX_SAMPLES);
    }
  }

  /** Fails unless {@code n} is 1..{@link #MAX_THREADS}; {@code option} names it in the error. */
  public static void checkThreads(String option, int n) {
    if (n < 1 || n > MAX_THREADS) {
      throw new io.asisim.sim.BadInputException(option + " " + n + ": must be 1.." + MAX_THREADS);
    }
  }

  public Comparison(Runner runner, int threads) {
    this(runner, new LocalRunExecutor(runner, threads));
  }

  /** A comparison whose runs execute on {@code executor} (docs/sweeps.md); aggregation stays here. */
  public Comparison(Runner runner, RunExecutor executor) {
    this.runner = runner;
    this.executor = executor;
  }

  /** Runs {@code variants} (ASI on or off as configured) plus their baselines. */
  public ComparisonResult run(String title, List<VariantConfig> variants, int samples, ProgressListener progress) {
    return runAll(List.of(new Request(title, variants, samples)), progress).get(0);
  }

  /**
   * One comparison of {@link #runAll}.
   *
   * @param title its title
   * @param variants its variants (ASI on or off as configured); the baselines are added
   * @param samples seeds per variant
   */
  public record Request(String title, List<VariantConfig> variants, int samples) {
    public Request {
      variants = List.copyOf(variants);
    }
  }

  /**
   * Runs several comparisons on one pool of host threads, so that the last runs of one do not
   * leave threads idle while the next waits; results are collected in request order, each exactly
   * as {@link #run} alone would give it. {@code progress} counts the workload ops of all of them
   * ({@link OpsProgress}).
   */
  public List<ComparisonResult> runAll(List<Request> requests, ProgressListener progress) {
    List<Plan> plans = new ArrayList<>();
    for (Request r : requests) {
      plans.add(plan(r));
    }
    List<List<RunResult>> results = execute(plans, progress);
    List<ComparisonResult> out = new ArrayList<>();
    int next = 0;
    for (Plan p : plans) {
      List<VariantRuns> runs = new ArrayList<>();
      for (int i = 0; i < p.all.size(); i++) {
        boolean isBaseline = i < p.nrBaselines;
        String base = p.baselineLabels.get(p.allKeys.get(i));
        runs.add(new VariantRuns(p.allLabels.get(i), p.all.get(i), isBaseline,
            isBaseline ? p.allLabels.get(i) : base, results.get(next++)));
      }
      out.add(new ComparisonResult(p.title, runs));
    }
    return out;
  }

  /**
   * The labels {@link #runAll} gives the variants of {@code r}, found without running anything (so
   * that a bad {@code --reference} fails first).
   *
   * @param baselines the {@code --asi off} baselines', in result order
   * @param variants the other variants', in result order
   */
  public record Labels(List<String> baselines, List<String> variants) {
    public Labels {
      baselines = List.copyOf(baselines);
      variants = List.copyOf(variants);
    }
  }

  /** The labels the result of {@code r} will have. */
  public Labels labels(Request r) {
    Plan p = plan(r);
    return new Labels(p.allLabels.subList(0, p.nrBaselines), p.allLabels.subList(p.nrBaselines, p.allLabels.size()));
  }

  /**
   * Every run of {@code r} as the executor will get it: baselines first, then variants, each
   * variant's samples in seed order (what {@code --dry-run} counts in a result store).
   */
  public List<VariantConfig> runs(Request r) {
    return runs(List.of(plan(r)));
  }

  private static List<VariantConfig> runs(List<Plan> plans) {
    List<VariantConfig> runs = new ArrayList<>();
    for (Plan p : plans) {
      for (VariantConfig v : p.all) {
        for (int s = 0; s < p.samples; s++) {
          runs.add(v.withSeed(v.seed() + s));
        }
      }
    }
    return runs;
  }

  /** What one comparison runs: its baselines first, then its variants, with their labels. */
  private static final class Plan {
    String title;
    int samples;
    int nrBaselines;
    final List<VariantConfig> all = new ArrayList<>();
    final List<String> allLabels = new ArrayList<>();
    final List<BaselineKey> allKeys = new ArrayList<>();
    final Map<BaselineKey, String> baselineLabels = new LinkedHashMap<>();
  }

  private Plan plan(Request r) {
    List<VariantConfig> variants = r.variants();
    if (r.samples() < 1) {
      throw new IllegalArgumentException("samples must be >= 1");
    }
    for (VariantConfig v : variants) {
      runner.validate(v);
    }
    List<String> labels = labels(variants);
    Map<BaselineKey, VariantConfig> baselines = new LinkedHashMap<>();
    List<BaselineKey> keys = new ArrayList<>();
    for (VariantConfig v : variants) {
      VariantConfig off = baseline(v);
      BaselineKey k = BaselineKey.of(off, runner.registry());
      keys.add(k);
      baselines.putIfAbsent(k, off);
    }
    Plan p = new Plan();
    p.title = r.title();
    p.samples = r.samples();
    p.nrBaselines = baselines.size();
    for (BaselineKey k : baselines.keySet()) {
      p.baselineLabels.put(k, baselines.size() == 1 ? "baseline (asi off)" : "baseline (asi off) " + k.describe(baselines.keySet()));
    }
    p.all.addAll(baselines.values());
    p.allLabels.addAll(p.baselineLabels.values());
    p.allKeys.addAll(baselines.keySet());
    for (int i = 0; i < variants.size(); i++) {
      VariantConfig v = variants.get(i);
      if (v.machine().asi() || !baselines.containsValue(v)) {
        p.all.add(v);
        p.allLabels.add(labels.get(i));
        p.allKeys.add(keys.get(i));
      }
    }
    return p;
  }

  /**
   * The {@code --asi off} baseline of a variant: the plain buddy allocator, given the parameters
   * the selected allocator shares with it (watermarks, THP, CMA, path costs), so that the
   * comparison isolates the ASI design.
   */
  private VariantConfig baseline(VariantConfig v) {
    VariantConfig off = v.withAsi(false);
    String buddy = VariantConfig.ASI_OFF_ALLOCATOR;
    String selected = v.selection().get(PluginKind.ALLOCATOR);
    if (selected == null || selected.equals(buddy) || !runner.registry().has(PluginKind.ALLOCATOR, buddy)) {
      return off;
    }
    java.util.Set<String> declared = new java.util.HashSet<>();
    runner.registry().get(PluginKind.ALLOCATOR, buddy).params().forEach(p -> declared.add(p.name()));
    io.asisim.sim.config.Settings s = off.settings();
    for (Map.Entry<String, String> e : v.settings().forPlugin(PluginKind.ALLOCATOR, selected).entrySet()) {
      if (declared.contains(e.getKey())) {
        s = s.with(PluginKind.ALLOCATOR, buddy, e.getKey(), e.getValue());
      }
    }
    return new VariantConfig(off.machine(), off.selection(), off.explicit(), s, off.seed(), off.checkEvery(),
        off.exposureEvery()).withCheckFullEvery(off.checkFullEvery());
  }

  /** Every run of every plan, on the executor; per plan and variant, its samples in seed order. */
  private List<List<RunResult>> execute(List<Plan> plans, ProgressListener progress) {
    List<VariantConfig> runs = runs(plans);
    OpsProgress ops = new OpsProgress(runs.size(), progress);
    List<RunResult> flat = executor.execute(runs, new RunExecutor.Listener() {
      @Override
      public ProgressListener run(int index) {
        return ops.run(index);
      }

      @Override
      public void finished(int index, RunResult result) {
        ops.finished(index);
      }
    });
    List<List<RunResult>> out = new ArrayList<>();
    int next = 0;
    for (Plan p : plans) {
      for (int v = 0; v < p.all.size(); v++) {
        out.add(List.copyOf(flat.subList(next, next + p.samples)));
        next += p.samples;
      }
    }
    return out;
  }

  /** Labels naming only what differs between variants, e.g. {@code allocator=unmapped-pool}. */
  static List<String> labels(List<VariantConfig> variants) {
    List<String> out = new ArrayList<>();
    for (VariantConfig v : variants) {
      StringBuilder sb = new StringBuilder();
      if (differs(variants, c -> c.machine().asi())) {
        append(sb, "asi=" + (v.machine().asi() ? "on" : "off"));
      }
      for (PluginKind k : PluginKind.values()) {
        if (differs(variants, c -> c.selected(k))) {
          append(sb, k.id() + "=" + v.selected(k));
        }
      }
      if (differs(variants, c -> c.machine().cpus())) {
        append(sb, "cpus=" + v.machine().cpus());
      }
      if (differs(variants, c -> c.machine().memoryBytes())) {
        append(sb, "memory=" + io.asisim.api.plugin.ParamSpec.formatSize(v.machine().memoryBytes()));
      }
      java.util.SortedSet<String> sites = new java.util.TreeSet<>();
      variants.forEach(c -> sites.addAll(c.siteMappers().keySet()));
      for (String site : sites) {
        if (differs(variants, c -> c.mapperFor(site))) {
          append(sb, "site." + site + "=" + v.mapperFor(site));
        }
      }
      for (String key : differingSettings(variants)) {
        String value = v.settings().flat().get(key);
        // a sweep's own parameter of a plugin this variant does not run is no axis here
        if (value != null || uses(v, key)) {
          append(sb, key + "=" + (value == null ? "default" : value));
        }
      }
      out.add(sb.length() == 0 ? v.selected(PluginKind.WORKLOAD) : sb.toString());
    }
    return out;
  }

  /** Whether {@code v} runs the plugin of settings key {@code kind.name.param}. */
  private static boolean uses(VariantConfig v, String key) {
    String[] k = key.split("\\.", 3);
    return v.uses(PluginKind.fromId(k[0]), k[1]);
  }

  /** The {@code --set} keys whose value is not the same in every variant, in key order. */
  private static java.util.SortedSet<String> differingSettings(List<VariantConfig> vs) {
    java.util.SortedSet<String> keys = new java.util.TreeSet<>();
    for (VariantConfig v : vs) {
      keys.addAll(v.settings().flat().keySet());
    }
    keys.removeIf(k -> !differs(vs, c -> c.settings().flat().get(k)));
    return keys;
  }

  private static boolean differs(List<VariantConfig> vs, java.util.function.Function<VariantConfig, Object> f) {
    Object first = f.apply(vs.get(0));
    for (VariantConfig v : vs) {
      if (!Objects.equals(first, f.apply(v))) {
        return true;
      }
    }
    return false;
  }

  private static void append(StringBuilder sb, String s) {
    if (sb.length() > 0) {
      sb.append(' ');
    }
    sb.append(s);
  }

  /**
   * What identifies a baseline: everything ASI designs do not change — the workload and its
   * parameters, the CPU profile and its parameters, the machine size, the plain buddy's parameters.
   * Parameters of mappers, policies, ASI strategies and the machine's ASI knobs (e.g.
   * {@code cr3-noflush}) do not make another baseline.
   */
  private record BaselineKey(String workload, String cpuProfile, int cpus, long memory,
      java.util.SortedMap<String, String> settings) {
    /** The key of baseline {@code v}: what can change a run with ASI off (machine parameters: {@code Plugin#affectsAsiOff}). */
    static BaselineKey of(VariantConfig v, io.asisim.sim.plugin.PluginRegistry registry) {
      java.util.SortedMap<String, String> s = new java.util.TreeMap<>();
      String machine = PluginKind.MACHINE.id() + ".";
      v.settings().flat().forEach((k, val) -> {
        if (k.startsWith(PluginKind.WORKLOAD.id() + ".") || k.startsWith(PluginKind.CPU_PROFILE.id() + ".")
            || k.startsWith(PluginKind.ALLOCATOR.id() + "." + VariantConfig.ASI_OFF_ALLOCATOR + ".")) {
          s.put(k, val);
        } else if (k.startsWith(machine)) {
          String rest = k.substring(machine.length());
          int dot = rest.indexOf('.');
          String name = rest.substring(0, dot);
          if (!registry.has(PluginKind.MACHINE, name) || registry.get(PluginKind.MACHINE, name).affectsAsiOff(rest.substring(dot + 1))) {
            s.put(k, val);
          }
        }
      });
      return new BaselineKey(v.selected(PluginKind.WORKLOAD), v.selected(PluginKind.CPU_PROFILE),
          v.machine().cpus(), v.machine().memoryBytes(), s);
    }

    String describe(java.util.Set<BaselineKey> all) {
      StringBuilder sb = new StringBuilder();
      if (all.stream().map(BaselineKey::workload).distinct().count() > 1) {
        append(sb, "workload=" + workload);
      }
      if (all.stream().map(BaselineKey::cpuProfile).distinct().count() > 1) {
        append(sb, "cpu-profile=" + cpuProfile);
      }
      if (all.stream().map(BaselineKey::cpus).distinct().count() > 1) {
        append(sb, "cpus=" + cpus);
      }
      if (all.stream().map(BaselineKey::memory).distinct().count() > 1) {
        append(sb, "memory=" + io.asisim.api.plugin.ParamSpec.formatSize(memory));
      }
      java.util.SortedSet<String> keys = new java.util.TreeSet<>();
      all.forEach(b -> keys.addAll(b.settings().keySet()));
      for (String k : keys) {
        if (all.stream().map(b -> String.valueOf(b.settings().get(k))).distinct().count() > 1) {
          append(sb, k + "=" + settings.getOrDefault(k, "default"));
        }
      }
      return sb.toString();
    }
  }
}
