package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, the KVM ASI class on the host: two guests (VMM processes with two vCPU threads each,
 * the vCPUs of both guests sharing both CPUs) under {@code --check} after every op. With every
 * mapper and every secure flush policy, no guest's vCPU can reach the other guest's memory while
 * restricted (no exposure, no violation); a deliberately broken mapper that leaves one vmalloc
 * alias in 16 mapped, used to zero guest pages on EPT violations, is caught.
 */
class KvmGuestsCheckTest {
  private static final PluginRegistry REG = Registries.with(Mutants.vmallocLeakedAlias());

  private static Variants guests(String mapper, String flush) {
    return Variants.of("kvm-guests").pick(PluginKind.MAPPER, mapper).pick(PluginKind.FLUSH, flush)
        .set("workload.kvm-guests.ops=1500").set("workload.kvm-guests.guest-memory=2M").memory(128L << 20)
        .cpus(2).seed(11).checkEvery(1);
  }

  @Test
  void neitherGuestReachesTheOthersMemoryWhileRestricted() {
    Runner runner = new Runner(REG);
    for (String mapper : List.of("exit", "ephmap", "kmap-local", "vmalloc", "mermap")) {
      for (String flush : List.of("mm-global", "precise", "eager-global")) {
        RunResult r = runner.run(guests(mapper, flush).build(REG));
        String what = mapper + "/" + flush;
        assertThat(r.get("invariant_violations")).as(what).isZero();
        assertThat(r.get("leak_exposures")).as(what).isZero();
        assertThat(r.get("kvm_entries")).as(what).isEqualTo(1500);
        // guest pages were backed while the other guest's vCPUs ran restricted on the same CPUs
        assertThat(r.get("kvm_exits.ept_violation")).as(what).isGreaterThan(100);
        assertThat(r.get("context_switches")).as(what).isGreaterThan(500);
      }
    }
  }

  @Test
  void aMapperThatLeavesGuestPagesMappedIsCaught() {
    new MutantRig(REG).caughtAsViolation(guests("mutant-vmalloc-leaked-alias", "mm-global"),
        guests("vmalloc", "mm-global"), "restricted map");
  }
}
