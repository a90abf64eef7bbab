package io.asisim.ephmap;

import io.asisim.api.kernel.ExposureScan;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.AliasVisitor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmallocMapperTest {
  private static final long F = Rig.FILE_PFN;

  @Test
  void lazyMaxPagesIsFlsOfCpusTimes32MiB() {
    assertThat(VmallocMapper.lazyMaxPages(1, 32L << 20)).isEqualTo(8192); // fls(1) = 1
    assertThat(VmallocMapper.lazyMaxPages(2, 32L << 20)).isEqualTo(16384); // fls(2) = 2
    assertThat(VmallocMapper.lazyMaxPages(4, 32L << 20)).isEqualTo(24576); // fls(4) = 3
    assertThat(VmallocMapper.lazyMaxPages(64, 32L << 20)).isEqualTo(57344); // fls(64) = 7
  }

  /**
   * 2 CPUs, lazy-bytes 16 KiB: lazy_max_pages = fls(2) * 4 = 8; each one-page vmap area is 2 pages
   * with its guard, so the 5th vunmap takes vmap_lazy_nr to 10 > 8 and purges. Process A on CPU 0
   * reads and closes F..F+3: each closed frame stays cached on CPU 0 in A's restricted PCID (4
   * exposures) until the 5th read's purge, after which none remain. The purge range spans the 5
   * areas = 10 pages (below the ceiling of 33): one page-by-page flush on both CPUs, one IPI.
   */
  @Test
  void exposuresUntilThePurgeAndNoneAfter() {
    Rig rig = new Rig(2, "local");
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.m, rig.flush, rig.metrics, 2,
        16 << 10, 40, 6);
    ExposureScan scan = new ExposureScan(rig.m, vm, rig);
    assertThat(vm.lazyMaxPages()).isEqualTo(8);
    long a = rig.process();
    rig.run(0, a);
    for (int i = 0; i < 4; i++) {
      rig.openFile(a, F + i);
      assertThat(rig.read(vm, 0, a, F + i)).isEqualTo(F + i);
      rig.closeFile(0, a, F + i);
    }
    assertThat(vm.lazyPages()).isEqualTo(8);
    assertThat(scan.scan()).as(scan.toString()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(scan.isExposed(0, F + i)).isTrue();
    }
    List<Boolean> lazy = new ArrayList<>();
    vm.forEachAlias((cpu, mm, va, pfn, live) -> lazy.add(live));
    assertThat(lazy).containsExactly(false, false, false, false);
    assertThat(rig.metrics.get("vmap_purges")).isZero();
    assertThat(rig.ipis()).isZero();

    rig.openFile(a, F + 4);
    assertThat(rig.read(vm, 0, a, F + 4)).isEqualTo(F + 4);
    assertThat(rig.metrics.get("vmap_purges")).isEqualTo(1);
    assertThat(vm.lazyPages()).isZero();
    assertThat(rig.ipis()).isEqualTo(1);
    rig.closeFile(0, a, F + 4);
    assertThat(scan.scan()).as(scan.toString()).isZero();
    assertThat(vm.freeRanges()).isEqualTo(1); // every area merged back into one free range
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(5);
    assertThat(rig.metrics.get("asi_exits")).isZero();
  }

  /** A live vmalloc alias is in the shared kernel area: another process's restricted space reaches it. */
  @Test
  void liveAliasIsVisibleToEveryMm() {
    Rig rig = new Rig(2, "local");
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.m, rig.flush, rig.metrics, 2,
        32L << 20, 40, 6);
    ExposureScan scan = new ExposureScan(rig.m, vm, rig);
    long a = rig.process();
    long b = rig.process();
    rig.openFile(a, F);
    rig.run(0, a);
    rig.run(1, b);
    long va = vm.map(0, a, F);
    assertThat(va).isEqualTo(AddressSpaces.VMALLOC_START); // lowest match in an empty area
    assertThat(rig.m.addressSpaces().translate(b, true, va)).isEqualTo(F);
    assertThat(scan.scan()).isEqualTo(1);
    assertThat(scan.isExposed(1, F)).isTrue(); // CPU 1 runs B, which may not read F
    vm.unmap(0, a, va);
    assertThat(rig.m.addressSpaces().translate(b, true, va)).isEqualTo(-1);
    assertThat(vm.map(0, a, F + 1)).as("lazily freed space is not reused before the purge")
        .isEqualTo(AddressSpaces.VMALLOC_START + 2 * 4096);
  }

  /** The allocator's walk and lock costs: map charges 2 locks + depth(free tree) + depth(busy tree) levels. */
  @Test
  void mapChargesLockAndTreeWalk() {
    Rig rig = new Rig(1, "local");
    VmallocMapper vm = new VmallocMapper(rig.m.addressSpaces(), rig.m.tlb(), rig.m, rig.flush, rig.metrics, 1,
        32L << 20, 40, 6);
    long a = rig.process();
    rig.run(0, a);
    long before = rig.m.cycles(0);
    long va = vm.map(0, a, F);
    long pte = rig.m.profile().get(io.asisim.api.machine.Cost.PTE_WRITE);
    // free tree 1 node (depth 1), busy tree 0 + 1 (depth 1): 2 * 40 + 2 * 6, plus one PTE write; the
    // PTE table under VMALLOC_START had to be allocated (its cost is the table's PTE write only)
    assertThat(rig.m.cycles(0) - before).isEqualTo(2 * 40 + 2 * 6 + pte);
    AliasVisitor none = (c, m, v, p, l) -> { };
    vm.forEachAlias(none);
    vm.unmap(0, a, va);
  }
}
