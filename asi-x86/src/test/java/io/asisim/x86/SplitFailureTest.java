package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.BumpTablePages;
import org.junit.jupiter.api.Test;

/** A split that finds no page for its table fails like {@code set_direct_map_*()}'s -ENOMEM: nothing changes. */
class SplitFailureTest {
  private static X86Machine noTablePages(Metrics metrics) {
    X86Options opts = new X86Options(false, 2, 32L << 20, 0, 33); // no spare boot table pages
    X86Machine m = new X86Machine(new MachineConfig(64L << 20, 2, true), TestMachines.plugin("sapphire-rapids")
        .defaults(), metrics, opts);
    m.setTablePageSource(BumpTablePages.exhausted());
    return m;
  }

  @Test
  void restrictedMapChangeThatNeedsASplitFailsWithoutChangingAnything() {
    Metrics metrics = new Metrics();
    X86Machine m = noTablePages(metrics);
    long block = 12 * 512; // a pageblock above the boot reservation
    // whole pageblocks change one PMD each: no table needed
    assertThat(m.setRestrictedMapped(0, block, 1024, true)).isTrue();
    // the whole block after it plus half of the next needs a split of the second: -ENOMEM
    assertThat(m.setRestrictedMapped(0, block + 1024, 768, true)).isFalse();
    assertThat(m.isRestrictedMapped(block + 1024)).isFalse(); // the whole block done first was undone
    assertThat(m.isRestrictedMapped(block + 1536)).isFalse();
    assertThat(m.isRestrictedMapped(block)).isTrue();
    assertThat(metrics.get("restricted_map_splits")).isZero();
  }

  @Test
  void directMapSplitWithoutATablePageFails() {
    Metrics metrics = new Metrics();
    X86Machine m = noTablePages(metrics);
    long pfn = 12 * 512 + 3;
    assertThat(m.setDirectMapped(0, pfn, 1, false)).isFalse();
    assertThat(m.isDirectMapped(pfn)).isTrue();
    assertThat(metrics.get("direct_map_splits")).isZero();
  }
}
