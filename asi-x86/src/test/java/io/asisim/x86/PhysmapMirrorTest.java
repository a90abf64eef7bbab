package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

/**
 * {@code set_memory_ro()} on a frame's direct-map alias ({@link DirectMap#setReadOnly}), hand-checked
 * on 64 MiB (the direct map in 2 MiB leaves): one unrestricted split; without mirroring the
 * restricted 2 MiB leaf still grants write, with it that leaf splits and the frame is read-only
 * there too, and a later {@code asi_map()} of a pageblock holding a read-only frame keeps it so.
 */
class PhysmapMirrorTest {
  private static final long PFN = 5000; // in pageblock 9 (4608..5119)

  private X86Machine boot(boolean mirror, Metrics m) {
    return TestMachines.build("sapphire-rapids", 64L << 20, 1, true, X86Options.DEFAULT.withMirrorPhysmap(mirror), m);
  }

  @Test
  void unmirroredGrantsWriteMirroredDoesNot() {
    for (boolean mirror : new boolean[] {false, true}) {
      Metrics m = new Metrics();
      X86Machine x = boot(mirror, m);
      long block = PFN & ~511L;
      assertThat(x.setRestrictedMapped(0, block, 512, true)).isTrue();
      assertThat(x.setDirectMapReadOnly(0, PFN, 1, true)).isTrue();
      assertThat(m.get("direct_map_splits")).isEqualTo(1);
      assertThat(x.restrictedGrantsWrite(PFN)).as("mirror " + mirror).isEqualTo(!mirror);
      assertThat(x.restrictedGrantsWrite(PFN + 1)).isFalse();
      assertThat(m.get("restricted_map_splits")).isEqualTo(mirror ? 1 : 0);
      assertThat(x.isRestrictedMapped(PFN)).isTrue();
      assertThat(x.setDirectMapReadOnly(0, PFN, 1, false)).isTrue();
      assertThat(x.restrictedGrantsWrite(PFN)).isFalse();
    }
  }

  @Test
  void aMirroredMapOfABlockWithAReadOnlyFrameKeepsItReadOnly() {
    Metrics m = new Metrics();
    X86Machine x = boot(true, m);
    long block = PFN & ~511L;
    assertThat(x.setDirectMapReadOnly(0, PFN, 1, true)).isTrue(); // not restricted-mapped yet
    assertThat(m.get("restricted_map_splits")).isZero();
    assertThat(x.setRestrictedMapped(0, block, 512, true)).isTrue();
    assertThat(x.isRestrictedMapped(PFN)).isTrue();
    assertThat(x.restrictedGrantsWrite(PFN)).isFalse();
    assertThat(x.restrictedPageblockMapped(PFN)).as("mapped by PTEs, not one 2 MiB leaf").isEqualTo(-1);
  }
}
