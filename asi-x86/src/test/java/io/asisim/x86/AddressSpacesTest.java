package io.asisim.x86;

import static io.asisim.api.machine.AddressSpaces.directMapVa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Boot page tables, direct-map splits, the restricted map, mm-local and shared kernel areas. */
class AddressSpacesTest {
  private Metrics metrics;
  private X86Machine m;

  private void boot(long memory, int cpus, boolean asi) {
    metrics = new Metrics();
    m = TestMachines.build("sapphire-rapids", memory, cpus, asi, X86Options.DEFAULT, metrics);
  }

  @Test
  void bootTablesOf64MiB() {
    boot(64L << 20, 2, true);
    // init_mm PGD 1 + direct-map PUD 1 + PMD 1 (32 x 2M leaves: 64 MiB is under 1 GiB)
    // + 64 vmalloc PUDs (32 TiB / 512 GiB) + restricted PGD 1 + PUD 1 + PMD 1 = 70
    assertThat(metrics.get("pagetable_pages")).isEqualTo(70);
    // the first 1 MiB, the 32 MiB image at 16 MiB, 70 boot table pages, 1024 spares
    assertThat(m.bootReservedFrames()).isEqualTo(256 + 8192 + 70 + 1024);
    assertThat(m.addressSpaces().leafShift(AddressSpaces.INIT_MM, false, directMapVa(100))).isEqualTo(21);
    boot(64L << 20, 2, false);
    assertThat(metrics.get("pagetable_pages")).isEqualTo(67);
  }

  @Test
  void oneTebibyteMachineBootsInAFewMegabytes() {
    boot(1L << 40, 8, true);
    // PGD 1 + direct-map PUDs 2 (1024 x 1G leaves) + vmalloc PUDs 64 + restricted PGD 1 +
    // restricted PUDs 2 + restricted PMD tables 1024 (one per GiB, every entry empty)
    assertThat(metrics.get("pagetable_pages")).isEqualTo(1094);
    assertThat(m.nrFrames()).isEqualTo(1L << 28);
    assertThat(m.addressSpaces().leafShift(AddressSpaces.INIT_MM, false, directMapVa(m.nrFrames() - 1))).isEqualTo(30);
    assertThat(m.isRestrictedMapped(m.nrFrames() - 1)).isFalse();
    // the zeroed bitset (1 bit per frame = 32 MiB) dominates: well under a byte per frame
    assertThat(m.arrayBytes()).isLessThan(m.nrFrames() / 4);
  }

  @Test
  void directMapUses1GLeavesAndSplitsOnDemand() {
    boot(2L << 30, 1, true);
    AddressSpaces as = m.addressSpaces();
    assertThat(as.leafShift(AddressSpaces.INIT_MM, false, directMapVa(5))).isEqualTo(30);
    long tables = metrics.get("pagetable_pages");
    m.setDirectMapped(0, 5, 1, false); // 1G -> 2M (split 1), 2M -> 4K (split 2)
    assertThat(metrics.get("direct_map_splits")).isEqualTo(2);
    assertThat(metrics.get("pagetable_pages")).isEqualTo(tables + 2);
    assertThat(m.isDirectMapped(5)).isFalse();
    assertThat(m.isDirectMapped(4)).isTrue();
    assertThat(m.isDirectMapped(6)).isTrue();
    assertThat(as.leafShift(AddressSpaces.INIT_MM, false, directMapVa(4))).isEqualTo(12);
    assertThat(as.leafShift(AddressSpaces.INIT_MM, false, directMapVa(512))).isEqualTo(21);
    assertThat(as.leafShift(AddressSpaces.INIT_MM, false, directMapVa(1L << 18))).isEqualTo(30);
    assertThat(as.translate(AddressSpaces.INIT_MM, false, directMapVa(700))).isEqualTo(700);
    // a whole aligned 2M block changes its leaf in place: no further split
    m.setDirectMapped(0, 1024, 512, false);
    assertThat(metrics.get("direct_map_splits")).isEqualTo(2);
    assertThat(m.isDirectMapped(1024)).isFalse();
    assertThat(m.isDirectMapped(1535)).isFalse();
    assertThat(m.isDirectMapped(1536)).isTrue();
    m.setDirectMapped(0, 5, 1, true);
    assertThat(m.isDirectMapped(5)).isTrue();
  }

  @Test
  void restrictedDirectMapIsEmptyAtBootAndPageblockGranular() {
    boot(64L << 20, 1, true);
    for (long pfn = 0; pfn < m.nrFrames(); pfn += 97) {
      assertThat(m.isRestrictedMapped(pfn)).isFalse();
    }
    m.setRestrictedMapped(0, 10240, 512, true);
    assertThat(m.isRestrictedMapped(10239)).isFalse();
    assertThat(m.isRestrictedMapped(10240)).isTrue();
    assertThat(m.isRestrictedMapped(10751)).isTrue();
    assertThat(m.isRestrictedMapped(10752)).isFalse();
    assertThat(metrics.get("restricted_map_splits")).isZero();
    long mm = m.addressSpaces().mmCreate(0);
    assertThat(m.addressSpaces().leafShift(mm, true, directMapVa(10300))).isEqualTo(21);
    // a finer change splits the PMD into a PTE table (one table page)
    long tables = metrics.get("pagetable_pages");
    m.setRestrictedMapped(0, 11264 + 3, 1, true);
    assertThat(metrics.get("restricted_map_splits")).isEqualTo(1);
    assertThat(metrics.get("pagetable_pages")).isEqualTo(tables + 1);
    assertThat(m.isRestrictedMapped(11267)).isTrue();
    assertThat(m.isRestrictedMapped(11266)).isFalse();
    assertThat(m.addressSpaces().leafShift(mm, true, directMapVa(11267))).isEqualTo(12);
    // unmapping a whole block that was split clears its PTEs (no re-split)
    m.setRestrictedMapped(0, 11264, 512, false);
    assertThat(m.isRestrictedMapped(11267)).isFalse();
    assertThat(metrics.get("restricted_map_splits")).isEqualTo(1);
    m.setRestrictedMapped(0, 10240, 512, false);
    assertThat(m.isRestrictedMapped(10240)).isFalse();
  }

  @Test
  void asiOffHasNoRestrictedMap() {
    boot(64L << 20, 1, false);
    m.setRestrictedMapped(0, 10240, 512, true);
    assertThat(m.isRestrictedMapped(10240)).isFalse();
  }

  @Test
  void userHalfIsSharedAndKernelAreaVisibleRestricted() {
    boot(64L << 20, 2, true);
    AddressSpaces as = m.addressSpaces();
    long a = as.mmCreate(0);
    long b = as.mmCreate(0);
    as.mapUser(0, a, 0x10000, 12345, true);
    assertThat(as.translate(a, false, 0x10000)).isEqualTo(12345);
    assertThat(as.translate(a, true, 0x10000)).isEqualTo(12345);
    assertThat(as.translate(b, false, 0x10000)).isEqualTo(-1);
    long kva = AddressSpaces.VMALLOC_START + (7L << 12);
    as.mapKernel(0, kva, 13000);
    assertThat(as.translate(a, true, kva)).isEqualTo(13000);
    assertThat(as.translate(b, true, kva)).isEqualTo(13000);
    assertThat(as.translate(AddressSpaces.INIT_MM, false, kva)).isEqualTo(13000);
    assertThat(as.unmapKernel(0, kva)).isEqualTo(13000);
    assertThat(as.translate(a, true, kva)).isEqualTo(-1);
    assertThat(as.unmapUser(0, a, 0x10000)).isEqualTo(12345);
    assertThat(as.translate(a, true, 0x10000)).isEqualTo(-1);
  }

  @Test
  void mmLocalSlotsArePreallocatedPerMm() {
    boot(64L << 20, 2, true);
    AddressSpaces as = m.addressSpaces();
    long base = metrics.get("pagetable_pages");
    long a = as.mmCreate(0);
    // PGD + restricted PGD + mm-local PUD + PMD + one PTE table (2 cpus x 2 slots)
    assertThat(metrics.get("pagetable_pages")).isEqualTo(base + 5);
    long b = as.mmCreate(0);
    long va = as.mmLocalSlotVa(1, 1);
    assertThat(va).isEqualTo(AddressSpaces.MM_LOCAL_START + 3 * 4096L);
    as.mapMmLocal(1, a, va, 14000);
    assertThat(metrics.get("pagetable_pages")).isEqualTo(base + 10); // nothing allocated
    assertThat(as.translate(a, true, va)).isEqualTo(14000);
    assertThat(as.translate(a, false, va)).isEqualTo(14000);
    assertThat(as.translate(b, true, va)).isEqualTo(-1);
    assertThat(as.unmapMmLocal(1, a, va)).isEqualTo(14000);
    assertThat(as.translate(a, true, va)).isEqualTo(-1);
    as.mapUser(0, a, 0x7000_0000_0000L, 15000, true); // user PUD + PMD + PTE
    assertThat(metrics.get("pagetable_pages")).isEqualTo(base + 13);
    as.mmDestroy(0, a);
    assertThat(metrics.get("pagetable_pages")).isEqualTo(base + 5);
    assertThatThrownBy(() -> as.translate(a, false, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restrictedTlbEnumerationReportsRestrictedPcidEntriesOnly() {
    boot(64L << 20, 2, true);
    AddressSpaces as = m.addressSpaces();
    long mm = as.mmCreate(0);
    as.mapUser(0, mm, 0x200000, 12001, true);
    long slot = as.mmLocalSlotVa(0, 0);
    as.mapMmLocal(0, mm, slot, 12002);
    m.setRestrictedMapped(0, 10240, 512, true);
    as.switchMm(0, mm);
    m.asi().asiEnter(0);
    m.tlb().access(0, 0x200000, false, 0);
    m.tlb().access(0, slot, false, 0);
    m.tlb().access(0, directMapVa(10241), false, 0);
    m.tlb().access(0, directMapVa(12500), false, 0); // sensitive: exits, entry in the unrestricted PCID
    List<String> seen = new ArrayList<>();
    m.tlb().forEachRestrictedEntry(0, (cpu, owner, va, pfn, shift) ->
        seen.add(owner + ":" + Long.toHexString(va) + ":" + pfn + ":" + shift));
    assertThat(seen).containsExactlyInAnyOrder(
        mm + ":200000:12001:12",
        mm + ":" + Long.toHexString(slot) + ":12002:12",
        mm + ":" + Long.toHexString(directMapVa(10240)) + ":10240:21");
    assertThat(m.tlb().validEntries(0)).isEqualTo(4);
    // a local flush of the slot removes it from both PCIDs
    m.tlb().flushOne(0, slot);
    seen.clear();
    m.tlb().forEachRestrictedEntry(0, (cpu, owner, va, pfn, shift) -> seen.add(Long.toHexString(va)));
    assertThat(seen).hasSize(2);
    m.asi().asiExit(0, AsiExitReason.MISC, 0);
  }

  @Test
  void switchingMmWhileRestrictedIsRefused() {
    boot(64L << 20, 1, true);
    long a = m.addressSpaces().mmCreate(0);
    long b = m.addressSpaces().mmCreate(0);
    m.addressSpaces().switchMm(0, a);
    m.asi().asiEnter(0);
    assertThatThrownBy(() -> m.addressSpaces().switchMm(0, b)).isInstanceOf(IllegalStateException.class);
    m.addressSpaces().switchMm(0, a); // same mm: no-op, allowed
    assertThatThrownBy(() -> m.addressSpaces().mmDestroy(0, a)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void clearPagesMarksFramesZeroedUntilWritten() {
    boot(64L << 20, 1, false);
    assertThat(m.isZeroed(12000)).isFalse();
    long c = m.cycles(0);
    m.clearPages(0, 12000, 4);
    assertThat(m.cycles(0) - c).isEqualTo(4 * 300);
    assertThat(metrics.get("pages_zeroed")).isEqualTo(4);
    assertThat(m.isZeroed(12003)).isTrue();
    m.tlb().access(0, directMapVa(12001), false, 0);
    assertThat(m.isZeroed(12001)).isTrue();
    m.tlb().access(0, directMapVa(12001), true, 0);
    assertThat(m.isZeroed(12001)).isFalse();
  }
}
