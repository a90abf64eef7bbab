package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fragmentation indices against a running Linux 6.18.44 (calibration/data/vm-20261207): each
 * snapshot's debugfs files, rendered from its /proc/buddyinfo, byte for byte; and hand-computed
 * values where the real machine had no failing order.
 */
class ExtFragTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = ExtFragTest.class.getResourceAsStream("/proc/extfrag/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** /proc/buddyinfo lines: "Node 0, zone   Normal   2710   1606 ..." */
  private static List<ExtFrag.ZoneFree> buddyinfo(String text) {
    List<ExtFrag.ZoneFree> zones = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split(" +");
      long[] nrFree = new long[f.length - 4];
      for (int i = 0; i < nrFree.length; i++) {
        nrFree[i] = Long.parseLong(f[4 + i]);
      }
      zones.add(new ExtFrag.ZoneFree(f[3], nrFree));
    }
    return zones;
  }

  @ParameterizedTest
  @ValueSource(strings = {"idle", "find-tar"})
  void theRealDebugfsFilesRenderFromTheRealBuddyinfo(String snapshot) throws IOException {
    List<ExtFrag.ZoneFree> zones = buddyinfo(resource(snapshot + ".buddyinfo"));
    assertThat(zones).extracting(ExtFrag.ZoneFree::name).containsExactly("DMA", "DMA32", "Normal");
    assertThat(ExtFrag.unusableIndex(zones)).isEqualTo(resource(snapshot + ".unusable_index"));
    assertThat(ExtFrag.extfragIndex(zones)).isEqualTo(resource(snapshot + ".extfrag_index"));
  }

  @Test
  void handComputedIndices() {
    // 6 free pages as 2 order-0 blocks and one order-2 block
    long[] f = {2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(ExtFrag.unusableFreeIndex(0, f)).isZero();
    assertThat(ExtFrag.unusableFreeIndex(1, f)).as("(6 - 2*2) / 6").isEqualTo(333);
    assertThat(ExtFrag.unusableFreeIndex(3, f)).as("no block of order 3").isEqualTo(1000);
    assertThat(ExtFrag.fragmentationIndex(2, f)).as("an order-2 block is free").isEqualTo(-1000);
    // order 3 would fail: 1000 - (1000 + 6000/8) / 3 blocks = 1000 - 583
    assertThat(ExtFrag.fragmentationIndex(3, f)).isEqualTo(417);
    // order 10: 1000 - (1000 + 6000/1024) / 3 = 1000 - 335
    assertThat(ExtFrag.fragmentationIndex(10, f)).isEqualTo(665);
    long[] none = new long[11];
    assertThat(ExtFrag.unusableFreeIndex(0, none)).isEqualTo(1000);
    assertThat(ExtFrag.fragmentationIndex(0, none)).isZero();
    assertThat(ExtFrag.extfragIndex(List.of(new ExtFrag.ZoneFree("Normal", f))))
        .isEqualTo("Node 0, zone   Normal -1.000 -1.000 -1.000  0.417  0.542  0.605  0.636  0.652  0.659  0.663  0.665 \n");
  }
}
