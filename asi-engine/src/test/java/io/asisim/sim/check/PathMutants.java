package io.asisim.sim.check;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.check.Mutants.MutantPlugin;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.function.UnaryOperator;

/**
 * More deliberately broken plugins (test scope), one kernel path each, for the bug classes of
 * docs/checker.md, "Mutants the suite must catch", that {@link Mutants} does not cover: a flush that
 * forgets a PCID, a zeroing skipped on one allocator path only, an alias PTE that survives its
 * release, a context switch that stays restricted. Each is the smallest change of one kernel
 * function, made by handing the shipped plugin (or the whole variant, for a machine mutant) a
 * machine whose one operation is broken.
 */
public final class PathMutants {
  private PathMutants() {}

  @SuppressWarnings("unchecked")
  private static <T> Plugin<T> shipped(PluginKind kind, String name) {
    return (Plugin<T>) PluginRegistry.discover().get(kind, name);
  }

  private static <T> Plugin<T> onMachine(String name, String desc, PluginKind kind, String base,
      UnaryOperator<Machine> machine) {
    return new MutantPlugin<>(name, desc, shipped(kind, base), machine, UnaryOperator.identity(),
        UnaryOperator.identity());
  }

  /** A machine whose TLB is {@code tlb(m.tlb())}. */
  private static UnaryOperator<Machine> withTlb(UnaryOperator<TlbOps> tlb) {
    return m -> new ForwardingMachine(m) {
      private final TlbOps t = tlb.apply(m.tlb());

      @Override public TlbOps tlb() { return t; }
    };
  }

  /**
   * {@code flush_tlb_one_kernel()} reduced to its INVLPG: no {@code invpcid_flush_one()} of the
   * other PCID of the loaded ASID and no {@code invalidate_other_asid()}, so a shared-kernel-area
   * alias (kmap-local, mermap, vmalloc) released while unrestricted stays cached in the restricted
   * PCID and in every other ASID of the CPU.
   */
  static Plugin<FlushPolicy> kernelFlushOnePcid(String base) {
    return onMachine("mutant-" + base + "-kernel-one-pcid", base + " whose flush_tlb_one_kernel() is a bare INVLPG",
        PluginKind.FLUSH, base, withTlb(t -> new ForwardingTlb(t) {
          @Override public void flushOne(int cpu, long va) { t.invlpg(cpu, va); }
          @Override public boolean asiCr3NoFlush() { return t.asiCr3NoFlush(); }
        }));
  }

  /** {@code X86Cr3.ASI_PCID_FLAG}: the PCID bit of an ASID's restricted address space (asi-x86). */
  private static final int ASI_PCID_FLAG = 1 << 10;

  /**
   * {@code flush_tlb_one_kernel()} that flushes both PCIDs of the loaded ASID but forgets
   * {@code invalidate_other_asid()}: the other dynamic ASIDs of the CPU (other mms that ran there,
   * or this mm's before its ASID was recycled) keep a shared-kernel-area alias, reachable once
   * their mm is loaded again.
   */
  static Plugin<FlushPolicy> kernelFlushLoadedAsidOnly(String base) {
    return onMachine("mutant-" + base + "-kernel-loaded-asid-only",
        base + " whose flush_tlb_one_kernel() skips invalidate_other_asid()", PluginKind.FLUSH, base,
        withTlb(t -> new ForwardingTlb(t) {
          @Override public void flushOne(int cpu, long va) {
            t.invlpg(cpu, va);
            t.invpcidSingle(cpu, t.currentPcid(cpu) ^ ASI_PCID_FLAG, va);
          }
          @Override public boolean asiCr3NoFlush() { return t.asiCr3NoFlush(); }
        }));
  }

  /**
   * unmapped-pool whose shrinker ({@code UnmappedPool.shrink}, the RFC's
   * {@code unmapped_pages_shrink()}) returns sensitive pool blocks to the main allocator, and into
   * the restricted direct map, without {@code clear_page()}: the pool's only zeroing path, so the
   * pageblock-migratetype flip path ({@link Mutants#noZeroOnFlip}) is untouched.
   */
  static Plugin<PageAllocator> poolShrinkWithoutZeroing() {
    return onMachine("mutant-pool-shrink-no-zero", "unmapped-pool shrinker mapping blocks without clear_page()",
        PluginKind.ALLOCATOR, "unmapped-pool", m -> new ForwardingMachine(m) {
          @Override public void clearPages(int cpu, long pfn, long count) {}
        });
  }

  /** Address spaces whose unmaps of temporary aliases leave the PTE (the unmap is undone). */
  private static UnaryOperator<Machine> ptesSurvive() {
    return m -> new ForwardingMachine(m) {
      private final AddressSpaces as = new ForwardingAddressSpaces(m.addressSpaces()) {
        @Override public long unmapKernel(int cpu, long va) {
          long pfn = a.unmapKernel(cpu, va);
          if (pfn > 0) { // pfn 0: the constructors' table-building map of frame 0, undone for real
            a.mapKernel(cpu, va, pfn);
          }
          return pfn;
        }

        @Override public long unmapMmLocal(int cpu, long mm, long va) {
          long pfn = a.unmapMmLocal(cpu, mm, va);
          if (pfn >= 0) {
            a.mapMmLocal(cpu, mm, va, pfn);
          }
          return pfn;
        }
      };

      @Override public AddressSpaces addressSpaces() { return as; }
    };
  }

  /**
   * A mapper whose release forgets the {@code pte_clear()}: {@code kunmap_local_indexed()},
   * mermap's put or {@code ephmap_put()} that updates its own bookkeeping and notifies the flush
   * policy but leaves the PTE, so the released alias stays reachable by page walk until the slot
   * is reused.
   */
  static Plugin<Mapper> putKeepsPte(String base) {
    return onMachine("mutant-" + base + "-put-keeps-pte", base + " whose release leaves the PTE",
        PluginKind.MAPPER, base, ptesSurvive());
  }

  /**
   * x86 whose {@code asi_exit()} is skipped on the context-switch path ({@code Sched.switchMm}
   * before {@code switch_mm_irqs_off()}): the CPU would switch to the next task's mm still in the
   * previous mm's restricted address space, with the previous task's taints.
   */
  static Plugin<Machine> noContextSwitchExit() {
    Plugin<Machine> x86 = shipped(PluginKind.MACHINE, "x86");
    return new MutantPlugin<>("mutant-x86-no-cs-exit", "x86 whose context switch skips asi_exit()", x86,
        UnaryOperator.identity(), UnaryOperator.identity(), m -> new ForwardingMachine(m) {
          private final AsiOps asi = new ForwardingAsi(m.asi()) {
            @Override public void asiExit(int cpu, AsiExitReason reason, int site) {
              if (reason != AsiExitReason.CONTEXT_SWITCH) {
                a.asiExit(cpu, reason, site);
              }
            }
          };

          @Override public AsiOps asi() { return asi; }
        });
  }

  /**
   * x86 on which {@code wp_page_copy()} (and {@code do_cow_fault()}) shares instead of copying:
   * installing a writable PTE over a present one to another frame — the copy replacing the
   * write-protected original — makes the original's PTE writable instead ({@code maybe_mkwrite()}
   * of {@code vmf->orig_pte}). The process keeps writing the frame its parent still maps, and its
   * kernel's reverse map (which says it maps the copy) no longer grants it access to that frame.
   */
  static Plugin<Machine> cowSharesInsteadOfCopying() {
    Plugin<Machine> x86 = shipped(PluginKind.MACHINE, "x86");
    return new MutantPlugin<>("mutant-x86-cow-shares", "x86 whose copy-on-write keeps the original writable", x86,
        UnaryOperator.identity(), UnaryOperator.identity(), PathMutants::cowShares);
  }

  /**
   * {@link #cowSharesInsteadOfCopying} on a machine that says it logs its changes but keeps them
   * from the checker: only a full check can see the shared page (the negative control of
   * {@code CheckModeAgreementTest}: the comparison of both checks must report it).
   */
  public static Plugin<Machine> cowSharesUnlogged() {
    Plugin<Machine> x86 = shipped(PluginKind.MACHINE, "x86");
    return new MutantPlugin<>("mutant-x86-cow-shares-unlogged", "x86 with shared copy-on-write and a silent log",
        x86, UnaryOperator.identity(), UnaryOperator.identity(), m -> new ForwardingMachine(cowShares(m)) {
          @Override public boolean logChanges(io.asisim.api.machine.ChangeLog log) {
            return m.logChanges(new io.asisim.api.machine.ChangeLog()); // a log nobody reads
          }
        });
  }

  private static Machine cowShares(Machine m) {
    return new ForwardingMachine(m) {
          private final AddressSpaces as = new ForwardingAddressSpaces(m.addressSpaces()) {
            @Override public boolean mapUser(int cpu, long mm, long va, long pfn, boolean writable) {
              long old = a.translate(mm, false, va);
              return a.mapUser(cpu, mm, va, writable && old >= 0 && old != pfn ? old : pfn, writable);
            }
          };

          @Override public AddressSpaces addressSpaces() { return as; }
        };
  }

  /**
   * x86 on which {@code clear_user_highpage()} does nothing: {@code do_anonymous_page()} hands a
   * process a page with its previous owner's data. Only the kernel clears single pages
   * ({@code Highmem.clearPage}); the allocators' flips and pool blocks clear 512 pages or more, so
   * their zeroing paths are untouched.
   */
  static Plugin<Machine> userPageNotCleared() {
    Plugin<Machine> x86 = shipped(PluginKind.MACHINE, "x86");
    return new MutantPlugin<>("mutant-x86-no-user-clear", "x86 whose clear_user_highpage() does nothing", x86,
        UnaryOperator.identity(), UnaryOperator.identity(), m -> new ForwardingMachine(m) {
          @Override public void clearPages(int cpu, long pfn, long count) {
            if (count != 1) {
              m.clearPages(cpu, pfn, count);
            }
          }
        });
  }

  /**
   * x86 whose {@code clear_user_highpage()} skips the second frame of every 2 MiB: a THP folio's
   * second page reaches user space uncleared while the page that faulted (the first, in the
   * workloads' ascending writes) is cleared, so only a check of the whole folio sees it.
   */
  static Plugin<Machine> hugePageSecondNotCleared() {
    Plugin<Machine> x86 = shipped(PluginKind.MACHINE, "x86");
    return new MutantPlugin<>("mutant-x86-thp-page-not-cleared", "x86 whose clear_user_highpage() skips the second frame of each 2 MiB",
        x86, UnaryOperator.identity(), UnaryOperator.identity(), m -> new ForwardingMachine(m) {
          @Override public void clearPages(int cpu, long pfn, long count) {
            if (count != 1 || (pfn & 511) != 1) {
              m.clearPages(cpu, pfn, count);
            }
          }
        });
  }

  /**
   * x86 whose {@code arch_tlbbatch_flush()} does nothing: page migration ({@code migrate_pages_batch()}
   * → {@code try_to_unmap_flush()}) leaves every CPU's translation of the old frames, which
   * compaction then frees.
   */
  static Plugin<Machine> migrationFlushSkipped() {
    Plugin<Machine> x86 = shipped(PluginKind.MACHINE, "x86");
    return new MutantPlugin<>("mutant-x86-migrate-no-flush", "x86 whose arch_tlbbatch_flush() flushes nothing",
        x86, UnaryOperator.identity(), UnaryOperator.identity(), withTlb(t -> new ForwardingTlb(t) {
          @Override public void batchFlush(int cpu) {}
        }));
  }

  /**
   * A context-switch policy that never asks for {@code asi_exit()}, not even when the next task
   * runs another mm. {@code Sched.switchMm} exits on every change of mm whatever the policy says
   * (the restricted space belongs to the previous mm), so this is the shipped {@code same-mm}
   * policy: an equivalent mutant, which proves that guard.
   */
  static Plugin<ContextSwitchPolicy> neverExit() {
    return new Plugin<>() {
      @Override public PluginKind kind() { return PluginKind.CONTEXT_SWITCH; }
      @Override public String name() { return "mutant-never-exit"; }
      @Override public String description() { return "context_switch() that never exits ASI"; }
      @Override public java.util.List<io.asisim.api.plugin.ParamSpec> params() { return java.util.List.of(); }
      @Override public ContextSwitchPolicy create(io.asisim.api.plugin.Params p, io.asisim.api.plugin.SimContext c) {
        return (prevMm, nextMm) -> false;
      }
    };
  }

  /** An {@link AsiOps} that forwards every call. */
  static class ForwardingAsi implements AsiOps {
    final AsiOps a;

    ForwardingAsi(AsiOps a) {
      this.a = a;
    }

    @Override public int exitSite(String name) { return a.exitSite(name); }
    @Override public void asiEnter(int cpu) { a.asiEnter(cpu); }
    @Override public void asiReenter(int cpu) { a.asiReenter(cpu); }
    @Override public void asiRelax(int cpu) { a.asiRelax(cpu); }
    @Override public void asiExit(int cpu, AsiExitReason reason, int site) { a.asiExit(cpu, reason, site); }
    @Override public boolean isRestricted(int cpu) { return a.isRestricted(cpu); }
    @Override public boolean hasTarget(int cpu) { return a.hasTarget(cpu); }
    @Override public int taints(int cpu) { return a.taints(cpu); }
    @Override public boolean enabled() { return a.enabled(); }
  }

  /** An {@link AddressSpaces} that forwards every call. */
  static class ForwardingAddressSpaces implements AddressSpaces {
    final AddressSpaces a;

    ForwardingAddressSpaces(AddressSpaces a) {
      this.a = a;
    }

    @Override public long mmCreate(int cpu) { return a.mmCreate(cpu); }
    @Override public void mmDestroy(int cpu, long mm) { a.mmDestroy(cpu, mm); }
    @Override public void switchMm(int cpu, long mm) { a.switchMm(cpu, mm); }
    @Override public long loadedMm(int cpu) { return a.loadedMm(cpu); }
    @Override public boolean mapUser(int cpu, long mm, long va, long pfn, boolean writable) {
      return a.mapUser(cpu, mm, va, pfn, writable);
    }
    @Override public long unmapUser(int cpu, long mm, long va) { return a.unmapUser(cpu, mm, va); }
    @Override public boolean mapKernel(int cpu, long va, long pfn) { return a.mapKernel(cpu, va, pfn); }
    @Override public long unmapKernel(int cpu, long va) { return a.unmapKernel(cpu, va); }
    @Override public int mmLocalSlots() { return a.mmLocalSlots(); }
    @Override public long mmLocalSlotVa(int cpu, int slot) { return a.mmLocalSlotVa(cpu, slot); }
    @Override public void mapMmLocal(int cpu, long mm, long va, long pfn) { a.mapMmLocal(cpu, mm, va, pfn); }
    @Override public long unmapMmLocal(int cpu, long mm, long va) { return a.unmapMmLocal(cpu, mm, va); }
    @Override public long translate(long mm, boolean restricted, long va) { return a.translate(mm, restricted, va); }
    @Override public int leafShift(long mm, boolean restricted, long va) { return a.leafShift(mm, restricted, va); }
    @Override public int userPteWritable(long mm, long va) { return a.userPteWritable(mm, va); }
    @Override public long pagetablePages() { return a.pagetablePages(); }
  }
}
