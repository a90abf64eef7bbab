package io.asisim.ephmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The free-range allocator against a reference model: one boolean per page, first fit by scanning. */
class VmapFreeTreeTest {
  @Test
  void matchesAReferenceModel() {
    int pages = 512;
    SplittableRandom rnd = new SplittableRandom(42);
    VmapFreeTree tree = new VmapFreeTree(pages);
    boolean[] used = new boolean[pages];
    List<long[]> live = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      if (live.isEmpty() || rnd.nextInt(3) > 0) {
        int len = 1 + rnd.nextInt(8);
        long expected = firstFit(used, len);
        long got = tree.allocLowest(len);
        assertThat(got).isEqualTo(expected);
        if (got >= 0) {
          for (long p = got; p < got + len; p++) {
            used[(int) p] = true;
          }
          live.add(new long[] {got, len});
        }
      } else {
        long[] r = live.remove(rnd.nextInt(live.size()));
        tree.free(r[0], r[1]);
        for (long p = r[0]; p < r[0] + r[1]; p++) {
          used[(int) p] = false;
        }
      }
      long free = 0;
      int runs = 0;
      for (int p = 0; p < pages; p++) {
        if (!used[p]) {
          free++;
          if (p == 0 || used[p - 1]) {
            runs++;
          }
        }
      }
      assertThat(tree.freePages()).isEqualTo(free);
      assertThat(tree.size()).as("free ranges are fully coalesced").isEqualTo(runs);
    }
  }

  private static long firstFit(boolean[] used, int len) {
    int run = 0;
    for (int p = 0; p < used.length; p++) {
      run = used[p] ? 0 : run + 1;
      if (run == len) {
        return p - len + 1;
      }
    }
    return -1;
  }
}
