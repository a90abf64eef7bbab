package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** mm ids are reused lowest-first, like pids, and a reused id starts with no TLB state. */
class MmIdRecyclingTest {
  private final Metrics metrics = new Metrics();
  private final X86Machine m = TestMachines.build("sapphire-rapids", 2, true, metrics);
  private final AddressSpaces as = m.addressSpaces();

  @Test
  void destroyedIdsAreReusedLowestFirst() {
    long a = as.mmCreate(0);
    long b = as.mmCreate(0);
    long c = as.mmCreate(0);
    assertThat(new long[] {a, b, c}).containsExactly(1, 2, 3);
    as.mmDestroy(0, c);
    as.mmDestroy(0, a);
    assertThat(as.mmCreate(0)).isEqualTo(1); // the lowest free id, not the last freed one
    assertThat(as.mmCreate(0)).isEqualTo(3);
    assertThat(as.mmCreate(0)).isEqualTo(4);
  }

  @Test
  void churnKeepsTheTableAsLargeAsTheLiveMms() {
    long tables = as.pagetablePages();
    for (int i = 0; i < 1000; i++) {
      long mm = as.mmCreate(0);
      assertThat(mm).isEqualTo(1);
      as.mmDestroy(0, mm);
    }
    assertThat(as.pagetablePages()).isEqualTo(tables);
  }

  @Test
  void aReusedIdHasNoCpumaskNoAsidAndNoTranslations() {
    long mm = as.mmCreate(0);
    as.switchMm(1, mm);
    assertThat(as.mapUser(1, mm, 0x1000, 9000, true)).isTrue();
    assertThat(m.tlb().access(1, 0x1000, false, 0)).isEqualTo(9000);
    as.switchMm(1, AddressSpaces.INIT_MM);
    as.mmDestroy(0, mm);
    assertThatThrownBy(() -> as.translate(mm, false, 0x1000)).isInstanceOf(IllegalArgumentException.class);

    long again = as.mmCreate(0);
    assertThat(again).isEqualTo(mm);
    assertThat(m.tlb().mmCpumask(again).isEmpty()).isTrue();
    assertThat(as.translate(again, false, 0x1000)).isEqualTo(-1);
    as.switchMm(1, again);
    // the old mm's TLB entry for 0x1000 went with its ASID at destroy: the access faults now
    assertThat(m.tlb().access(1, 0x1000, false, 0)).isEqualTo(TlbOps.FAULT);
  }
}
