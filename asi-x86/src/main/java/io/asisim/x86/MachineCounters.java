package io.asisim.x86;

import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;

/** The standard metrics this layer emits ({@code StandardMetrics}), resolved once so hot paths hold a {@link Counter}. */
final class MachineCounters {
  final Counter asiExits;
  final Counter[] asiExitsByReason = new Counter[AsiExitReason.values().length];
  final Counter asiEnters;
  final Counter ibpb;
  final Counter rsbFills;
  final Counter l1dFlushes;
  final Counter mitigationCycles;
  final Counter cr3Writes;
  final Counter tlbMisses;
  final Counter tlbFlushesLocal;
  final Counter tlbShootdowns;
  final Counter tlbShootdownIpis;
  final Counter tlbRefillsUser;
  final Counter tlbRefillsKernel;
  final Counter pagesZeroed;
  final Counter directMapSplits;
  final Counter restrictedMapSplits;
  final Counter pagetablePages;

  MachineCounters(Metrics m) {
    asiExits = m.counter(StandardMetrics.ASI_EXITS);
    for (AsiExitReason r : AsiExitReason.values()) {
      asiExitsByReason[r.ordinal()] = m.counter(StandardMetrics.ASI_EXITS, r.key());
    }
    asiEnters = m.counter(StandardMetrics.ASI_ENTERS);
    ibpb = m.counter(StandardMetrics.IBPB);
    rsbFills = m.counter(StandardMetrics.RSB_FILLS);
    l1dFlushes = m.counter(StandardMetrics.L1D_FLUSHES);
    mitigationCycles = m.counter(StandardMetrics.MITIGATION_CYCLES);
    cr3Writes = m.counter(StandardMetrics.CR3_WRITES);
    tlbMisses = m.counter(StandardMetrics.TLB_MISSES);
    tlbFlushesLocal = m.counter(StandardMetrics.TLB_FLUSHES_LOCAL);
    tlbShootdowns = m.counter(StandardMetrics.TLB_SHOOTDOWNS);
    tlbShootdownIpis = m.counter(StandardMetrics.TLB_SHOOTDOWN_IPIS);
    tlbRefillsUser = m.counter(StandardMetrics.TLB_REFILLS_USER);
    tlbRefillsKernel = m.counter(StandardMetrics.TLB_REFILLS_KERNEL);
    pagesZeroed = m.counter(StandardMetrics.PAGES_ZEROED);
    directMapSplits = m.counter(StandardMetrics.DIRECT_MAP_SPLITS);
    restrictedMapSplits = m.counter(StandardMetrics.RESTRICTED_MAP_SPLITS);
    pagetablePages = m.gauge(StandardMetrics.PAGETABLE_PAGES);
  }
}
