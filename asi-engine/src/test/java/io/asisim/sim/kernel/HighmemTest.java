package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sensitive-touch layer: a direct-map touch of a sensitive frame while restricted exits ASI at
 * the {@link AccessSite} the caller named, and {@code copy_user_highpage()} never uses one alias
 * alone (a refused second mapping releases the first and both pages go through the direct map).
 */
class HighmemTest {
  private final List<String> log = new ArrayList<>();
  /** How many {@link Mapper#map} calls succeed before the mapper refuses. */
  private int aliasesLeft;
  private Machine machine;
  private Metrics metrics;
  private PageAllocator allocator;
  private Highmem highmem;
  private long mm;

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.ALLOCATOR, "pageblock-migratetype");
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, Set.of(), Settings.none(), 1, 0);
    SimContext ctx = Guice.createInjector(new VariantModule(c, PluginRegistry.discover())).getInstance(SimContext.class);
    machine = ctx.machine();
    metrics = ctx.metrics();
    allocator = ctx.allocator();
    Mapper mapper = new Mapper() {
      @Override public long map(int cpu, long m, long pfn) {
        if (aliasesLeft == 0) {
          log.add("refuse:" + pfn);
          return NO_ALIAS;
        }
        aliasesLeft--;
        log.add("map:" + pfn);
        return 0xffff_e000_0000_0000L + (pfn << 12);
      }
      @Override public void unmap(int cpu, long m, long va) { log.add("unmap"); }
    };
    AsiPlugins plugins = new AsiPlugins(machine.asi(), () -> mapper, () -> (FlushPolicy) null, () -> (p, n) -> true,
        KernelCounters.register(metrics).accessLosses());
    int[] sites = new int[AccessSite.values().length];
    for (AccessSite s : AccessSite.values()) {
      sites[s.ordinal()] = machine.asi().exitSite(s.exitSite());
    }
    highmem = new Highmem(machine, plugins, sites);
    mm = machine.addressSpaces().mmCreate(0);
    machine.addressSpaces().switchMm(0, mm);
    machine.asi().asiEnter(0);
  }

  private long sensitivePage() {
    long pfn = allocator.alloc(0, 0, Gfp.GFP_HIGHUSER_MOVABLE);
    assertThat(allocator.sensitivity(pfn)).isEqualTo(Sensitivity.SENSITIVE);
    return pfn;
  }

  @Test
  void directMapTouchExitsAtTheNamedSite() {
    boot();
    long pfn = sensitivePage();
    highmem.kmapLocal(0, mm, pfn, false, AccessSite.PAGECACHE_READ);
    assertThat(metrics.get("asi_exit_sites.pagecache_read")).isEqualTo(1);
    assertThat(metrics.get("asi_exit_sites.pagecache_write")).isZero();
    assertThat(log).containsExactly("refuse:" + pfn);
    machine.asi().asiEnter(0);
    highmem.clearPage(0, mm, sensitivePage(), AccessSite.ZEROING);
    assertThat(metrics.get("asi_exit_sites.zeroing")).isEqualTo(1);
    assertThat(metrics.get("asi_exits")).isEqualTo(2);
  }

  @Test
  void copyWithOnlyOneAliasReleasesItAndCopiesThroughTheDirectMap() {
    boot();
    long src = sensitivePage();
    long dst = sensitivePage();
    aliasesLeft = 1;
    highmem.copyPage(0, mm, src, dst, AccessSite.COW, 1);
    assertThat(log).containsExactly("map:" + src, "refuse:" + dst, "unmap");
    assertThat(metrics.get("asi_exit_sites.cow")).isEqualTo(1); // the first direct touch exits, the second is unrestricted
    assertThat(highmem.takeAliasMismatch()).isNull();
  }
}
