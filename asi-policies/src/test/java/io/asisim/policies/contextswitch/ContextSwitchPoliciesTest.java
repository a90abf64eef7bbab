package io.asisim.policies.contextswitch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContextSwitchPoliciesTest {
  private static final long MM_A = 1;
  private static final long MM_B = 2;

  @Test
  void exitAlwaysExitsOnEverySwitch() {
    ExitAlwaysPolicy p = new ExitAlwaysPolicy();
    assertThat(p.mustExit(MM_A, MM_A)).isTrue();
    assertThat(p.mustExit(MM_A, MM_B)).isTrue();
  }

  @Test
  void sameMmStaysAcrossAKthreadRoundTripAndExitsOnMmChange() {
    SameMmPolicy p = new SameMmPolicy();
    // task of A -> kthread (borrows A as active_mm) -> task of A: no exit
    assertThat(p.mustExit(MM_A, MM_A)).isFalse();
    assertThat(p.mustExit(MM_A, MM_A)).isFalse();
    // -> task of B: the restricted address space belongs to A, so exit
    assertThat(p.mustExit(MM_A, MM_B)).isTrue();
  }
}
