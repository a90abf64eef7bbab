package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The open-addressing map against java.util.HashMap under random puts and removes (backward-shift deletion). */
class PfnMapTest {
  @Test
  void agreesWithHashMap() {
    SplittableRandom rnd = new SplittableRandom(42);
    PfnMap map = new PfnMap(4);
    Map<Long, Long> ref = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      // a small key space forces long probe runs, collisions and wrap-around at the table's end
      long key = rnd.nextInt(3000) * (rnd.nextBoolean() ? 1L : 1L << 20);
      int op = rnd.nextInt(3);
      if (op == 0) {
        long v = rnd.nextLong(1L << 50);
        map.put(key, v);
        ref.put(key, v);
      } else if (op == 1) {
        Long want = ref.remove(key);
        assertThat(map.remove(key)).isEqualTo(want == null ? PfnMap.MISSING : want);
      } else {
        Long want = ref.get(key);
        assertThat(map.get(key)).isEqualTo(want == null ? PfnMap.MISSING : want);
      }
      assertThat(map.size()).isEqualTo(ref.size());
    }
    int seen = 0;
    for (int s = 0; s < map.capacity(); s++) {
      long k = map.keyAt(s);
      if (k >= 0) {
        assertThat(map.valueAt(s)).isEqualTo(ref.get(k));
        seen++;
      }
    }
    assertThat(seen).isEqualTo(ref.size());
  }
}
