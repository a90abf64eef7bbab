package io.asisim.sim.slab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SlabGeometry} against a real kernel: every cache of a Linux 6.18 x86-64 guest with two CPUs
 * (calibration/data/vm-20261206: {@code /proc/slabinfo} and {@code /sys/kernel/slab/*}).
 */
class SlabGeometryTest {
  static List<String[]> rows(String resource, int skip) throws IOException {
    try (InputStream in = SlabGeometryTest.class.getResourceAsStream(resource)) {
      List<String[]> out = new ArrayList<>();
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (int i = skip; i < lines.length; i++) {
        out.add(lines[i].trim().split("\\s+"));
      }
      return out;
    }
  }

  @Test
  void everyCacheOfTheRealSlabinfoGetsItsOrderAndObjectsPerSlab() throws IOException {
    List<String[]> caches = rows("slabinfo-linux-6.18.txt", 2);
    assertThat(caches).hasSize(235);
    for (String[] c : caches) {
      int size = Integer.parseInt(c[3]);
      SlabGeometry g = SlabGeometry.of(size, 2);
      assertThat(g.objects()).as("%s (size %d) objperslab", c[0], size).isEqualTo(Integer.parseInt(c[4]));
      assertThat(g.pages()).as("%s (size %d) pagesperslab", c[0], size).isEqualTo(Integer.parseInt(c[5]));
    }
  }

  @Test
  void everyCacheOfTheRealSysfsGetsItsPartialListSizes() throws IOException {
    List<String[]> caches = rows("sys-kernel-slab-linux-6.18.tsv", 1);
    assertThat(caches).hasSizeGreaterThan(200);
    for (String[] c : caches) {
      int slabSize = Integer.parseInt(c[2]);
      SlabGeometry g = SlabGeometry.of(slabSize, 2);
      assertThat(g.order()).as("%s order", c[0]).isEqualTo(Integer.parseInt(c[3]));
      assertThat(g.objects()).as("%s objs_per_slab", c[0]).isEqualTo(Integer.parseInt(c[4]));
      assertThat(g.minPartial()).as("%s min_partial", c[0]).isEqualTo(Integer.parseInt(c[5]));
      assertThat(g.cpuPartialObjects()).as("%s cpu_partial", c[0]).isEqualTo(Integer.parseInt(c[6]));
    }
  }

  @Test
  void handChecked() {
    // dentry, 192 bytes, 2 CPUs: min_objects 4 * (fls(2) + 1) = 12, 12 * 192 fits order 0 with
    // 4096 % 192 = 64 <= 4096 / 16: order 0, 21 objects; cpu_partial 120 objects -> 240 / 21 -> 12 slabs
    SlabGeometry d = SlabGeometry.of(192, 2);
    assertThat(d).isEqualTo(new SlabGeometry(192, 0, 21, 0, 5, 120, 12));
    // names_cache, 4096 bytes: min_objects min(12, 8) = 8 -> get_order(32 KiB) = 3; 8 objects
    assertThat(SlabGeometry.of(4096, 2)).isEqualTo(new SlabGeometry(4096, 3, 8, 0, 6, 6, 2));
    // 1024 bytes: 12 objects need order 2 (16 objects); cpu_partial 24 objects -> 48 / 16 = exactly 3 slabs
    assertThat(SlabGeometry.of(1024, 2).cpuPartialSlabs()).isEqualTo(3);
    // 12 KiB: one object needs order 2, two of them order 3 (a leftover of exactly 1/4)
    assertThat(SlabGeometry.of(12288, 2)).isEqualTo(new SlabGeometry(12288, 3, 2, 2, 6, 6, 6));
    // more CPUs want more objects per slab: 64 CPUs -> min_objects 28 -> 28 * 192 needs order 1
    assertThat(SlabGeometry.of(192, 64).order()).isEqualTo(1);
  }
}
