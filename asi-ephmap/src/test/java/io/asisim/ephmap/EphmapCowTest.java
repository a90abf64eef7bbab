package io.asisim.ephmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.Mapper;
import org.junit.jupiter.api.Test;

/**
 * Copy-on-write of a user page: {@code copy_user_highpage()} needs the source and the destination
 * mapped at once. With one ephmap slot per CPU per mm the second mapping is refused and the copy
 * touches the destination through the direct map, which faults and exits ASI; with two, no exit.
 */
class EphmapCowTest {
  private static final long SRC = Rig.FILE_PFN + 10;
  private static final long DST = Rig.FILE_PFN + 11;

  private Rig cow(int slots) {
    Rig rig = new Rig(1, "local");
    EphmapMapper e = new EphmapMapper(rig.m.addressSpaces(), rig.flush, rig.metrics, 1, slots);
    int cowSite = rig.m.asi().exitSite("cow");
    long a = rig.process();
    rig.run(0, a);
    long src = e.map(0, a, SRC);
    long dst = e.map(0, a, DST);
    assertThat(rig.m.tlb().access(0, src, false, cowSite)).isEqualTo(SRC);
    long dstVa = dst == Mapper.NO_ALIAS ? AddressSpaces.directMapVa(DST) : dst;
    assertThat(rig.m.tlb().access(0, dstVa, true, cowSite)).isEqualTo(DST);
    if (dst != Mapper.NO_ALIAS) {
      e.unmap(0, a, dst);
    }
    e.unmap(0, a, src);
    return rig;
  }

  @Test
  void oneSlotFallsBackToExit() {
    Rig rig = cow(1);
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(1);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(1);
    assertThat(rig.metrics.get("asi_exits")).isEqualTo(1);
    assertThat(rig.metrics.get("asi_exits.page_fault")).isEqualTo(1);
    assertThat(rig.metrics.get("asi_exit_sites.cow")).isEqualTo(1);
  }

  @Test
  void twoSlotsDoNotExit() {
    Rig rig = cow(2);
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(2);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isZero();
    assertThat(rig.metrics.get("asi_exits")).isZero();
  }

  @Test
  void slotsArePerMmAndPerCpu() {
    Rig rig = new Rig(2, "local");
    EphmapMapper e = new EphmapMapper(rig.m.addressSpaces(), rig.flush, rig.metrics, 2, 1);
    long a = rig.process();
    long b = rig.process();
    long va = e.map(0, a, SRC);
    assertThat(e.map(0, b, DST)).as("another mm has its own region").isEqualTo(va);
    assertThat(e.map(1, a, DST)).as("another CPU has its own slot")
        .isEqualTo(rig.m.addressSpaces().mmLocalSlotVa(1, 0));
    assertThat(e.map(0, a, DST)).isEqualTo(Mapper.NO_ALIAS);
    assertThat(e.map(0, AddressSpaces.INIT_MM, DST)).as("kthreads have no mm").isEqualTo(Mapper.NO_ALIAS);
    assertThat(rig.m.addressSpaces().translate(a, true, va)).isEqualTo(SRC);
    assertThat(rig.m.addressSpaces().translate(b, true, va)).isEqualTo(DST);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(2);
    int[] live = new int[1];
    e.forEachAlias((cpu, mm, v, pfn, l) -> live[0]++);
    assertThat(live[0]).isEqualTo(3);
  }
}
