package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.Mapper;
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
 * The {@code alias PTE} invariant on hand-made PTEs (docs/checker.md): a PTE in the shared kernel
 * area or an mm-local slot that a mapper lists as live, to the same frame, is fine; one it does not
 * list, or lists for another frame or another mm, is reported with its address, table and frame; a
 * PTE written long ago is still followed; a cleared one is dropped; writes outside the alias areas
 * are ignored; and more live aliases and followed PTEs than the first arrays hold are all kept.
 */
class AliasPteCheckTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long KVA = AddressSpaces.VMALLOC_START + (5L << 12);

  private Machine m;
  private AddressSpaces as;
  private final ChangeLog log = new ChangeLog();
  private AliasPteCheck check;
  /** The live aliases the fake mapper lists: {mm, va, pfn}. */
  private final List<long[]> live = new ArrayList<>();
  private final Mapper mapper = new Mapper() {
    @Override public long map(int cpu, long mm, long pfn) { return NO_ALIAS; }
    @Override public void unmap(int cpu, long mm, long va) {}
    @Override public void forEachAlias(AliasVisitor v) {
      for (long[] a : live) {
        v.alias(0, a[0], a[1], a[2], true);
      }
      v.alias(0, AliasVisitor.ALL_MM, KVA + (900L << 12), 1, false); // released: never counts as live
    }
  };

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    m = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(), Settings.none(), 1, 1),
        REGISTRY).machine();
    as = m.addressSpaces();
    assertThat(m.logChanges(log)).isTrue();
    check = new AliasPteCheck(m);
  }

  private String check() {
    check.beginAliases(); // the checker's one pass over the aliases, as Checker.checkLiveAliases makes it
    mapper.forEachAlias(check::alias);
    String r = check.check(log);
    log.clear();
    return r;
  }

  @Test
  void aKernelAreaPteIsFineWhileALiveAliasHoldsItAndReportedOnceNone() {
    boot();
    as.mapKernel(0, KVA, 4242);
    live.add(new long[] {AliasVisitor.ALL_MM, KVA, 4242});
    assertThat(check()).isNull();
    assertThat(check()).as("followed, still live").isNull();
    live.clear(); // released, PTE left: judged although nothing was written since
    assertThat(check()).isEqualTo("alias PTE: va 0x" + Long.toHexString(KVA)
        + " in the shared kernel area maps pfn 4242 but no mapper holds a live alias there (a release left its PTE)");
    as.unmapKernel(0, KVA);
    assertThat(check()).as("cleared: dropped").isNull();
    as.mapKernel(0, KVA + (900L << 12), 1); // listed only as released
    assertThat(check()).contains("va 0x" + Long.toHexString(KVA + (900L << 12)));
  }

  @Test
  void anAliasOfAnotherFrameOrAnotherMmDoesNotCoverThePte() {
    boot();
    long mm = as.mmCreate(0);
    long other = as.mmCreate(0);
    long slot = as.mmLocalSlotVa(1, 0);
    as.mapMmLocal(0, mm, slot, 777);
    live.add(new long[] {other, slot, 777});
    live.add(new long[] {mm, slot, 778});
    assertThat(check()).isEqualTo("alias PTE: va 0x" + Long.toHexString(slot) + " in the mm-local region of mm " + mm
        + " maps pfn 777 but no mapper holds a live alias there (a release left its PTE)");
    live.add(new long[] {mm, slot, 777});
    assertThat(check()).isNull();
    live.clear();
    live.add(new long[] {AliasVisitor.ALL_MM, slot, 777}); // an alias whose owner is not tracked covers any mm
    assertThat(check()).isNull();
  }

  @Test
  void writesOutsideTheAliasAreasAreNotFollowed() {
    boot();
    long mm = as.mmCreate(0);
    as.mapUser(0, mm, 0x400000, 1234, true);
    m.setRestrictedMapped(0, 512, 512, true);
    assertThat(log.nrTranslations()).isGreaterThanOrEqualTo(2); // and any page-table page the allocator mapped
    assertThat(check()).isNull();
    as.mapKernel(0, AddressSpaces.VMALLOC_END - 4096, 99); // the last page of the area is in it
    assertThat(check()).contains("maps pfn 99");
  }

  @Test
  void manyLiveAliasesAndManyFollowedPtesAreAllKept() {
    boot();
    for (int i = 0; i < 200; i++) {
      as.mapKernel(0, KVA + ((long) i << 12), 5000 + i);
      live.add(new long[] {AliasVisitor.ALL_MM, KVA + ((long) i << 12), 5000 + i});
    }
    assertThat(check()).isNull();
    live.remove(150);
    assertThat(check()).contains("va 0x" + Long.toHexString(KVA + (150L << 12)) + " ").contains("maps pfn 5150");
  }
}
