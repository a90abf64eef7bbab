package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link AliasPteCheck} at the edges (docs/checker.md, "alias PTE"), with change logs the test
 * writes: the first page of each alias area is in it and the page after the mm-local region (the
 * direct map) is not; a record of several pages follows each of its pages and no page after it; a
 * PTE to frame 0 is present; the same slot of two mms is two PTEs; a PTE dropped once cleared is
 * not judged again unless a write is logged; and the PTEs of a destroyed mm are gone with it.
 */
class AliasPteAreaBoundsTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long KVA = AddressSpaces.VMALLOC_START + (20L << 12);

  private Machine m;
  private AddressSpaces as;
  private AliasPteCheck check;
  /** Live aliases: {mm, va, pfn}. */
  private final List<long[]> live = new ArrayList<>();

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    m = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(), Settings.none(), 1, 1),
        REGISTRY).machine();
    as = m.addressSpaces();
    check = new AliasPteCheck(m);
  }

  private String check(long[]... translations) {
    ChangeLog log = new ChangeLog(Math.max(1, translations.length));
    for (long[] t : translations) {
      log.translation(t[0], t[1], t[2]);
    }
    check.beginAliases();
    for (long[] a : live) {
      check.alias(0, a[0], a[1], a[2], true);
    }
    return check.check(log);
  }

  private static String kernelPte(long va, long pfn) {
    return "alias PTE: va 0x" + Long.toHexString(va) + " in the shared kernel area maps pfn " + pfn
        + " but no mapper holds a live alias there (a release left its PTE)";
  }

  private static String localPte(long va, long mm, long pfn) {
    return "alias PTE: va 0x" + Long.toHexString(va) + " in the mm-local region of mm " + mm + " maps pfn " + pfn
        + " but no mapper holds a live alias there (a release left its PTE)";
  }

  @Test
  void theFirstPageOfEachAreaIsInItAndTheDirectMapIsNot() {
    boot();
    as.mapKernel(0, AddressSpaces.VMALLOC_START, 77);
    assertThat(check(new long[] {AliasVisitor.ALL_MM, AddressSpaces.VMALLOC_START, 1}))
        .isEqualTo(kernelPte(AddressSpaces.VMALLOC_START, 77));
    as.unmapKernel(0, AddressSpaces.VMALLOC_START);
    long mm = as.mmCreate(0);
    assertThat(as.mmLocalSlotVa(0, 0)).isEqualTo(AddressSpaces.MM_LOCAL_START);
    as.mapMmLocal(0, mm, AddressSpaces.MM_LOCAL_START, 78);
    assertThat(check(new long[] {mm, AddressSpaces.MM_LOCAL_START, 1}))
        .isEqualTo(localPte(AddressSpaces.MM_LOCAL_START, mm, 78));
    as.unmapMmLocal(0, mm, AddressSpaces.MM_LOCAL_START);
    assertThat(as.translate(AddressSpaces.INIT_MM, false, AddressSpaces.MM_LOCAL_END)).as("the direct map's first page")
        .isNotNegative();
    assertThat(check(new long[] {AliasVisitor.ALL_MM, AddressSpaces.MM_LOCAL_END, 1})).isNull();
  }

  @Test
  void aRecordOfSeveralPagesFollowsEachOfThemAndNoMore() {
    boot();
    as.mapKernel(0, KVA + 4096, 90); // written while nothing logged: only a record reaching it follows it
    assertThat(check(new long[] {AliasVisitor.ALL_MM, KVA, 1})).isNull();
    as.mapKernel(0, KVA + 3 * 4096, 91);
    assertThat(check(new long[] {AliasVisitor.ALL_MM, KVA + 2 * 4096, 2})).isEqualTo(kernelPte(KVA + 3 * 4096, 91));
    live.add(new long[] {AliasVisitor.ALL_MM, KVA + 3 * 4096, 91});
    assertThat(check(new long[] {AliasVisitor.ALL_MM, KVA, 2})).isEqualTo(kernelPte(KVA + 4096, 90));
  }

  @Test
  void aPteToFrameZeroIsPresent() {
    boot();
    as.mapKernel(0, KVA, 0);
    assertThat(check(new long[] {AliasVisitor.ALL_MM, KVA, 1})).isEqualTo(kernelPte(KVA, 0));
  }

  @Test
  void theSameSlotOfTwoMmsIsTwoPtes() {
    boot();
    long mm = as.mmCreate(0);
    long mm2 = as.mmCreate(0);
    long slot = as.mmLocalSlotVa(1, 1);
    as.mapMmLocal(0, mm, slot, 300);
    as.mapMmLocal(0, mm2, slot, 301);
    live.add(new long[] {mm, slot, 300});
    assertThat(check(new long[] {mm, slot, 1}, new long[] {mm2, slot, 1})).isEqualTo(localPte(slot, mm2, 301));
  }

  @Test
  void aDroppedPteIsJudgedAgainOnlyWhenAWriteIsLogged() {
    boot();
    as.mapKernel(0, KVA, 60);
    as.mapKernel(0, KVA + 4096, 61);
    live.add(new long[] {AliasVisitor.ALL_MM, KVA, 60});
    live.add(new long[] {AliasVisitor.ALL_MM, KVA + 4096, 61});
    assertThat(check(new long[] {AliasVisitor.ALL_MM, KVA, 2})).isNull();
    as.unmapKernel(0, KVA + 4096);
    assertThat(check()).as("cleared: dropped").isNull();
    live.remove(1);
    as.mapKernel(0, KVA + 4096, 61); // behind the log's back
    assertThat(check()).isNull();
    assertThat(check(new long[] {AliasVisitor.ALL_MM, KVA + 4096, 1})).isEqualTo(kernelPte(KVA + 4096, 61));
  }

  @Test
  void thePtesOfADestroyedMmAreGoneWithIt() {
    boot();
    long mm = as.mmCreate(0);
    long slot = as.mmLocalSlotVa(0, 1);
    as.mapMmLocal(0, mm, slot, 400);
    live.add(new long[] {mm, slot, 400});
    assertThat(check(new long[] {mm, slot, 1})).isNull();
    live.clear();
    as.mmDestroy(0, mm);
    assertThat(check()).isNull();
  }
}
