package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The boot sequence does the wiring; the injector's providers only build. */
class BootTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final VariantConfig CONFIG = new VariantConfig(new MachineConfig(256L << 20, 2, true), Map.of(),
      Set.of(), Settings.none(), 1, 0);

  @Test
  void bootReportsTheReservationAndHandsPageTablesToTheAllocator() {
    BootedVariant v = Boot.boot(CONFIG, REGISTRY);
    assertThat(v.reservation()).isEqualTo(v.machine().bootReservation()).isNotEmpty();
    long prevEnd = 0;
    long frames = 0;
    for (PfnRange r : v.reservation()) {
      assertThat(r.start()).as("disjoint, in pfn order").isGreaterThanOrEqualTo(prevEnd);
      prevEnd = r.end();
      frames += r.frames();
    }
    // x86: the first 1 MiB, then the kernel image at 16 MiB, boot page tables and spare table frames
    assertThat(frames).isEqualTo(v.machine().bootReservedFrames());
    assertThat(v.reservation().get(0)).isEqualTo(new PfnRange(0, 256));
    assertThat(v.reservation().get(1).start()).isEqualTo(4096);
    assertThat(v.allocator().freePages()).isEqualTo(v.machine().nrFrames() - frames);

    long free = v.allocator().freePages();
    v.machine().addressSpaces().mmCreate(0); // its pgd comes from the buddy allocator now
    assertThat(v.allocator().freePages()).isLessThan(free);
  }

  @Test
  void buildingTheAllocatorDoesNotRewireTheMachine() {
    Injector injector = Guice.createInjector(new VariantModule(CONFIG, REGISTRY));
    Machine machine = injector.getInstance(Machine.class);
    PageAllocator allocator = injector.getInstance(PageAllocator.class);
    long free = allocator.freePages();
    machine.addressSpaces().mmCreate(0); // no handover: the pgd comes from memblock's spare frames
    assertThat(allocator.freePages()).isEqualTo(free);
  }

  @Test
  void everyKindIsBoundToItsTypeWithItsDefault() {
    Injector injector = Guice.createInjector(new VariantModule(CONFIG, REGISTRY));
    for (PluginKind k : PluginKind.values()) {
      assertThat(injector.getExistingBinding(com.google.inject.Key.get(k.type()))).as(k.id()).isNotNull();
      assertThat(CONFIG.selected(k)).as(k.id()).isEqualTo(k.defaultName());
    }
  }
}
