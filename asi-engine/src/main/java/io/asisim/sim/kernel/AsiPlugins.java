package io.asisim.sim.kernel;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Counter;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import jakarta.inject.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The ASI design's plugins as the kernel calls them: the temporary-mapping {@link Mapper}s, their
 * {@link FlushPolicy} and the {@link ContextSwitchPolicy}. Each is built on first use, so that an
 * allocator-only workload needs none of them; with ASI off the kernel never builds a mapper or the
 * flush policy. Also the one place that reports a loss of logical access (the flush policy's input).
 *
 * <p>Mappers per access site ({@code --site-mapper}): each {@link AccessSite} is served by the
 * mapper its variant names for it, else by the selected one. Sites naming the same mapper share
 * one instance (one ephmap region per mm, say), and every instance built hears the scheduler and
 * mm-exit hooks. All share the one flush policy.
 */
final class AsiPlugins {
  private final AsiOps asi;
  private final Provider<Mapper> mapperProvider;
  private final Provider<FlushPolicy> flushProvider;
  private final Provider<ContextSwitchPolicy> csProvider;
  private final Counter accessLosses;
  /** Mapper name per site ordinal; null = the selected mapper. */
  private final String[] siteNames;
  private final Function<String, Mapper> build;
  private final Mapper[] bySite = new Mapper[AccessSite.values().length];
  /** Site mappers built besides the selected one, distinct, in build order (with their names). */
  private final List<Mapper> others = new ArrayList<>();
  private final List<String> otherNames = new ArrayList<>();
  private List<Mapper> built = List.of();
  private Mapper mapper;
  private FlushPolicy flush;
  private ContextSwitchPolicy cs;

  /** Every site served by the selected mapper. */
  AsiPlugins(AsiOps asi, Provider<Mapper> mapper, Provider<FlushPolicy> flush, Provider<ContextSwitchPolicy> cs,
      Counter accessLosses) {
    this(asi, mapper, flush, cs, accessLosses, new String[AccessSite.values().length], n -> {
      throw new IllegalStateException("no mapper per site");
    });
  }

  /**
   * The plugins of a variant: the selected mapper, flush and context-switch policies, and a mapper
   * per {@link AccessSite} where {@code --site-mapper} names one other than the selected mapper.
   */
  static AsiPlugins forVariant(SimContext ctx, Provider<Mapper> mapper, Provider<FlushPolicy> flush,
      Provider<ContextSwitchPolicy> cs, Counter accessLosses) {
    String[] siteMappers = new String[AccessSite.values().length];
    String selected = ctx.selectedName(PluginKind.MAPPER, null);
    for (AccessSite s : AccessSite.values()) {
      String name = ctx.selectedName(PluginKind.MAPPER, s.id());
      siteMappers[s.ordinal()] = name.equals(selected) ? null : name;
    }
    return new AsiPlugins(ctx.machine().asi(), mapper, flush, cs, accessLosses, siteMappers,
        name -> ctx.build(PluginKind.MAPPER, name, Mapper.class));
  }

  /**
   * @param siteNames the mapper name per {@link AccessSite} ordinal, null for the selected mapper
   * @param build builds a further mapper instance by plugin name
   */
  AsiPlugins(AsiOps asi, Provider<Mapper> mapper, Provider<FlushPolicy> flush, Provider<ContextSwitchPolicy> cs,
      Counter accessLosses, String[] siteNames, Function<String, Mapper> build) {
    this.asi = asi;
    this.mapperProvider = mapper;
    this.flushProvider = flush;
    this.csProvider = cs;
    this.accessLosses = accessLosses;
    this.siteNames = siteNames.clone();
    this.build = build;
  }

  boolean enabled() {
    return asi.enabled();
  }

  Mapper mapper() {
    if (mapper == null) {
      mapper = mapperProvider.get();
    }
    return mapper;
  }

  /** The mapper serving {@code site}: its own if the variant names one, else the selected mapper. */
  Mapper mapper(AccessSite site) {
    Mapper m = bySite[site.ordinal()];
    if (m == null) {
      String name = siteNames[site.ordinal()];
      m = name == null ? mapper() : named(name);
      bySite[site.ordinal()] = m;
    }
    return m;
  }

  private Mapper named(String name) {
    int i = otherNames.indexOf(name);
    if (i >= 0) {
      return others.get(i);
    }
    Mapper m = build.apply(name);
    others.add(m);
    otherNames.add(name);
    return m;
  }

  /** Every mapper built so far, the selected one first (none in a run that touched nothing sensitive). */
  List<Mapper> mappersBuilt() {
    int n = others.size() + (mapper != null ? 1 : 0);
    if (built.size() != n) { // a mapper was built since: the checker asks after every op, so cache
      List<Mapper> all = new ArrayList<>(n);
      if (mapper != null) {
        all.add(mapper);
      }
      all.addAll(others);
      built = List.copyOf(all);
    }
    return built;
  }

  /** {@code prepare_task_switch()}'s per-mapper hook ({@code __kmap_local_sched_out()}) on every mapper. */
  void schedOut(int cpu, int prev) {
    mapper().schedOut(cpu, prev);
    for (int i = 0; i < others.size(); i++) {
      others.get(i).schedOut(cpu, prev);
    }
  }

  /** {@code finish_task_switch()}'s per-mapper hook ({@code __kmap_local_sched_in()}) on every mapper. */
  void schedIn(int cpu, int next) {
    mapper().schedIn(cpu, next);
    for (int i = 0; i < others.size(); i++) {
      others.get(i).schedIn(cpu, next);
    }
  }

  FlushPolicy flush() {
    if (flush == null) {
      flush = flushProvider.get();
    }
    return flush;
  }

  ContextSwitchPolicy cs() {
    if (cs == null) {
      cs = csProvider.get();
    }
    return cs;
  }

  /**
   * The process of {@code mm} can no longer legitimately read {@code pfn} (close, eviction, unmap,
   * copy-on-write, exit): a stale translation of it is from now on a leak the flush policy must
   * bound.
   */
  void accessLost(int cpu, MmState m, long pfn) {
    accessLosses.inc();
    m.accessEnded(pfn);
    if (asi.enabled()) {
      flush().onAccessLost(cpu, m.mm, pfn);
    }
  }

  /**
   * A page-cache frame of {@code file} left the cache (evicted, migrated): every process with the
   * file open loses {@code read()} access to it, once per thread group (its threads share the
   * descriptor table and the mm).
   */
  void fileAccessLost(int cpu, TaskTable tasks, int file, long pfn) {
    for (int pid = 0; pid < tasks.pidLimit(); pid++) {
      if (tasks.mm(pid) != null && tasks.isThreadGroupLeader(pid) && tasks.hasOpen(pid, file)) {
        accessLost(cpu, tasks.mm(pid), pfn);
      }
    }
  }

  /** Per-mm state of the temporary-mapping design (ephmap slots, pending flushes) goes before the mm. */
  void mmExit(int cpu, long mm) {
    if (asi.enabled()) {
      mapper().mmExit(cpu, mm);
      for (int i = 0; i < others.size(); i++) {
        others.get(i).mmExit(cpu, mm);
      }
      flush().onMmExit(cpu, mm);
    }
  }
}
