package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.policies.flush.EagerGlobalFlushPolicy;
import io.asisim.policies.flush.MmGlobalFlushPolicy;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a flush policy whose shootdowns skip remote CPUs (the policy sees a {@link TlbOps}
 * that sends every shootdown to the calling CPU only) must fail the testkit's threaded security
 * contract ({@link FlushPolicyContract#securePolicyLeavesNothingWhenAnotherThreadCloses}).
 * {@code mm-global} so mutated leaves CPU 1's translation of the closed page: the contract's
 * scenario sees exactly that exposure. {@code eager-global} so mutated is equivalent in this
 * scenario (and in the model, docs/checker.md): its shootdown happens at the unmap on the CPU that
 * made the alias, which flushes itself, and no other CPU ever cached that CPU's slot.
 */
class RemoteSkippingMutantTest {
  @Test
  void mmGlobalSkippingRemoteCpusFailsTheThreadedContract() {
    FlushPolicyContract contract =
        FlushContracts.ephmapOnly(mutant("mutant-mm-global-skip-remote", MmGlobalFlushPolicy::new), true);
    assertThatThrownBy(contract::securePolicyLeavesNothingWhenAnotherThreadCloses)
        .isInstanceOf(AssertionError.class).hasMessageContaining("exposures after another thread's close");
    ScenarioRig rig = contract.rig("ephmap", 1);
    FlushPolicyContract.anotherThreadCloses(rig);
    assertThat(rig.exposures()).isEqualTo(1);
    assertThat(rig.lastExposures()).isEqualTo("[1:" + rig.filePfn(0) + "]");
    assertThat(rig.metrics().get("tlb_shootdown_ipis")).isZero();
    // the real policy passes the same steps (ThreadedFlushScenarioTest: no exposure, one IPI)
  }

  @Test
  void eagerGlobalSkippingRemoteCpusIsEquivalentHere() {
    ScenarioRig rig = FlushContracts.ephmapOnly(mutant("mutant-eager-global-skip-remote", EagerGlobalFlushPolicy::new),
        true).rig("ephmap", 1);
    FlushPolicyContract.anotherThreadCloses(rig);
    assertThat(rig.exposures()).isZero();
    assertThat(rig.metrics().get("tlb_shootdown_ipis")).isZero(); // the real one sends one
  }

  private static Plugin<FlushPolicy> mutant(String name, BiFunction<TlbOps, Integer, FlushPolicy> policy) {
    return new Plugin<>() {
      @Override
      public PluginKind kind() {
        return PluginKind.FLUSH;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "mutant: shootdowns reach the calling CPU only";
      }

      @Override
      public FlushPolicy create(Params params, SimContext ctx) {
        return policy.apply(new LocalOnly(ctx.machine().tlb()), ctx.machineConfig().cpus());
      }
    };
  }

  /** The machine's TLB operations with every shootdown's targets cut to the caller. */
  private static final class LocalOnly implements TlbOps {
    private final TlbOps t;
    private final CpuMask self = new CpuMask();

    LocalOnly(TlbOps t) {
      this.t = t;
    }

    private CpuMask onlyCaller(int cpu, CpuMask targets) {
      self.clearAll();
      if (targets.test(cpu)) {
        self.set(cpu);
      }
      return self;
    }

    @Override
    public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages) {
      t.shootdown(cpu, onlyCaller(cpu, targets), mm, start, pages);
    }

    @Override
    public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages, boolean freedTables) {
      t.shootdown(cpu, onlyCaller(cpu, targets), mm, start, pages, freedTables);
    }

    @Override
    public void flushMmRange(int cpu, long mm, long start, long pages) {
      for (long p = 0; p < pages; p++) {
        t.flushOne(cpu, start + (p << 12)); // the caller's TLB only
      }
    }

    @Override
    public void flushKernelRange(int cpu, long start, long pages) {
      for (long p = 0; p < pages; p++) {
        t.flushOne(cpu, start + (p << 12));
      }
    }

    @Override
    public long access(int cpu, long va, boolean write, int site) {
      return t.access(cpu, va, write, site);
    }

    @Override
    public void invlpg(int cpu, long va) {
      t.invlpg(cpu, va);
    }

    @Override
    public void invpcidSingle(int cpu, int pcid, long va) {
      t.invpcidSingle(cpu, pcid, va);
    }

    @Override
    public void invpcidAll(int cpu) {
      t.invpcidAll(cpu);
    }

    @Override
    public int currentPcid(int cpu) {
      return t.currentPcid(cpu);
    }

    @Override
    public void flushOne(int cpu, long va) {
      t.flushOne(cpu, va);
    }

    @Override
    public void flushOneMmLocal(int cpu, long va) {
      t.flushOneMmLocal(cpu, va);
    }

    @Override
    public void flushLocal(int cpu) {
      t.flushLocal(cpu);
    }

    @Override
    public void setLazy(int cpu, boolean lazy) {
      t.setLazy(cpu, lazy);
    }

    @Override
    public boolean isLazy(int cpu) {
      return t.isLazy(cpu);
    }

    @Override
    public boolean asiCr3NoFlush() {
      return t.asiCr3NoFlush();
    }

    @Override
    public void batchAdd(int cpu, long mm) {
      t.batchAdd(cpu, mm);
    }

    @Override
    public void batchFlush(int cpu) {
      t.batchFlush(cpu);
    }

    @Override
    public CpuMask mmCpumask(long mm) {
      return t.mmCpumask(mm);
    }

    @Override
    public int singlePageFlushCeiling() {
      return t.singlePageFlushCeiling();
    }

    @Override
    public void forEachRestrictedEntry(int cpu, TlbVisitor visitor) {
      t.forEachRestrictedEntry(cpu, visitor);
    }

    @Override
    public int validEntries(int cpu) {
      return t.validEntries(cpu);
    }
  }
}
