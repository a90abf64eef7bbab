package io.asisim.sim.check;

import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.fixtures.TestContext;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Deliberately broken plugins (test scope only): each wraps a shipped plugin and breaks one thing
 * the kernel requires, by handing it a machine, TLB or flush policy with one operation disabled, or
 * by wrapping what it builds. The checker must catch every one.
 */
final class Mutants {
  private Mutants() {}

  /** A shipped plugin built against a broken context and/or wrapped. */
  static final class MutantPlugin<T> implements Plugin<T> {
    private final String name;
    private final String description;
    private final Plugin<T> base;
    private final UnaryOperator<Machine> machine;
    private final UnaryOperator<FlushPolicy> flush;
    private final UnaryOperator<T> wrap;

    MutantPlugin(String name, String description, Plugin<T> base, UnaryOperator<Machine> machine,
        UnaryOperator<FlushPolicy> flush, UnaryOperator<T> wrap) {
      this.name = name;
      this.description = description;
      this.base = base;
      this.machine = machine;
      this.flush = flush;
      this.wrap = wrap;
    }

    @Override public PluginKind kind() { return base.kind(); }
    @Override public String name() { return name; }
    @Override public String description() { return description; }
    @Override public List<ParamSpec> params() { return base.params(); }
    @Override public T create(Params params, SimContext ctx) {
      return wrap.apply(base.create(params, TestContext.over(ctx).decorateMachine(machine).decorateFlushPolicy(flush)));
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Plugin<T> shipped(PluginKind kind, String name) {
    return (Plugin<T>) PluginRegistry.discover().get(kind, name);
  }

  private static <T> MutantPlugin<T> machineMutant(String name, String desc, PluginKind kind, String base,
      UnaryOperator<Machine> machine) {
    return new MutantPlugin<>(name, desc, shipped(kind, base), machine, UnaryOperator.identity(), UnaryOperator.identity());
  }

  /** pageblock-migratetype whose flip to nonsensitive maps the pageblock without zeroing it. */
  static Plugin<PageAllocator> noZeroOnFlip() {
    return machineMutant("mutant-no-zero-on-flip", "flip to nonsensitive without clear_page()", PluginKind.ALLOCATOR,
        "pageblock-migratetype", m -> new ForwardingMachine(m) {
          @Override public void clearPages(int cpu, long pfn, long count) {}
        });
  }

  /** An allocator whose flips to sensitive leave the restricted PMD present. */
  static Plugin<PageAllocator> sensitiveLeftMapped(String base) {
    return machineMutant("mutant-" + base + "-left-mapped", "flip to sensitive without unmapping the restricted map",
        PluginKind.ALLOCATOR, base, m -> new ForwardingMachine(m) {
          @Override public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
            return !present || m.setRestrictedMapped(cpu, pfn, count, true);
          }
        });
  }

  /** pageblock-migratetype whose flip to sensitive skips the kernel-range shootdown. */
  static Plugin<PageAllocator> noShootdownOnFlip() {
    return machineMutant("mutant-no-shootdown-on-flip", "flip to sensitive without flush_tlb_kernel_range()",
        PluginKind.ALLOCATOR, "pageblock-migratetype", m -> new ForwardingMachine(m) {
          @Override public void flushKernelRange(int cpu, long pfn, long count) {}
        });
  }

  /** pageblock-migratetype wrapped so that every 64th order-0 free frees the page twice. */
  static Plugin<PageAllocator> doubleFree() {
    return new MutantPlugin<PageAllocator>("mutant-double-free", "every 64th order-0 free is issued twice",
        shipped(PluginKind.ALLOCATOR, "pageblock-migratetype"), UnaryOperator.identity(), UnaryOperator.identity(),
        a -> new PageAllocator() {
          private long frees;

          @Override public long alloc(int cpu, int order, int gfpMask) { return a.alloc(cpu, order, gfpMask); }
          @Override public void free(int cpu, long pfn, int order) {
            a.free(cpu, pfn, order);
            if (order == 0 && ++frees % 64 == 0) {
              a.free(cpu, pfn, order);
            }
          }
          @Override public Sensitivity sensitivity(long pfn) { return a.sensitivity(pfn); }
          @Override public long freePages() { return a.freePages(); }
          @Override public String checkConsistency() { return a.checkConsistency(); }
          @Override public void finish() { a.finish(); }
        });
  }

  /** A flush policy whose shootdowns reach only the calling CPU (the IPIs are never sent). */
  static Plugin<FlushPolicy> skipRemote(String base) {
    return machineMutant("mutant-" + base + "-skip-remote", base + " that never IPIs other CPUs", PluginKind.FLUSH,
        base, m -> new ForwardingMachine(m) {
          private final TlbOps tlb = new ForwardingTlb(m.tlb()) {
            private final CpuMask self = new CpuMask();

            @Override public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages) {
              if (targets.test(cpu)) {
                self.clearAll();
                self.set(cpu);
                t.shootdown(cpu, self, mm, start, pages);
              }
            }
          };

          @Override public TlbOps tlb() {
            return tlb;
          }
        });
  }

  /** ephmap whose slot reuse skips {@code FlushPolicy.beforeReuse} (the INVLPG before the new PTE). */
  static Plugin<Mapper> ephmapReuseWithoutFlush() {
    return new MutantPlugin<Mapper>("mutant-ephmap-reuse-no-flush", "ephmap reusing its slot without INVLPG",
        shipped(PluginKind.MAPPER, "ephmap"), UnaryOperator.identity(), f -> new FlushPolicy() {
          @Override public void onTransientMap(int cpu, long mm, long va, long pfn) { f.onTransientMap(cpu, mm, va, pfn); }
          @Override public void onTransientUnmap(int cpu, long mm, long va, long pfn) {
            f.onTransientUnmap(cpu, mm, va, pfn);
          }
          @Override public void beforeReuse(int cpu, long mm, long va) {}
          @Override public void onAccessLost(int cpu, long mm, long pfn) { f.onAccessLost(cpu, mm, pfn); }
          @Override public void onMmExit(int cpu, long mm) { f.onMmExit(cpu, mm); }
        }, UnaryOperator.identity());
  }

  /** vmalloc that forgets one vunmap() in 16: the alias stays mapped in the shared kernel area. */
  static Plugin<Mapper> vmallocLeakedAlias() {
    return new MutantPlugin<Mapper>("mutant-vmalloc-leaked-alias", "vmalloc that leaves one alias in 16 mapped",
        shipped(PluginKind.MAPPER, "vmalloc"), UnaryOperator.identity(), UnaryOperator.identity(),
        mp -> new Mapper() {
          private long unmaps;

          @Override public long map(int cpu, long mm, long pfn) { return mp.map(cpu, mm, pfn); }
          @Override public void unmap(int cpu, long mm, long va) {
            if (++unmaps % 16 != 0) {
              mp.unmap(cpu, mm, va);
            }
          }
          @Override public void schedOut(int cpu, long task) { mp.schedOut(cpu, task); }
          @Override public void schedIn(int cpu, long task) { mp.schedIn(cpu, task); }
          @Override public void mmExit(int cpu, long mm) { mp.mmExit(cpu, mm); }
          @Override public void forEachAlias(io.asisim.api.mapper.AliasVisitor v) { mp.forEachAlias(v); }
        });
  }
}
