package io.asisim.ephmap;

import io.asisim.api.kernel.ExposureScan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** kmap_local across a context switch to a task of another mm (exit-always switching). */
class KmapLocalMapperTest {
  private static final long F = Rig.FILE_PFN;
  private static final long G = Rig.FILE_PFN + 1;
  private static final long TASK_A = 100;
  private static final long TASK_B = 200;

  @Test
  void contextSwitchToAnotherMmUnmapsAndRestores() {
    Rig rig = new Rig(1, "local");
    KmapLocalMapper k = new KmapLocalMapper(rig.m.addressSpaces(), rig.flush, rig.metrics, 1);
    ExposureScan scan = new ExposureScan(rig.m, k, rig);
    long a = rig.process();
    long b = rig.process();
    rig.openFile(a, F);
    rig.openFile(b, G);
    rig.run(0, a);
    long va = k.map(0, a, F);
    assertThat(va).isEqualTo(KmapLocalMapper.slotVa(0, 0));
    assertThat(rig.m.tlb().access(0, va, false, rig.site)).isEqualTo(F);
    // the fixmap is shared: while A's slot is mapped, B's restricted space reaches F too
    assertThat(rig.m.addressSpaces().translate(b, true, va)).isEqualTo(F);

    k.schedOut(0, TASK_A); // preempted inside the kmap_local section
    rig.run(0, b);
    assertThat(rig.m.addressSpaces().translate(b, true, va)).isEqualTo(-1);
    assertThat(scan.scan()).as(scan.toString()).isZero(); // A's stale entry sits in A's ASID: B cannot use it
    k.schedIn(0, TASK_B); // B had nothing mapped
    assertThat(k.depth(0)).isZero();
    long vb = k.map(0, b, G);
    assertThat(vb).isEqualTo(va); // B's stack starts at slot 0 too
    assertThat(rig.m.tlb().access(0, vb, false, rig.site)).isEqualTo(G);
    k.unmap(0, b, vb);
    k.schedOut(0, TASK_B);

    rig.run(0, a);
    k.schedIn(0, TASK_A);
    assertThat(k.depth(0)).isEqualTo(1);
    assertThat(rig.m.addressSpaces().translate(a, true, va)).isEqualTo(F);
    assertThat(rig.m.tlb().access(0, va, false, rig.site)).isEqualTo(F);
    k.unmap(0, a, va);
    assertThat(k.depth(0)).isZero();
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(2); // restores are not new aliases
    // exits: only the two switches while restricted (A -> B, B -> A); never a page fault
    assertThat(rig.metrics.get("asi_exits.page_fault")).isZero();
    assertThat(rig.metrics.get("asi_exits.context_switch")).isEqualTo(2);
  }

  @Test
  void slotsNestAsAStack() {
    Rig rig = new Rig(1, "local");
    KmapLocalMapper k = new KmapLocalMapper(rig.m.addressSpaces(), rig.flush, rig.metrics, 1);
    long a = rig.process();
    for (int i = 0; i < KmapLocalMapper.KM_MAX_IDX; i++) {
      assertThat(k.map(0, a, F + i)).isEqualTo(KmapLocalMapper.slotVa(0, i));
    }
    assertThatThrownBy(() -> k.map(0, a, G)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> k.unmap(0, a, KmapLocalMapper.slotVa(0, 0))).isInstanceOf(IllegalStateException.class);
    for (int i = KmapLocalMapper.KM_MAX_IDX - 1; i >= 0; i--) {
      k.unmap(0, a, KmapLocalMapper.slotVa(0, i));
    }
    assertThat(k.depth(0)).isZero();
  }
}
