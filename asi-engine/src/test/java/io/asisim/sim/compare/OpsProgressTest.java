package io.asisim.sim.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many runs' progress as one count of ops: runs not started are estimated at the mean known total. */
class OpsProgressTest {
  @Test
  void sumsOpsDoneAndEstimatesRunsNotStartedYet() {
    List<long[]> seen = new ArrayList<>();
    OpsProgress p = new OpsProgress(3, (d, t) -> seen.add(new long[] {d, t}));
    p.run(0).progress(100, 1000);
    p.run(1).progress(50, 500);
    p.finished(0);
    p.run(2).progress(10, 200);
    p.finished(1);
    p.finished(2);
    // known totals 1000 (+ 2 x 1000 estimated), then 1500 (+ 750), then exact
    assertThat(seen).containsExactly(new long[] {100, 3000}, new long[] {150, 2250}, new long[] {1050, 2250},
        new long[] {1060, 1700}, new long[] {1510, 1700}, new long[] {1700, 1700});
  }
}
