package io.asisim.ephmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.mapper.Mapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * mermap and vmalloc on two CPUs: the exact flush-policy calls, addresses, alias lists and
 * allocator charges of hand-written sequences (gaps found by mutation testing,
 * docs/mutation-testing.md).
 */
class SharedWindowMapperCallsTest {
  private static final long F = Rig.FILE_PFN;

  private final Rig rig = new Rig(2, "local");
  private final RecordingFlush flush = new RecordingFlush();

  private MermapMapper mermap(int regionPages, int maxLive) {
    return new MermapMapper(rig.m.addressSpaces(), rig.m.tlb(), flush, rig.metrics, 2, regionPages, maxLive);
  }

  @Test
  void mermapBumpsThroughEachCpusWindowAndWrapsPastLivePagesAfterOneFullFlush() {
    MermapMapper m = mermap(4, 2); // cpu 0: pages 0-3, cpu 1: pages 4-7
    long a = rig.process();
    assertThat(RecordingFlush.aliases(m)).isEmpty(); // clean windows hold nothing
    long live0 = m.map(1, a, F); // page 4, kept live across the wrap
    for (int i = 1; i < 4; i++) {
      m.unmap(1, a, m.map(1, a, F + i)); // pages 5, 6, 7
    }
    long again = m.map(1, a, F + 4); // window exhausted: one full flush, page 4 is live, so page 5
    assertThat(RecordingFlush.name(live0)).isEqualTo("mermap+0x4000");
    assertThat(RecordingFlush.name(again)).isEqualTo("mermap+0x5000");
    assertThat(RecordingFlush.aliases(m)).containsExactly("1:" + a + ":mermap+0x4000:" + F + ":true",
        "1:" + a + ":mermap+0x5000:" + (F + 4) + ":true");
    assertThat(m.map(1, a, F + 5)).isEqualTo(Mapper.NO_ALIAS); // max-live 2
    m.unmap(1, 0, again); // reported with the mm that mapped it
    assertThat(RecordingFlush.aliases(m)).containsExactly("1:" + a + ":mermap+0x4000:" + F + ":true",
        "1:" + a + ":mermap+0x5000:" + (F + 4) + ":false");
    assertThat(flush.calls).containsExactly(
        "map 1 " + a + " mermap+0x4000 " + F,
        "map 1 " + a + " mermap+0x5000 " + (F + 1), "unmap 1 " + a + " mermap+0x5000 " + (F + 1),
        "map 1 " + a + " mermap+0x6000 " + (F + 2), "unmap 1 " + a + " mermap+0x6000 " + (F + 2),
        "map 1 " + a + " mermap+0x7000 " + (F + 3), "unmap 1 " + a + " mermap+0x7000 " + (F + 3),
        "full 1", "map 1 " + a + " mermap+0x5000 " + (F + 4), "unmap 1 " + a + " mermap+0x5000 " + (F + 4));
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(5);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(1);
  }

  @Test
  void mermapNeverReusesALivePageEvenOfFrameZero() {
    MermapMapper m = mermap(4, 3);
    long a = rig.process();
    long p0 = m.map(0, a, F);
    m.map(0, a, 0); // page 1, live across the wrap
    m.unmap(0, a, p0);
    m.unmap(0, a, m.map(0, a, F + 2)); // page 2
    m.unmap(0, a, m.map(0, a, F + 3)); // page 3
    assertThat(m.map(0, a, F + 4)).isEqualTo(KernelWindows.MERMAP_BASE); // wrapped: page 0
    assertThat(m.map(0, a, F + 5)).isEqualTo(KernelWindows.MERMAP_BASE + 0x2000); // page 1 is live: page 2
    assertThat(RecordingFlush.aliases(m)).containsExactly("0:" + a + ":mermap+0x0:" + (F + 4) + ":true",
        "0:" + a + ":mermap+0x1000:0:true", "0:" + a + ":mermap+0x2000:" + (F + 5) + ":true");
  }

  @Test
  void mermapWrapSkipsOnlyItsOwnLivePages() {
    MermapMapper m = mermap(4, 2);
    long a = rig.process();
    for (int i = 0; i < 3; i++) {
      m.unmap(0, a, m.map(0, a, F + i)); // cpu 0: pages 0-2 released
    }
    m.map(0, a, F + 3); // cpu 0's page 3 live
    m.map(1, a, F); // cpu 1's page 0 live
    for (int i = 1; i < 4; i++) {
      m.unmap(1, a, m.map(1, a, F + i));
    }
    assertThat(RecordingFlush.name(m.map(1, a, F + 4))).isEqualTo("mermap+0x5000"); // cpu 1's page 1
  }

  @Test
  void mermapBuildsItsWindowTablesUpFront() {
    long before = rig.m.addressSpaces().pagetablePages();
    MermapMapper m = mermap(512, 4); // 2 CPUs x 2 MiB: two PTE tables and the PMD table of its GiB
    long built = rig.m.addressSpaces().pagetablePages() - before;
    long a = rig.process();
    long afterMm = rig.m.addressSpaces().pagetablePages();
    m.map(1, a, F);
    assertThat(rig.m.addressSpaces().pagetablePages()).as("mapping allocates no table").isEqualTo(afterMm);
    assertThat(built).isEqualTo(3);
  }

  @Test
  void exitMakesNoAlias() {
    assertThat(new ExitMapper().map(0, 1, F)).isEqualTo(Mapper.NO_ALIAS);
    assertThatThrownBy(() -> new ExitMapper().unmap(0, 1, 0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mermapRejectsAnotherCpusOrAFreedPage() {
    MermapMapper m = mermap(4, 2);
    long a = rig.process();
    long v1 = m.map(1, a, F); // page 4 = cpu 1's page 0
    assertThatThrownBy(() -> m.unmap(0, a, v1)).isInstanceOf(IllegalArgumentException.class);
    m.unmap(1, a, v1);
    assertThatThrownBy(() -> m.unmap(1, a, v1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(m.map(0, a, F)).isEqualTo(KernelWindows.MERMAP_BASE); // cpu 0's window is its own
  }

  @Test
  void mermapWindowsMayFillTheirGigabyteExactly() {
    assertThatCode(() -> mermap(2, 2)).doesNotThrowAnyException(); // region-pages = max-live is allowed
    assertThatThrownBy(() -> mermap(1, 2)).isInstanceOf(IllegalArgumentException.class);
    int half = (1 << 30) / 4096 / 2; // 2 CPUs x 512 MiB = the whole 1 GiB range
    assertThatCode(() -> mermap(half, 4)).doesNotThrowAnyException();
    assertThatThrownBy(() -> mermap(half + 1, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Records the allocator's charges; the vmalloc mapper uses nothing else of ArchPageOps. */
  private static final class Charges implements ArchPageOps {
    final List<Long> cycles = new ArrayList<>();

    @Override public void charge(int cpu, long c) {
      cycles.add(c);
    }

    @Override public int nrCpus() {
      throw new UnsupportedOperationException();
    }

    @Override public void flushKernelRange(int cpu, long pfn, long count) {
      throw new UnsupportedOperationException();
    }

    @Override public long nrFrames() {
      throw new UnsupportedOperationException();
    }

    @Override public long bootReservedFrames() {
      throw new UnsupportedOperationException();
    }

    @Override public void clearPages(int cpu, long pfn, long count) {
      throw new UnsupportedOperationException();
    }

    @Override public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
      throw new UnsupportedOperationException();
    }

    @Override public boolean isRestrictedMapped(long pfn) {
      throw new UnsupportedOperationException();
    }

    @Override public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
      throw new UnsupportedOperationException();
    }

    @Override public boolean isDirectMapped(long pfn) {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * Lock 40 cycles, tree level 6, depth(n) = bit length of n. map: 2 locks + (depth(free ranges) +
   * depth(busy + lazy + 1)) levels; unmap: 2 locks + depth(busy + lazy) levels; purge: 1 lock, then
   * per lazy area depth(free ranges before its merge) levels.
   */
  @Test
  void vmallocChargesFollowTheTreeDepthsAndPurgesCoverExactlyTheLazyList() {
    Charges arch = new Charges();
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), arch, flush, rig.metrics, 2, 1 << 20, 40, 6);
    long a = rig.process();
    long v1 = vm.map(0, a, F); // free [0,N): 1 range, busy 0 -> 80 + (1 + 1) * 6
    long v2 = vm.map(1, a, F + 1); // free [2,N): 1 range, busy 1 -> 80 + (1 + 2) * 6
    assertThat(RecordingFlush.name(v1)).isEqualTo("vmalloc+0x0");
    assertThat(RecordingFlush.name(v2)).isEqualTo("vmalloc+0x2000"); // after v1's guard page
    vm.unmap(0, a, v1); // busy 2 -> 80 + 2 * 6; v2 takes v1's place in the busy list
    assertThat(RecordingFlush.aliases(vm)).containsExactly("-1:" + a + ":vmalloc+0x2000:" + (F + 1) + ":true",
        "-1:-1:vmalloc+0x0:" + F + ":false");
    vm.unmap(1, 0, v2); // busy 1 + lazy 1 -> 80 + 2 * 6; reported with the mm that mapped it
    vm.purge(0); // 40; v1's area [0,2) next to free [4,N): 1 range -> 6; v2's [2,4): 2 ranges -> 12
    assertThat(arch.cycles).containsExactly(92L, 98L, 92L, 92L, 40L, 6L, 12L);
    assertThat(vm.freeRanges()).isEqualTo(1); // merged back into one
    vm.purge(0); // nothing lazy: no flush
    vm.unmap(0, a, vm.map(0, a, F + 2)); // [0,2) again
    vm.purge(1); // the earlier purge's entries are gone: only this area
    assertThat(RecordingFlush.aliases(vm)).isEmpty();
    assertThat(flush.calls).containsExactly(
        "map 0 " + a + " vmalloc+0x0 " + F, "map 1 " + a + " vmalloc+0x2000 " + (F + 1),
        "unmap 0 " + a + " vmalloc+0x0 " + F, "unmap 1 " + a + " vmalloc+0x2000 " + (F + 1),
        "global 0 vmalloc+0x0 x4",
        "map 0 " + a + " vmalloc+0x0 " + (F + 2), "unmap 0 " + a + " vmalloc+0x0 " + (F + 2),
        "global 1 vmalloc+0x0 x2");
    assertThat(rig.metrics.get("vmap_purges")).isEqualTo(2);
  }

  @Test
  void vmallocChargesCountLazyAreasInTheBusyDepth() {
    Charges arch = new Charges();
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), arch, flush, rig.metrics, 2, 1 << 20, 40, 6);
    long a = rig.process();
    vm.unmap(0, a, vm.map(0, a, F)); // 80 + (1 + 1) * 6, then 80 + depth(1) * 6
    vm.map(0, a, F + 1); // busy 0 + lazy 1 + 1 = 2: 80 + (1 + 2) * 6
    assertThat(arch.cycles).containsExactly(92L, 86L, 98L);
  }

  @Test
  void vmallocFallsBackAndFreesTheAreaWhenNoTablePageIsLeft() {
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.m, flush, rig.metrics, 2, 1 << 20, 40, 6);
    long a = rig.process();
    rig.m.setTablePageSource(io.asisim.fixtures.BumpTablePages.exhausted());
    assertThat(vm.map(0, a, F)).isEqualTo(Mapper.NO_ALIAS); // VMALLOC_START's PTE table cannot be built
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(1);
    rig.m.setTablePageSource(io.asisim.fixtures.BumpTablePages.aboveBootReservation(rig.m));
    assertThat(RecordingFlush.name(vm.map(0, a, F))).isEqualTo("vmalloc+0x0"); // the area went back
    assertThat(flush.calls).containsExactly("map 0 " + a + " vmalloc+0x0 " + F);
  }

  /**
   * {@code alloc_vmap_area()}'s overflow path in a range of 6 pages (three areas with their guard
   * pages): a full range with lazily freed areas purges them and retries once; a full range with
   * nothing lazy to purge falls back, flushing nothing.
   */
  @Test
  void vmallocPurgesAndRetriesOnceWhenTheRangeIsFullAndFallsBackWhenNothingIsLazy() {
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.m, flush, rig.metrics, 2, 1 << 20,
        40, 6, 6);
    long a = rig.process();
    long v0 = vm.map(0, a, F);
    long v1 = vm.map(0, a, F + 1);
    long v2 = vm.map(0, a, F + 2);
    assertThat(RecordingFlush.name(v2)).isEqualTo("vmalloc+0x4000");
    assertThat(vm.map(0, a, F + 3)).as("full, nothing lazy").isEqualTo(Mapper.NO_ALIAS);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(1);
    assertThat(rig.metrics.get("vmap_purges")).isZero();
    vm.unmap(1, a, v0); // lazily: 2 pages, far below lazy_max_pages
    long again = vm.map(0, a, F + 4); // overflow: purge [0, 0x2000), retry finds offset 0
    assertThat(RecordingFlush.name(again)).isEqualTo("vmalloc+0x0");
    assertThat(rig.metrics.get("vmap_purges")).isEqualTo(1);
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(1);
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(4);
    assertThat(flush.calls).containsExactly(
        "map 0 " + a + " vmalloc+0x0 " + F, "map 0 " + a + " vmalloc+0x2000 " + (F + 1),
        "map 0 " + a + " vmalloc+0x4000 " + (F + 2), "unmap 1 " + a + " vmalloc+0x0 " + F,
        "global 0 vmalloc+0x0 x2", "map 0 " + a + " vmalloc+0x0 " + (F + 4));
    assertThat(RecordingFlush.aliases(vm)).containsExactlyInAnyOrder(
        "-1:" + a + ":vmalloc+0x2000:" + (F + 1) + ":true", "-1:" + a + ":vmalloc+0x4000:" + (F + 2) + ":true",
        "-1:" + a + ":vmalloc+0x0:" + (F + 4) + ":true");
    assertThat(vm.map(0, a, F + 5)).as("full again, the purge list empty").isEqualTo(Mapper.NO_ALIAS);
    assertThat(rig.metrics.get("vmap_purges")).isEqualTo(1);
    assertThat(RecordingFlush.name(v1)).isEqualTo("vmalloc+0x2000");
  }

  @Test
  void vmallocKeepsManyLiveAndLazyAreas() {
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.m, flush, rig.metrics, 2, 1 << 20, 40, 6);
    long a = rig.process();
    long[] va = new long[20];
    for (int i = 0; i < 20; i++) {
      va[i] = vm.map(0, a, F + i);
    }
    assertThat(RecordingFlush.aliases(vm)).hasSize(20).allMatch(s -> s.endsWith(":true"));
    for (int i = 19; i >= 0; i--) {
      vm.unmap(0, a, va[i]);
    }
    assertThatThrownBy(() -> vm.unmap(0, a, va[5])).isInstanceOf(IllegalArgumentException.class); // lazy, not busy
    assertThat(vm.lazyPages()).isEqualTo(40);
    vm.purge(0);
    assertThat(flush.calls).last().isEqualTo("global 0 vmalloc+0x0 x40");
  }
}
