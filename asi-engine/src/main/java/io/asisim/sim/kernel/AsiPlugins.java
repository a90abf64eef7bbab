package io.asisim.sim.kernel;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Counter;
import jakarta.inject.Provider;

/**
 * The ASI design's plugins as the kernel calls them: the temporary-mapping {@link Mapper}, its
 * {@link FlushPolicy} and the {@link ContextSwitchPolicy}. Each is built on first use, so that an
 * allocator-only workload needs none of them; with ASI off the kernel never builds the mapper or the
 * flush policy. Also the one place that reports a loss of logical access (the flush policy's input).
 */
final class AsiPlugins {
  private final AsiOps asi;
  private final Provider<Mapper> mapperProvider;
  private final Provider<FlushPolicy> flushProvider;
  private final Provider<ContextSwitchPolicy> csProvider;
  private final Counter accessLosses;
  private Mapper mapper;
  private FlushPolicy flush;
  private ContextSwitchPolicy cs;

  AsiPlugins(AsiOps asi, Provider<Mapper> mapper, Provider<FlushPolicy> flush, Provider<ContextSwitchPolicy> cs,
      Counter accessLosses) {
    this.asi = asi;
    this.mapperProvider = mapper;
    this.flushProvider = flush;
    this.csProvider = cs;
    this.accessLosses = accessLosses;
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

  /** The mapper if it has been built (a run that never touched sensitive memory has none), else null. */
  Mapper mapperIfBuilt() {
    return mapper;
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
  void accessLost(int cpu, long mm, long pfn) {
    accessLosses.inc();
    if (asi.enabled()) {
      flush().onAccessLost(cpu, mm, pfn);
    }
  }

  /** Per-mm state of the temporary-mapping design (ephmap slots, pending flushes) goes before the mm. */
  void mmExit(int cpu, long mm) {
    if (asi.enabled()) {
      mapper().mmExit(cpu, mm);
      flush().onMmExit(cpu, mm);
    }
  }
}
