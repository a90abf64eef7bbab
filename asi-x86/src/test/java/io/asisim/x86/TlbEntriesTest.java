package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TlbEntries} on hand-placed entries: the range visit (set probes for a few pages, one pass
 * over the slots for more, with exact range ends) and the settle bitmap where a CPU has more than one
 * word of it (gaps found by mutation testing, docs/mutation-testing.md). PCID 2 plays the
 * restricted class ({@code pcidBits} 2), PCID 1 the unrestricted one.
 */
class TlbEntriesTest {
  /** A 16-set 2-way STLB (set = page number mod 16), 2 x 2 1 GiB array, 1 x 2 L1; 2 CPUs. */
  private final Tlb t = new Tlb(2, TinyTlbs.geometry(32, 2, 4, 2, 2, 2));
  private final TlbEntries e = new TlbEntries(t);

  private List<Long> in(int cpu, long va, long pages) {
    List<Long> out = new ArrayList<>();
    e.forEachIn(cpu, va, pages, 2, (c, pcid, global, v, pfn, shift) -> {
      assertThat(c).isEqualTo(cpu);
      out.add(pfn);
      return false;
    });
    return out;
  }

  private void placeRangeEntries() {
    t.fill(0, 2, 0x1000, 12, 1, true, false); // set 1
    t.fill(0, 2, 0x5000, 12, 5, true, false); // set 5
    t.fill(0, 1, 0x6000, 12, 6, true, false); // unrestricted: never visited
    t.fill(0, 1, 0x7000, 12, 7, true, true); // global: visited
    t.fill(0, 2, 0x8000, 12, 8, true, false); // set 8
    t.fill(0, 2, 0x25000, 12, 37, true, false); // set 5
    t.fill(0, 2, 0x200000, 21, 512, true, false); // 2 MiB vpn 1: set 1
    t.fill(0, 2, 0x40000000L, 30, 1 << 18, true, false); // 1 GiB vpn 1
    t.fill(1, 2, 0x10000, 12, 1016, true, false); // cpu 1, set 0 way 0 (right after cpu 0's slots)
    t.fill(1, 2, 0x13000, 12, 1019, true, false); // cpu 1, set 3
  }

  @Test
  void aFewPagesProbeTheirSetsPerPageSize() {
    placeRangeEntries();
    assertThat(in(0, 0x5000, 1)).containsExactly(5L);
    assertThat(in(0, 0x6000, 2)).as("[0x6000, 0x8000)").containsExactly(7L);
    assertThat(in(0, 0x1000, 1)).as("not the 2 MiB entry of the same page number").containsExactly(1L);
    assertThat(in(0, 0x201000, 1)).containsExactly(512L);
    assertThat(in(0, 0x1ff000, 2)).as("across a 2 MiB boundary").containsExactly(512L);
    assertThat(in(0, 0x40005000L, 3)).as("not the 4 KiB page numbered like the 1 GiB one").containsExactly(1L << 18);
    assertThat(in(1, 0x10000, 1)).containsExactly(1016L);
    assertThat(in(1, 0x13000, 1)).containsExactly(1019L);
    assertThat(in(1, 0x5000, 1)).isEmpty();
    assertThat(in(0, 0x4000, 1)).isEmpty();
  }

  @Test
  void moreThan32PagesReadEverySlotWithExactEnds() {
    placeRangeEntries();
    assertThat(in(0, 0x6000, 40)).as("[0x6000, 0x2e000): not 0x5000 below").containsExactlyInAnyOrder(7L, 8L, 37L);
    assertThat(in(0, 0x4001, 33)).as("up to 0x25000 included").containsExactlyInAnyOrder(5L, 7L, 8L, 37L);
    assertThat(in(0, 0x5fff, 40)).as("from the last byte of 0x5000's page").containsExactlyInAnyOrder(5L, 7L, 8L, 37L);
    assertThat(in(0, 0x1000, 33)).as("[0x1000, 0x22000): not the 2 MiB page").containsExactlyInAnyOrder(1L, 5L, 7L, 8L);
    assertThat(in(0, 0, 1L << 36)).as("the whole address space, one pass")
        .containsExactlyInAnyOrder(1L, 5L, 7L, 8L, 37L, 512L, 1L << 18);
    assertThat(in(1, 0, 1L << 36)).containsExactlyInAnyOrder(1016L, 1019L);
  }

  /** A fully associative 1 GiB array (Zen 4's: one set): the slot after cpu 0's set is cpu 1's first. */
  @Test
  void aProbeOfAOneSetArrayStaysInItsCpusWays() {
    Tlb one = new Tlb(2, TinyTlbs.geometry(8, 2, 2, 2, 2, 2));
    one.fill(1, 2, 0x40000000L, 30, 1 << 18, true, false); // cpu 1's first 1 GiB way
    List<Long> seen = new ArrayList<>();
    new TlbEntries(one).forEachIn(0, 0x40000000L, 1, 2, (c, pcid, global, va, pfn, shift) -> seen.add(pfn));
    assertThat(seen).isEmpty();
    new TlbEntries(one).forEachIn(1, 0x40000000L, 1, 2, (c, pcid, global, va, pfn, shift) -> seen.add(pfn));
    assertThat(seen).containsExactly(1L << 18);
  }

  @Test
  void aVisitReadsOnlyItsOwnCpusSlotsEvenWithTheWholeBitmapWordSet() {
    Tlb small = TinyTlbs.small(); // 8 STLB and 4 1 GiB slots per CPU: one bitmap word, mostly beyond them
    small.fill(1, 2, 0x4000, 12, 104, true, false); // cpu 1's first STLB slot
    small.fill(1, 2, 0x80000000L, 30, 2 << 18, true, false); // cpu 1's first 1 GiB slot
    TlbEntries se = new TlbEntries(small);
    se.unsettle(0); // sets all 64 bits of cpu 0's words
    List<Long> seen = new ArrayList<>();
    se.forEachUnsettledGlobalOr(0, 2, (c, pcid, global, va, pfn, shift) -> seen.add(pfn));
    assertThat(seen).isEmpty();
    assertThat(small.unsettled[0][0]).as("bits past the slots are dropped").isZero();
    assertThat(small.unsettled[1][0]).isZero();
  }

  @Test
  void aSettlingVisitDropsTheBitsOfSlotsWithNothingToVisit() {
    Tlb small = TinyTlbs.small();
    small.fill(0, 2, 0x1000, 12, 1, true, false); // set 1 way 0: slot 2, visited, not settled
    small.fill(0, 1, 0x4000, 12, 4, true, false); // slot 0: unrestricted
    small.fill(0, 2, 0x2000, 12, 2, true, false); // slot 4: visited and settled
    small.fill(0, 3, 0x3000, 12, 3, true, false); // slot 6: PCID 3 (bit 2 set), made stale below
    small.fill(0, 2, 0x5000, 12, 5, true, false); // slot 3 (set 1 way 1): invalidated below
    small.flushPcid(0, 3);
    small.invalidate(0, 2, 0x5000, true);
    TlbEntries se = new TlbEntries(small);
    List<Long> seen = new ArrayList<>();
    se.forEachUnsettledGlobalOr(0, 2, (c, pcid, global, va, pfn, shift) -> {
      seen.add(pfn);
      return pfn == 2;
    });
    assertThat(seen).containsExactly(1L, 2L);
    assertThat(small.unsettled[0][0]).as("only slot 2 (visited, not settled) keeps its bit").isEqualTo(1L << 2);
    se.unsettleFrames(0, new long[] {2, 5}, 2); // slot 4 again; not the invalid slot 3 that held frame 5
    assertThat(small.unsettled[0][0]).isEqualTo((1L << 2) | (1L << 4));
  }

  /** A 64-set STLB: 128 slots per CPU, two bitmap words; cpu 0's and cpu 1's entries in other slots. */
  @Test
  void theSettleBitmapOfACpuWithTwoWords() {
    Tlb big = new Tlb(2, TinyTlbs.geometry(128, 2, 4, 2, 2, 2));
    big.fill(1, 2, 0x5000, 12, 5, true, false); // cpu 1, slot 10 (word 0)
    big.fill(1, 2, 0x28000, 12, 40, true, false); // cpu 1, slot 80 (word 1, bit 16)
    big.fill(0, 2, 0x6000, 12, 106, true, false); // cpu 0, slot 12
    big.fill(0, 2, 0x29000, 12, 141, true, false); // cpu 0, slot 82
    TlbEntries be = new TlbEntries(big);
    List<String> seen = new ArrayList<>();
    TlbEntries.EntrySink settleAll = (c, pcid, global, va, pfn, shift) -> seen.add(c + ":" + pfn);
    be.forEachUnsettledGlobalOr(1, 2, settleAll);
    assertThat(seen).containsExactly("1:5", "1:40");
    be.forEachUnsettledGlobalOr(1, 2, settleAll);
    be.forEachUnsettledGlobalOr(0, 2, settleAll);
    assertThat(seen).containsExactly("1:5", "1:40", "0:106", "0:141");
    seen.clear();
    be.unsettleFrames(1, new long[] {40}, 1);
    be.unsettleFrames(0, new long[] {141}, 1);
    be.forEachUnsettledGlobalOr(1, 2, settleAll);
    be.forEachUnsettledGlobalOr(0, 2, settleAll);
    assertThat(seen).containsExactly("1:40", "0:141");
    seen.clear();
    be.unsettle(1);
    be.forEachUnsettledGlobalOr(0, 2, settleAll);
    be.forEachUnsettledGlobalOr(1, 2, settleAll);
    assertThat(seen).containsExactly("1:5", "1:40");
  }
}
