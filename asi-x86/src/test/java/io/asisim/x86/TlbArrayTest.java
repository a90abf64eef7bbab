package io.asisim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.CpuProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TLB arrays on a tiny geometry, 2 CPUs: a 4-set 2-way STLB, a 2-set 2-way 1 GiB array and a
 * one-set 2-way L1 dTLB, so every eviction is hand-checkable (gaps found by mutation testing,
 * docs/mutation-testing.md).
 */
class TlbArrayTest {
  private static CpuProfile geometry(long stlb, long stlbWays, long l1, long l1Ways) {
    return TinyTlbs.geometry(stlb, stlbWays, 4, 2, l1, l1Ways);
  }

  private final Tlb t = new Tlb(2, geometry(8, 2, 2, 2));

  @Test
  void eachPageSizeTranslatesItsOffsetAndStaysOnItsCpuAndPcid() {
    t.fill(0, 1, 0x5000, 12, 100, true, false);
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(100);
    assertThat(t.lastShift).isEqualTo(12);
    assertThat(t.lastWritable).isTrue();
    assertThat(t.lastL1).isTrue();
    assertThat(t.lookup(0, 2, 0x5000)).isEqualTo(-1);
    assertThat(t.lookup(1, 1, 0x5000)).isEqualTo(-1);
    t.fill(0, 1, 0x203000, 21, 512, false, false); // the 2 MiB page at 0x200000
    assertThat(t.lookup(0, 1, 0x207000)).isEqualTo(512 + 7); // another 4 KiB page of it: from the STLB
    assertThat(t.lastShift).isEqualTo(21);
    assertThat(t.lastWritable).isFalse();
    assertThat(t.lastL1).isFalse();
    assertThat(t.lookup(0, 1, 0x207000)).isEqualTo(519);
    assertThat(t.lastL1).isTrue();
    t.fill(0, 1, 0x40123000L, 30, 1 << 18, true, false); // the 1 GiB page at 1 GiB
    assertThat(t.lookup(0, 1, 0x40456000L)).isEqualTo((1 << 18) + 0x456);
    assertThat(t.lastShift).isEqualTo(30);
    assertThat(t.lookup(0, 1, 0x80000000L)).isEqualTo(-1);
    assertThat(t.validEntries(0)).isEqualTo(3);
    assertThat(t.validEntries(1)).isZero();
    assertThat(t.stlbCapacity()).isEqualTo(8);
  }

  @Test
  void largeLeavesAreFoundAgainAfterTheLastOneOfTheirSizeWasDroppedAndRefilled() {
    // the lookup and INVLPG probe 2M sets and the 1G array only while the CPU holds such a tag:
    // the counts must fall to zero on the drops and come back on the refills
    t.fill(0, 1, 0x203000, 21, 512, true, false);
    t.fill(0, 1, 0x40123000L, 30, 1 << 18, true, false);
    t.invalidate(0, 1, 0x203000, true);
    t.invalidate(0, 1, 0x40123000L, true);
    assertThat(t.lookup(0, 1, 0x205000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x40456000L)).isEqualTo(-1);
    t.fill(0, 1, 0x5000, 12, 100, true, false); // a 4 KiB leaf alone probes one set
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(100);
    t.fill(0, 1, 0x209000, 21, 1024, true, false);
    t.fill(0, 1, 0x80000000L, 30, 2 << 18, true, false);
    assertThat(t.lookup(0, 1, 0x20b000)).isEqualTo(1024 + 11);
    assertThat(t.lookup(0, 1, 0x80001000L)).isEqualTo((2 << 18) + 1);
    assertThat(t.lookup(1, 1, 0x20b000)).isEqualTo(-1); // counted per CPU
    t.flushAll(0); // stale but still tagged: still probed, and still a miss
    assertThat(t.lookup(0, 1, 0x20b000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x80001000L)).isEqualTo(-1);
  }

  @Test
  void anL1HitLeavesTheStlbLruAloneAndAnL1CopyOfAnEvictedEntryMisses() {
    t.fill(0, 1, 0x4000, 12, 10, true, false); // vpn 4, 8 and 12: all STLB set 0
    t.fill(0, 1, 0x8000, 12, 11, true, false);
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(10); // L1 hit: the STLB still has vpn 4 as oldest
    assertThat(t.lastL1).isTrue();
    t.fill(0, 1, 0xc000, 12, 12, true, false); // evicts vpn 4 from the STLB, vpn 8 from the L1
    assertThat(t.lookup(0, 1, 0x4000)).isEqualTo(-1); // its L1 copy points at vpn 12's entry now
    assertThat(t.lookup(0, 1, 0x8000)).isEqualTo(11);
    assertThat(t.lastL1).isFalse();
    assertThat(t.lookup(0, 1, 0xc000)).isEqualTo(12);
    assertThat(t.validEntries(0)).isEqualTo(2);
  }

  @Test
  void aSetCountThatIsNoPowerOfTwoIndexesByRemainder() {
    Tlb six = new Tlb(1, geometry(12, 2, 2, 2)); // 6 sets: vpn 1, 7 and 13 share set 1
    six.fill(0, 1, 0x1000, 12, 1, true, false);
    six.fill(0, 1, 0x7000, 12, 7, true, false);
    six.fill(0, 1, 0x2000, 12, 2, true, false); // set 2: evicts nothing of set 1
    six.fill(0, 1, 0xd000, 12, 13, true, false); // set 1 full: evicts vpn 1
    assertThat(six.lookup(0, 1, 0x1000)).isEqualTo(-1);
    assertThat(six.lookup(0, 1, 0x7000)).isEqualTo(7);
    assertThat(six.lookup(0, 1, 0x2000)).isEqualTo(2);
    assertThat(six.lookup(0, 1, 0xd000)).isEqualTo(13);
  }

  @Test
  void badGeometriesAreRejected() {
    assertThatThrownBy(() -> new Tlb(1, geometry(6, 4, 2, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tlb(1, geometry(2, 4, 2, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tlb(1, geometry(8, 0, 2, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Tlb(1, geometry(8, 2, 3, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Tlb(1, geometry(2, 2, 1, 1)).stlbCapacity()).isEqualTo(2); // entries = ways: one set
  }

  @Test
  void globalEntriesSurvivePcidFlushesButNotFullFlushesOrAGlobalInvlpg() {
    t.fill(0, 1, 0x5000, 12, 100, true, true);
    t.fill(0, 1, 0x6000, 12, 101, true, false);
    assertThat(t.lookup(0, 7, 0x5000)).isEqualTo(100); // a global entry matches every PCID
    long g1 = t.generation(0, 1, false);
    long g2 = t.generation(0, 2, false);
    long gg = t.generation(0, 1, true);
    t.flushPcid(0, 1);
    assertThat(t.generation(0, 1, false)).isNotEqualTo(g1);
    assertThat(t.generation(0, 2, false)).isEqualTo(g2);
    assertThat(t.generation(0, 1, true)).isEqualTo(gg);
    assertThat(t.lookup(0, 1, 0x6000)).isEqualTo(-1);
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(100);
    t.invalidate(0, 1, 0x5000, false); // INVPCID type 0 spares global entries
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(100);
    t.invalidate(0, 1, 0x5000, true); // INVLPG does not
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(-1);
    t.fill(0, 1, 0x5000, 12, 100, true, true);
    t.flushAll(1); // another CPU's flush
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(100);
    t.flushAll(0);
    assertThat(t.generation(0, 1, true)).isNotEqualTo(gg);
    assertThat(t.lookup(0, 1, 0x5000)).isEqualTo(-1);
    assertThat(t.validEntries(0)).isZero();
  }

  @Test
  void anInvlpgDropsEveryPageSizeCoveringTheAddressOfItsPcidOnly() {
    t.fill(0, 1, 0x200000, 21, 512, true, false); // STLB set 1
    t.fill(0, 1, 0x202000, 12, 999, true, false); // set 2, inside the 2 MiB page
    t.fill(0, 2, 0x202000, 12, 998, true, false); // set 2, another PCID
    t.fill(0, 1, 0x40000000L, 30, 1 << 18, true, false);
    t.invalidate(0, 1, 0x202000, true);
    assertThat(t.lookup(0, 1, 0x200000)).isEqualTo(-1); // the 2 MiB entry went too
    assertThat(t.lookup(0, 1, 0x202000)).isEqualTo(-1);
    assertThat(t.lookup(0, 2, 0x202000)).isEqualTo(998);
    assertThat(t.lookup(0, 1, 0x40000000L)).isEqualTo(1 << 18); // another address
    t.invalidate(0, 1, 0x40001000L, false);
    assertThat(t.lookup(0, 1, 0x40000000L)).isEqualTo(-1);
  }

  private List<String> visit(boolean unsettled, long settlePfn) {
    List<String> out = new ArrayList<>();
    TlbEntries e = new TlbEntries(t);
    TlbEntries.EntrySink sink = (cpu, pcid, global, va, pfn, shift) -> {
      out.add(cpu + ":" + pcid + ":" + global + ":" + Long.toHexString(va) + ":" + pfn + ":" + shift);
      return settlePfn < 0 || pfn == settlePfn;
    };
    if (unsettled) {
      e.forEachUnsettledGlobalOr(0, 2, sink);
    } else {
      e.forEachGlobalOr(0, 2, sink);
    }
    return out;
  }

  @Test
  void visitsReportRestrictedAndGlobalEntriesSignExtendedAndSettleMarksHold() {
    t.fill(0, 2, 0xffff888000001000L, 12, 300, false, false); // an ASI PCID (bit 2)
    t.fill(0, 1, 0x7000, 12, 301, true, false); // unrestricted: filtered out
    t.fill(0, 1, 0xffffffff81000000L, 21, 4096, false, true); // global kernel text
    t.fill(1, 2, 0x9000, 12, 302, true, false); // another CPU
    String restricted = "0:2:false:ffff888000001000:300:12";
    String global = "0:1:true:ffffffff81000000:4096:21";
    assertThat(visit(false, -1)).containsExactlyInAnyOrder(restricted, global);
    assertThat(visit(true, 300)).containsExactlyInAnyOrder(restricted, global); // settles 300 only
    assertThat(visit(true, -1)).containsExactly(global); // settles the rest
    assertThat(visit(true, -1)).isEmpty();
    assertThat(visit(false, -1)).hasSize(2); // the plain visit ignores settle marks
    new TlbEntries(t).unsettleFrames(0, new long[] {299, 300}, 2);
    assertThat(visit(true, -1)).containsExactly(restricted);
    new TlbEntries(t).unsettleFrames(0, new long[] {4096}, 0); // an empty list unsettles nothing
    assertThat(visit(true, -1)).isEmpty();
    new TlbEntries(t).unsettle(0);
    assertThat(visit(true, -1)).containsExactlyInAnyOrder(restricted, global);
    t.invalidate(0, 2, 0xffff888000001000L, false);
    t.fill(0, 2, 0xffff888000001000L, 12, 303, false, false); // a refill is unsettled
    assertThat(visit(true, -1)).containsExactly("0:2:false:ffff888000001000:303:12");
    t.flushPcid(0, 2); // stale entries are not reported
    assertThat(visit(false, -1)).containsExactly(global);
  }

  @Test
  void theSecondCpusArraysAreItsOwn() {
    for (int cpu = 0; cpu < 2; cpu++) {
      t.fill(cpu, 2, 0x5000, 12, 100 + cpu, true, false);
      t.fill(cpu, 2, 0x200000, 21, 512 * (cpu + 2), true, false);
      t.fill(cpu, 2, 0x40000000L, 30, (1 << 18) * (cpu + 1), true, false);
    }
    for (int cpu = 0; cpu < 2; cpu++) {
      assertThat(t.lookup(cpu, 2, 0x5000)).isEqualTo(100 + cpu);
      assertThat(t.lookup(cpu, 2, 0x201000)).isEqualTo(512 * (cpu + 2) + 1);
      assertThat(t.lookup(cpu, 2, 0x40001000L)).isEqualTo((1 << 18) * (cpu + 1) + 1);
      assertThat(t.lookup(cpu, 2, 0x201000)).as("again, from cpu %d's L1", cpu).isEqualTo(512 * (cpu + 2) + 1);
      assertThat(t.lastL1).isTrue();
    }
    t.invalidate(1, 2, 0x5000, true);
    t.invalidate(1, 2, 0x40000000L, true);
    assertThat(t.lookup(1, 2, 0x5000)).isEqualTo(-1);
    assertThat(t.lookup(0, 2, 0x5000)).isEqualTo(100);
    assertThat(t.lookup(0, 2, 0x40000000L)).isEqualTo(1 << 18);
    List<String> seen = new ArrayList<>();
    TlbEntries e = new TlbEntries(t);
    TlbEntries.EntrySink sink = (cpu, pcid, global, va, pfn, shift) -> {
      seen.add(cpu + ":" + pfn);
      return true;
    };
    e.forEachUnsettledGlobalOr(1, 2, sink); // cpu 1: only its 2 MiB entry is left; settled now
    e.forEachUnsettledGlobalOr(0, 2, sink); // settles cpu 0's three
    e.unsettleFrames(1, new long[] {1024}, 1); // cpu 0's 2 MiB frame: nothing of cpu 1's
    e.forEachUnsettledGlobalOr(0, 2, sink);
    e.forEachUnsettledGlobalOr(1, 2, sink);
    e.unsettleFrames(1, new long[] {1536}, 1);
    e.forEachUnsettledGlobalOr(1, 2, sink);
    e.unsettleFrames(0, new long[] {100, 1 << 18}, 2);
    e.forEachUnsettledGlobalOr(0, 2, sink);
    assertThat(seen).containsExactly("1:1536", "0:100", "0:1024", "0:262144", "1:1536", "0:100", "0:262144");
    assertThat(t.validEntries(0)).isEqualTo(3);
    assertThat(t.validEntries(1)).isEqualTo(1);
  }

  @Test
  void arrayBytesCountsEveryArray() {
    // tick 2x8 + the 2M/1G tag counts 2 x 2x4 + epoch 2x4 + pcidGen 2x4096x4 + L1 4 arrays x 8 x 4 entries
    // + STLB 4 arrays x 8 x 16 entries + its settle bitmap (one 8-byte word per CPU) + 1G 4 x 8 x 8
    // + its settle bitmap (one word per CPU)
    assertThat(t.arrayBytes()).isEqualTo(16 + 16 + 8 + 32768 + 128 + 512 + 16 + 256 + 16);
  }
}
