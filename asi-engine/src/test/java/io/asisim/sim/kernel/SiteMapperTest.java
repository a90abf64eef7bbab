package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --site-mapper}: each kernel access site is served by the mapper its variant names. */
class SiteMapperTest {

  private static Injector variant(String mapper, Map<String, String> sites) {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), Map.of(PluginKind.MAPPER, mapper),
        Set.of(), Settings.none(), 1, 0).withSiteMappers(sites);
    return Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
  }

  private SimKernel kernel;

  /** spawn, fault one anonymous page in (zeroed), write one new page-cache page, read it back twice. */
  private Metrics scenario(Injector inj) {
    SimKernel k = inj.getInstance(SimKernel.class);
    kernel = k;
    int pid = k.spawn();
    k.touch(pid, k.mmapAnon(pid, 1), true);
    int fd = k.open(pid, k.createFile(4, false));
    k.write(pid, fd, 0, 1);
    k.read(pid, fd, 0, 1);
    k.read(pid, fd, 0, 1);
    return inj.getInstance(Metrics.class);
  }

  @Test
  void theNamedSiteUsesItsMapperAndTheOthersStillExit() {
    Metrics all = scenario(variant("exit", Map.of()));
    // every site on exit: each read's copy from the sensitive page-cache page faults and exits
    assertThat(all.get("asi_exit_sites.pagecache_read")).isEqualTo(2);
    assertThat(all.get("asi_exit_sites.pagecache_write")).isEqualTo(1);
    // the fault from user mode: do_anonymous_page() zeroes the new page while restricted
    long zeroing = all.get("asi_exit_sites.zeroing");
    assertThat(zeroing).isEqualTo(1);

    Injector inj = variant("exit", Map.of("pagecache-read", "ephmap"));
    Metrics posted = scenario(inj);
    // the posted prototype's configuration: reads through the ephmap, no exit; the rest unchanged
    assertThat(posted.get("asi_exit_sites.pagecache_read")).isZero();
    assertThat(posted.get("asi_exit_sites.pagecache_write")).isEqualTo(1);
    assertThat(posted.get("asi_exit_sites.zeroing")).isEqualTo(zeroing);
    assertThat(kernel.view().mappersBuilt()).hasSize(2);
  }

  @Test
  void sitesNamingTheSameMapperShareOneInstance() {
    Injector inj = variant("exit", Map.of("pagecache-read", "ephmap", "pagecache-write", "ephmap"));
    Metrics m = scenario(inj);
    assertThat(m.get("asi_exit_sites.pagecache_read")).isZero();
    assertThat(m.get("asi_exit_sites.pagecache_write")).isZero();
    assertThat(kernel.view().mappersBuilt()).hasSize(2); // exit + one ephmap
  }

  @Test
  void aSiteNamingTheSelectedMapperIsTheSelectedInstance() {
    Injector inj = variant("ephmap", Map.of("zeroing", "ephmap"));
    scenario(inj);
    assertThat(kernel.view().mappersBuilt()).hasSize(1);
  }
}
