package io.asisim.sim.check;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.kernel.SimKernel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A workload wrapper (test scope) that checks, after every op, the invariant the checker lacks
 * for released aliases (docs/checker.md, "Mutants the suite must catch"): every PTE present in the
 * restricted tables at a slot of the per-CPU alias windows — the kmap-local fixmap, the mermap
 * windows, the ephmap slots of each loaded mm — belongs to a live alias of a mapper. Between ops no
 * kernel path is running, so a present PTE there is a release that left its PTE ({@code pte_clear()}
 * forgotten): reachable by a page walk of any restricted space that maps the window (every mm for
 * the shared kernel area) although its flush policy believes it gone. The checker only walks the
 * aliases the mappers list as live ({@code Checker}'s live-alias rule) and the exposure scan skips
 * released ones, so neither sees it.
 *
 * <p>The window layout is that of asi-ephmap's {@code KernelWindows} and {@code KmapLocalMapper}
 * (kmap-local: 16 slots per CPU from {@code VMALLOC_END - 1 GiB}; mermap: {@code region-pages} per
 * CPU from {@code VMALLOC_END - 2 GiB}), which the engine's tests cannot import (runtime scope).
 * A violation is thrown as {@link IllegalStateException}, which {@code --check} reports as
 * {@code invariant violated: kernel BUG: alias window: ...}.
 */
final class AliasWindowProbe {
  private AliasWindowProbe() {}

  static final int KM_MAX_IDX = 16;
  static final long KMAP_BASE = AddressSpaces.VMALLOC_END - (1L << 30);
  static final long MERMAP_BASE = AddressSpaces.VMALLOC_END - (2L << 30);

  /**
   * {@code base} with the probe after every step, named {@code base-probed}.
   *
   * @param mermapPages the mermap {@code region-pages} of the variants it runs in
   */
  static Plugin<Workload> probed(Plugin<Workload> base, int mermapPages) {
    return new Plugin<>() {
      @Override public PluginKind kind() { return PluginKind.WORKLOAD; }
      @Override public String name() { return base.name() + "-probed"; }
      @Override public String description() { return base.description() + ", alias windows probed after every op"; }
      @Override public List<ParamSpec> params() { return base.params(); }
      @Override public Workload create(Params p, SimContext ctx) {
        Workload w = base.create(p, ctx);
        AddressSpaces as = ctx.machine().addressSpaces();
        return new Workload() {
          private final Set<Long> live = new HashSet<>();

          @Override public long ops() { return w.ops(); }
          @Override public void setUp(Kernel k) { w.setUp(k); }
          @Override public void tearDown(Kernel k) { w.tearDown(k); }
          @Override public void step(Kernel k, long index) {
            w.step(k, index);
            probe((SimKernel) k, as, k.nrCpus());
          }

          private void probe(SimKernel k, AddressSpaces as, int cpus) {
            live.clear();
            for (Mapper mp : k.view().mappersBuilt()) {
              mp.forEachAlias((cpu, mm, va, pfn, isLive) -> {
                if (isLive) {
                  live.add(va);
                }
              });
            }
            for (int c = 0; c < cpus; c++) {
              long mm = as.loadedMm(c);
              if (mm == AddressSpaces.INIT_MM) {
                continue;
              }
              for (int owner = 0; owner < cpus; owner++) {
                for (int i = 0; i < KM_MAX_IDX; i++) {
                  check(as, mm, c, KMAP_BASE + (((long) owner * KM_MAX_IDX + i) << 12));
                }
                for (int i = 0; i < mermapPages; i++) {
                  check(as, mm, c, MERMAP_BASE + (((long) owner * mermapPages + i) << 12));
                }
                for (int s = 0; s < as.mmLocalSlots(); s++) {
                  check(as, mm, c, as.mmLocalSlotVa(owner, s));
                }
              }
            }
          }

          private void check(AddressSpaces as, long mm, int cpu, long va) {
            long pfn = as.translate(mm, true, va);
            if (pfn >= 0 && !live.contains(va)) {
              throw new IllegalStateException("alias window: va 0x" + Long.toHexString(va) + " maps pfn " + pfn
                  + " in the restricted tables of mm " + mm + " (loaded on cpu " + cpu
                  + ") but no mapper holds a live alias there: a release left its PTE");
            }
          }
        };
      }
    };
  }
}
