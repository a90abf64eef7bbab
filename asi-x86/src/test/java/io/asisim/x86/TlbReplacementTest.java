package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The {@link Tlb}'s replacement and invalidation on hand-built eviction sequences (STLB 4 sets x 2
 * ways, 1 GiB array 2 x 2, L1 one set of 2 ways unless said), and the generation wrap that clears
 * entries for real: gaps found by mutation testing (docs/mutation-testing.md). Set of a 4 KiB page =
 * its page number mod 4.
 */
class TlbReplacementTest {
  private final Tlb t = TinyTlbs.small();

  @Test
  void anStlbHitRefreshesTheEntrysRecencySoTheOtherWayIsEvicted() {
    t.fill(0, 1, 0x4000, 12, 10, true, false); // A: STLB set 0 way 0, L1 way 0
    t.fill(0, 1, 0x8000, 12, 11, true, false); // B: set 0 way 1, L1 way 1
    t.fill(0, 1, 0x1000, 12, 1, true, false); // set 1; takes A's L1 way
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(10);
    assertThat(t.lastL1).as("A came from the STLB, whose LRU it refreshed").isFalse();
    t.fill(0, 1, 0xc000, 12, 12, true, false); // set 0 full: B is now the least recently used
    assertThat(t.lookup(0, 1, 0x8000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(10);
    assertThat(t.lookup(0, 1, 0xc000)).isEqualTo(12);
  }

  @Test
  void fillsEvictInFillOrderWithoutLookups() {
    for (int i = 1; i <= 4; i++) {
      t.fill(0, 1, 0x4000L * i, 12, 10 + i, true, false); // vpn 4, 8, 12, 16: all set 0
    }
    // C replaced A (oldest), D replaced B (then oldest): C and D stay
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x8000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0xc000)).isEqualTo(13);
    assertThat(t.lookup(0, 1, 0x10000)).isEqualTo(14);
  }

  @Test
  void theSecondCpusL1IsItsOwnInATwoSetL1() {
    Tlb two = new Tlb(2, TinyTlbs.geometry(8, 2, 4, 2, 4, 2)); // L1: 2 sets x 2 ways
    two.fill(1, 1, 0x5000, 12, 100, true, false); // L1 set 1
    two.fill(1, 1, 0x4000, 12, 99, true, false); // L1 set 0
    assertThat(two.lookup(1, 1, 0x5000)).isEqualTo(100);
    assertThat(two.lastL1).isTrue();
    assertThat(two.lookup(1, 1, 0x4000)).isEqualTo(99);
    assertThat(two.lastL1).isTrue();
    assertThat(two.lookup(0, 1, 0x5000)).as("cpu 0 has nothing cached").isEqualTo(-1);
    assertThat(two.lookup(0, 1, 0x4000)).isEqualTo(-1);
  }

  @Test
  void aRefillDropsTheStaleL1CopyOfItsPageAndNoOther() {
    t.fill(0, 1, 0x1000, 12, 1, true, false); // P: L1 way 0 (older)
    t.fill(0, 1, 0x4000, 12, 10, true, false); // A: STLB set 0 way 0, L1 way 1
    t.invalidate(0, 1, 0x4000, true); // the STLB entry goes; A's L1 copy stays, stale
    t.fill(0, 1, 0x4000, 12, 20, true, false); // refill: the stale copy's way is reused, P kept
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(20);
    assertThat(t.lastL1).isTrue();
    assertThat(t.lookup(0, 1, 0x1000)).isEqualTo(1);
    assertThat(t.lastL1).as("P's L1 copy survived the refill").isTrue();
  }

  @Test
  void oneGibPagesAreServedFromTheL1AfterAFillOrAnArrayHitAndMatchTheirPcidUnlessGlobal() {
    t.fill(0, 1, 0x40000000L, 30, 1 << 18, true, false);
    assertThat(t.lookup(0, 1, 0x40000000L)).isEqualTo(1 << 18);
    assertThat(t.lastL1).isTrue();
    assertThat(t.lastShift).isEqualTo(30);
    assertThat(t.lookup(0, 1, 0x40002000L)).isEqualTo((1 << 18) + 2); // another 4 KiB page: the 1 GiB array
    assertThat(t.lastL1).isFalse();
    assertThat(t.lookup(0, 1, 0x40002000L)).isEqualTo((1 << 18) + 2);
    assertThat(t.lastL1).isTrue();
    assertThat(t.lookup(0, 2, 0x40002000L)).as("another PCID").isEqualTo(-1);
    t.fill(0, 1, 0x80000000L, 30, 2 << 18, true, true);
    assertThat(t.lookup(0, 5, 0x80003000L)).as("a global 1 GiB entry matches every PCID").isEqualTo((2 << 18) + 3);
  }

  @Test
  void invalidationsProbeOnlyTheirOwnPageSizes() {
    t.fill(0, 1, 0x1000, 12, 1, true, false); // 4 KiB vpn 1: set 1
    t.fill(0, 1, 0x200000, 21, 512, true, false); // 2 MiB vpn 1: set 1 too
    t.invalidate(0, 1, 0x40000000L, true); // the 1 GiB page vpn 1: neither
    assertThat(t.lookup(0, 1, 0x1000)).isEqualTo(1);
    assertThat(t.lookup(0, 1, 0x200000)).isEqualTo(512);
    t.invalidate(0, 1, 0x1000, true); // the 4 KiB page vpn 1, not the 2 MiB one
    assertThat(t.lookup(0, 1, 0x1000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x200000)).isEqualTo(512);
    assertThat(t.validEntries(0)).isEqualTo(1);
  }

  @Test
  void aWrappedPcidGenerationClearsThatPcidOfThatCpuForReal() {
    t.fill(0, 1, 0x3000, 12, 3, true, false); // set 3 (the last ways)
    t.fill(0, 1, 0x4000, 12, 4, true, false); // set 0
    t.fill(0, 1, 0x40000000L, 30, 1 << 18, true, false);
    t.fill(0, 2, 0x5000, 12, 5, true, false);
    t.fill(0, 1, 0x6000, 12, 6, true, true); // global
    t.fill(1, 1, 0x4000, 12, 104, true, false); // cpu 1's first STLB slot
    t.fill(1, 1, 0x80000000L, 30, 2 << 18, true, false); // cpu 1's first 1 GiB slot
    int[] gen = TinyTlbs.intArray(t, "pcidGen");
    gen[1] = -1; // cpu 0, PCID 1: the next flush wraps to 0, the generation its entries carry
    t.flushPcid(0, 1);
    assertThat(t.lookup(0, 1, 0x3000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x40000000L)).isEqualTo(-1);
    assertThat(t.lookup(0, 2, 0x5000)).isEqualTo(5);
    assertThat(t.lookup(0, 1, 0x6000)).isEqualTo(6);
    assertThat(t.lookup(1, 1, 0x4000)).isEqualTo(104);
    assertThat(t.lookup(1, 1, 0x80000000L)).isEqualTo(2 << 18);
    assertThat(t.validEntries(0)).isEqualTo(2);

    t.fill(0, 1, 0x7000, 12, 7, true, false);
    t.fill(1, 3, 0x5000, 12, 105, true, false);
    gen[Tlb.NR_PCIDS + 1] = -1; // cpu 1, PCID 1
    t.flushPcid(1, 1);
    assertThat(t.lookup(1, 1, 0x4000)).isEqualTo(-1);
    assertThat(t.lookup(1, 1, 0x80000000L)).isEqualTo(-1);
    assertThat(t.lookup(1, 3, 0x5000)).isEqualTo(105);
    assertThat(t.lookup(0, 1, 0x7000)).as("cpu 0's PCID 1 is not cpu 1's").isEqualTo(7);
    gen[Tlb.NR_PCIDS] = -1; // cpu 1, PCID 0: clears PCID 0 only
    t.flushPcid(1, 0);
    assertThat(t.lookup(1, 3, 0x5000)).isEqualTo(105);
    assertThat(t.validEntries(1)).isEqualTo(1);
  }

  @Test
  void aWrappedEpochClearsEveryEntryOfThatCpuForReal() {
    t.fill(0, 1, 0x3000, 12, 3, true, false);
    t.fill(0, 1, 0x6000, 12, 6, true, true);
    t.fill(0, 1, 0x40000000L, 30, 1 << 18, true, true);
    t.fill(1, 1, 0x3000, 12, 103, true, true);
    TinyTlbs.intArray(t, "epoch")[0] = -1; // the next full flush wraps cpu 0's epoch to 0
    t.flushAll(0);
    assertThat(t.lookup(0, 1, 0x3000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x6000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x40000000L)).isEqualTo(-1);
    assertThat(t.validEntries(0)).isZero();
    assertThat(t.lookup(1, 1, 0x3000)).isEqualTo(103);
  }

  @Test
  void aBadGeometryNamesItsArray() {
    assertThatThrownBy(() -> new Tlb(1, TinyTlbs.geometry(6, 4, 4, 2, 2, 2)))
        .hasMessage("STLB entries (6) must be a positive multiple of ways (4)");
    assertThatThrownBy(() -> new Tlb(1, TinyTlbs.geometry(8, 2, 3, 2, 2, 2)))
        .hasMessage("1G TLB entries (3) must be a positive multiple of ways (2)");
    assertThatThrownBy(() -> new Tlb(1, TinyTlbs.geometry(8, 2, 4, 2, 3, 2)))
        .hasMessage("L1 dTLB entries (3) must be a positive multiple of ways (2)");
  }
}
