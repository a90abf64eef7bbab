package io.asisim.sim.slab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link SlabInfo}'s text against a real {@code /proc/slabinfo} of Linux 6.18, byte for byte. */
class SlabInfoTest {
  @Test
  void headerAndEveryLineOfTheRealFileAreReproducedExactly() throws IOException {
    String real;
    try (InputStream in = SlabInfoTest.class.getResourceAsStream("slabinfo-linux-6.18.txt")) {
      real = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] lines = real.split("\n");
    assertThat(lines[0] + "\n" + lines[1] + "\n").isEqualTo(SlabInfo.HEADER);
    for (int i = 2; i < lines.length; i++) {
      String[] f = lines[i].split("\\s+");
      // name active num objsize objperslab pagesperslab : tunables 0 0 0 : slabdata active num shared
      String ours = SlabInfo.line(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
          Integer.parseInt(f[4]), Integer.parseInt(f[5]), Long.parseLong(f[13]), Long.parseLong(f[14]));
      assertThat(ours).as("line %d", i + 1).isEqualTo(lines[i]);
    }
  }

  @Test
  void renderCountsTheFreeSlotsOfNodePartialSlabsOnly() {
    Fake pages = new Fake();
    Slub slub = new Slub(2, pages, SlabSensitivity.RECLAIMABLE, new SlabStats(new io.asisim.api.metrics.Metrics()));
    int c = slub.cache("dentry", 192, true, false);
    for (int i = 0; i < 3; i++) {
      slub.alloc(0, c, 0);
    }
    // one slab of 21, active on CPU 0: SLUB reports all 21 as active
    assertThat(SlabInfo.render(slub)).endsWith(
        SlabInfo.line("dentry", 21, 21, 192, 21, 1, 1, 1) + "\n");
  }

  @Test
  void freeSlotsOnTheNodeListAreNotActive() {
    Fake pages = new Fake();
    Slub slub = new Slub(2, pages, SlabSensitivity.NONE, new SlabStats(new io.asisim.api.metrics.Metrics()));
    int c = slub.cache("kmalloc-256", 256, false, false);
    int[][] objs = new int[9][16];
    for (int s = 0; s < 9; s++) {
      for (int i = 0; i < 16; i++) {
        objs[s][i] = slub.alloc(0, c, 0);
      }
    }
    for (int s = 0; s < 8; s++) {
      slub.free(0, objs[s][0]); // 7 to the node (one free slot each), the 8th on CPU 0's list
    }
    assertThat(slub.freeOnNodePartial(c)).isEqualTo(7);
    // 9 slabs of 16: 144 slots, 7 free on the node's slabs; the CPU list's free slot counts as active
    assertThat(SlabInfo.render(slub)).endsWith(SlabInfo.line("kmalloc-256", 137, 144, 256, 16, 1, 9, 9) + "\n");
    KmemCache k = slub.caches().get(c);
    assertThat(k.name()).isEqualTo("kmalloc-256");
    assertThat(k.activeObjects()).isEqualTo(136);
    assertThat(k.objects()).isEqualTo(144);
    assertThat(k.slabs()).isEqualTo(9);
    assertThat(k.pages()).isEqualTo(9);
    assertThat(k.reclaimable()).isFalse();
    assertThat(k.allocflags()).isZero();
  }

  /** Pages from a counter. */
  static final class Fake implements SlabPages {
    long next = 1000;
    long held;

    @Override
    public long alloc(int cpu, int order, int gfp) {
      long p = next;
      next += 1L << order;
      held += 1L << order;
      return p;
    }

    @Override
    public void free(int cpu, long pfn, int order) {
      held -= 1L << order;
    }
  }
}
