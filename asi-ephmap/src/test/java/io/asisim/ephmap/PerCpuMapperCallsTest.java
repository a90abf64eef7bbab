package io.asisim.ephmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.Mapper;
import org.junit.jupiter.api.Test;

/**
 * kmap-local and ephmap on two CPUs: the exact flush-policy calls, addresses and alias lists of
 * hand-written sequences (gaps found by mutation testing, docs/mutation-testing.md).
 */
class PerCpuMapperCallsTest {
  private static final long F = Rig.FILE_PFN;
  private static final long G = F + 1;
  private static final long H = F + 2;

  /** Page-table pages the 4 MiB fixmap window needs: its two PTE tables and the PMD table of its GiB. */
  private static final long KMAP_TABLES = 3;

  private final Rig rig = new Rig(2, "local");
  private final RecordingFlush flush = new RecordingFlush();
  private final AddressSpaces as = rig.m.addressSpaces();

  @Test
  void kmapLocalPushesPerCpuSlotsAndSchedOutInRestoresThemWithTheirMm() {
    KmapLocalMapper k = new KmapLocalMapper(as, flush, rig.metrics, 2);
    long a = rig.process();
    assertThat(RecordingFlush.name(k.map(1, a, F))).isEqualTo("kmap+0x10000"); // cpu 1's slot 0: 16 slots per CPU
    assertThat(RecordingFlush.name(k.map(1, a, G))).isEqualTo("kmap+0x11000");
    assertThat(RecordingFlush.aliases(k)).containsExactly("1:" + a + ":kmap+0x10000:" + F + ":true",
        "1:" + a + ":kmap+0x11000:" + G + ":true");
    k.schedOut(1, 100);
    assertThat(RecordingFlush.aliases(k)).isEmpty();
    assertThat(as.translate(a, true, KmapLocalMapper.slotVa(1, 0))).isEqualTo(-1);
    k.schedIn(1, 100);
    assertThat(k.depth(1)).isEqualTo(2);
    assertThat(as.translate(a, true, KmapLocalMapper.slotVa(1, 1))).isEqualTo(G);
    k.unmap(1, 0, KmapLocalMapper.slotVa(1, 1)); // the slot's own mm is reported, not the caller's
    assertThat(flush.calls).containsExactly(
        "reuse 1 " + a + " kmap+0x10000", "map 1 " + a + " kmap+0x10000 " + F,
        "reuse 1 " + a + " kmap+0x11000", "map 1 " + a + " kmap+0x11000 " + G,
        "unmap 1 " + a + " kmap+0x10000 " + F, "unmap 1 " + a + " kmap+0x11000 " + G,
        "reuse 1 " + a + " kmap+0x10000", "map 1 " + a + " kmap+0x10000 " + F,
        "reuse 1 " + a + " kmap+0x11000", "map 1 " + a + " kmap+0x11000 " + G,
        "unmap 1 " + a + " kmap+0x11000 " + G);
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(2);
  }

  @Test
  void kmapLocalKeepsEveryPreemptedTasksSlotsApart() {
    KmapLocalMapper k = new KmapLocalMapper(as, flush, rig.metrics, 2);
    long a = rig.process();
    long b = rig.process();
    k.map(0, a, F);
    k.map(0, a, G);
    k.schedOut(0, 100); // A: two slots
    k.map(0, b, H);
    k.schedOut(0, 200); // B: one
    k.map(0, a, F + 3);
    k.schedOut(0, 300); // a third preempted task: the save area grows
    k.schedOut(0, 400); // nothing live: nothing saved
    k.schedIn(0, 400);
    assertThat(k.depth(0)).isZero();
    k.schedIn(0, 100);
    assertThat(RecordingFlush.aliases(k)).containsExactly("0:" + a + ":kmap+0x0:" + F + ":true",
        "0:" + a + ":kmap+0x1000:" + G + ":true");
    k.unmap(0, a, KmapLocalMapper.slotVa(0, 1));
    k.unmap(0, a, KmapLocalMapper.slotVa(0, 0));
    k.schedIn(0, 300); // saved after B, moved into A's place when A was restored
    assertThat(RecordingFlush.aliases(k)).containsExactly("0:" + a + ":kmap+0x0:" + (F + 3) + ":true");
    k.unmap(0, a, KmapLocalMapper.slotVa(0, 0));
    k.schedIn(0, 200);
    assertThat(RecordingFlush.aliases(k)).containsExactly("0:" + b + ":kmap+0x0:" + H + ":true");
    k.unmap(0, b, KmapLocalMapper.slotVa(0, 0));
    k.schedIn(0, 100); // restored once: nothing left to restore
    assertThat(k.depth(0)).isZero();
  }

  @Test
  void kmapLocalRestoresATaskSavedBehindAnother() {
    KmapLocalMapper k = new KmapLocalMapper(as, flush, rig.metrics, 2);
    long a = rig.process();
    long b = rig.process();
    k.map(1, a, F);
    k.schedOut(1, 100); // save slot 0
    k.map(1, b, G);
    k.map(1, b, H);
    k.schedOut(1, 200); // save slot 1
    k.map(1, a, F + 3);
    k.schedOut(1, 300); // save slot 2
    k.schedIn(1, 200); // from slot 1; task 300 moves into it
    assertThat(RecordingFlush.aliases(k)).containsExactly("1:" + b + ":kmap+0x10000:" + G + ":true",
        "1:" + b + ":kmap+0x11000:" + H + ":true");
    k.unmap(1, b, KmapLocalMapper.slotVa(1, 1));
    k.unmap(1, b, KmapLocalMapper.slotVa(1, 0));
    k.schedIn(1, 300);
    assertThat(RecordingFlush.aliases(k)).containsExactly("1:" + a + ":kmap+0x10000:" + (F + 3) + ":true");
    k.unmap(1, a, KmapLocalMapper.slotVa(1, 0));
    k.schedIn(1, 300); // its stale copy past the saved tasks is not a saved task
    assertThat(k.depth(1)).isZero();
    k.schedIn(1, 100);
    assertThat(RecordingFlush.aliases(k)).containsExactly("1:" + a + ":kmap+0x10000:" + F + ":true");
  }

  @Test
  void kmapLocalBuildsEveryCpusFixmapTablesUpFront() {
    // 64 CPUs x 16 slots x 4 KiB = 4 MiB of fixmap slots: two PTE tables, built at construction
    Rig big = new Rig(64, "local");
    AddressSpaces bas = big.m.addressSpaces();
    long before = bas.pagetablePages();
    KmapLocalMapper k = new KmapLocalMapper(bas, flush, big.metrics, 64);
    long built = bas.pagetablePages() - before;
    long a = big.process();
    long afterMm = bas.pagetablePages();
    k.map(0, a, F);
    k.map(63, a, F); // the last CPU's first slot, in the second table
    assertThat(bas.pagetablePages()).as("mapping allocates no table").isEqualTo(afterMm);
    assertThat(built).isEqualTo(KMAP_TABLES);
  }

  @Test
  void ephmapUsesTheFirstFreeSlotOfTheCpuInTheMm() {
    EphmapMapper e = new EphmapMapper(as, flush, rig.metrics, 2, 2);
    long a = rig.process();
    long b = rig.process();
    long s10 = as.mmLocalSlotVa(1, 0);
    long s11 = as.mmLocalSlotVa(1, 1);
    long s00 = as.mmLocalSlotVa(0, 0);
    assertThat(e.map(1, a, 0)).isEqualTo(s10); // frame 0 is a frame like any other
    assertThat(e.map(1, a, G)).isEqualTo(s11);
    assertThat(e.map(1, a, H)).isEqualTo(Mapper.NO_ALIAS); // both of cpu 1's slots busy in A
    assertThat(e.map(0, a, H)).isEqualTo(s00);
    assertThat(e.map(1, b, H)).isEqualTo(s10); // B's own region: the same address
    assertThat(e.map(0, AddressSpaces.INIT_MM, F)).isEqualTo(Mapper.NO_ALIAS); // kernel threads have none
    assertThat(rig.metrics.get("transient_map_fallbacks")).isEqualTo(2);
    assertThat(rig.metrics.get("transient_maps")).isEqualTo(4);
    String n10 = RecordingFlush.name(s10);
    String n11 = RecordingFlush.name(s11);
    String n00 = RecordingFlush.name(s00);
    assertThat(RecordingFlush.aliases(e)).containsExactly("0:" + a + ":" + n00 + ":" + H + ":true",
        "1:" + a + ":" + n10 + ":0:true", "1:" + a + ":" + n11 + ":" + G + ":true", "1:" + b + ":" + n10 + ":" + H + ":true");
    e.unmap(1, a, s11);
    e.unmap(1, a, s10);
    assertThat(RecordingFlush.aliases(e)).containsExactly("0:" + a + ":" + n00 + ":" + H + ":true",
        "1:" + b + ":" + n10 + ":" + H + ":true");
    assertThat(flush.calls).containsExactly(
        "reuse 1 " + a + " " + n10, "map 1 " + a + " " + n10 + " 0",
        "reuse 1 " + a + " " + n11, "map 1 " + a + " " + n11 + " " + G,
        "reuse 0 " + a + " " + n00, "map 0 " + a + " " + n00 + " " + H,
        "reuse 1 " + b + " " + n10, "map 1 " + b + " " + n10 + " " + H,
        "unmap 1 " + a + " " + n11 + " " + G, "unmap 1 " + a + " " + n10 + " 0");
  }

  @Test
  void ephmapRejectsFreeAndForeignSlotsAndLiveMappingsAtExit() {
    EphmapMapper e = new EphmapMapper(as, flush, rig.metrics, 2, 2);
    long a = rig.process();
    long s11 = as.mmLocalSlotVa(1, 1);
    assertThat(e.map(1, a, F)).isEqualTo(as.mmLocalSlotVa(1, 0));
    assertThat(e.map(1, a, G)).isEqualTo(s11);
    assertThatThrownBy(() -> e.unmap(0, a, s11)).isInstanceOf(IllegalArgumentException.class); // cpu 1's slot
    EphmapMapper one = new EphmapMapper(as, flush, rig.metrics, 2, 1); // uses 1 of the region's 2 slots per CPU
    long b = rig.process();
    one.map(1, b, H);
    assertThatThrownBy(() -> one.unmap(1, b, as.mmLocalSlotVa(1, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.mmExit(1, a)).isInstanceOf(IllegalStateException.class);
    e.unmap(1, a, as.mmLocalSlotVa(1, 0));
    assertThatThrownBy(() -> e.mmExit(0, a)).isInstanceOf(IllegalStateException.class); // the last slot of the last CPU
    e.unmap(1, a, s11);
    assertThatThrownBy(() -> e.unmap(1, a, s11)).isInstanceOf(IllegalStateException.class);
    e.mmExit(1, a);
    long s00 = e.map(0, a, 0);
    assertThatThrownBy(() -> e.mmExit(0, a)).isInstanceOf(IllegalStateException.class); // frame 0 is live too
    e.unmap(0, a, s00);
    assertThat(RecordingFlush.aliases(e)).isEmpty();
  }
}
