package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageOrder;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.check.Checker;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Compaction through the kernel's page migration ({@link Migrate}) on a 256 MiB machine: a
 * process's 64 MiB heap with every other page returned by {@code MADV_DONTNEED}, every free
 * pageblock held elsewhere, then a THP fault under {@code defrag=always}. The fault compacts: heap
 * pages and unmapped page-cache pages move, the process still reaches every page it kept, the
 * cache still holds its file, and the checker (translations, TLBs, restricted maps, sensitivity)
 * finds nothing, for the plain buddy and both ASI allocators with every mapper of the copy.
 */
class MigrateTest {
  private static final long PAGE = 4096;
  private static final int HEAP = 16384;

  private static Injector variant(boolean asi, String allocator, String mapper) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.ALLOCATOR, allocator);
    sel.put(PluginKind.MAPPER, mapper);
    sel.put(PluginKind.FLUSH, "mm-global");
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, asi), sel, Set.of(), Settings.none(), 1, 0);
    return Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
  }

  @Test
  void aThpFaultCompactsAFragmentedHeapAndEveryKeptPageSurvives() {
    record V(boolean asi, String allocator, String mapper) {}
    for (V v : List.of(new V(false, "buddy", "exit"), new V(true, "pageblock-migratetype", "exit"),
        new V(true, "pageblock-migratetype", "ephmap"), new V(true, "pageblock-migratetype", "kmap-local"))) {
      String what = v.toString();
      Injector inj = variant(v.asi(), v.allocator(), v.mapper());
      SimKernel k = inj.getInstance(SimKernel.class);
      SimContext ctx = inj.getInstance(SimContext.class);
      Metrics m = ctx.metrics();
      AddressSpaces as = ctx.machine().addressSpaces();
      Checker checker = new Checker(ctx.machine(), ctx.allocator(), k.view(), m, true);
      int pid = k.spawn();
      int file = k.createFile(256, true);
      int fd = k.open(pid, file);
      k.read(pid, fd, 0, 256); // 256 unmapped page-cache pages
      long heap = k.mmapAnon(pid, HEAP);
      for (int i = 0; i < HEAP; i++) {
        k.touch(pid, heap + i * PAGE, true);
      }
      // every block of pageblock order left is taken (ALLOC_NO_WATERMARKS), then half the heap freed
      holdAllPageblocks(k); // held by "the rest of the system"
      for (int i = 1; i < HEAP; i += 2) {
        k.madviseDontneed(pid, heap + i * PAGE, 1);
      }
      assertThat(checker.checkFunctional()).as(what).isNull();
      long mm = as.loadedMm(k.cpuOf(pid));
      long[] before = new long[HEAP / 2];
      for (int i = 0; i < HEAP; i += 2) {
        before[i / 2] = as.translate(mm, false, heap + i * PAGE);
      }
      long misses = m.get("pagecache_misses");

      k.setTransparentHugepage(Kernel.THP_ALWAYS);
      k.setThpDefrag(Kernel.THP_DEFRAG_ALWAYS);
      long thp = k.mmapAnon(pid, 1024);
      k.touch(pid, thp, true);

      assertThat(m.get("thp_fault_alloc")).as(what).isEqualTo(1);
      assertThat(m.get("compact_stall")).as(what).isGreaterThanOrEqualTo(1);
      assertThat(m.get("compact_success")).as(what).isEqualTo(1);
      long moved = m.get("pgmigrate_success");
      assertThat(moved).as(what).isGreaterThan(0);
      assertThat(checker.checkFunctional()).as(what).isNull();
      int changed = 0;
      for (int i = 0; i < HEAP; i += 2) {
        long now = as.translate(mm, false, heap + i * PAGE);
        assertThat(now).as("%s: kept heap page %d still mapped", what, i).isGreaterThanOrEqualTo(0);
        changed += now != before[i / 2] ? 1 : 0;
      }
      assertThat(changed).as(what + ": moved heap pages").isPositive().isLessThanOrEqualTo((int) moved);
      k.read(pid, fd, 0, 256);
      assertThat(m.get("pagecache_misses")).as(what + ": the file is still cached").isEqualTo(misses);
      if (v.asi() && v.mapper().equals("exit")) {
        assertThat(m.get("asi_exit_sites.migrate")).as(what + ": each copy exits").isPositive();
      }
      assertThat(checker.checkFunctional()).as(what).isNull();
    }
  }

  /**
   * The {@code __GFP_UNMAPPED} pool holds the sensitive heap: its pages are handed out unmovable and
   * the ones {@code MADV_DONTNEED} frees stay free in the pool, outside the zones compaction works
   * on. The sensitive THP fault is served from the pool's free pages, with no compaction at all.
   */
  @Test
  void thePoolsPagesStayOutsideCompactionAndItsFreePagesServeTheThpFault() {
    Injector inj = variant(true, "unmapped-pool", "ephmap");
    SimKernel k = inj.getInstance(SimKernel.class);
    SimContext ctx = inj.getInstance(SimContext.class);
    Metrics m = ctx.metrics();
    Checker checker = new Checker(ctx.machine(), ctx.allocator(), k.view(), m, true);
    int pid = k.spawn();
    long heap = k.mmapAnon(pid, HEAP);
    for (int i = 0; i < HEAP; i++) {
      k.touch(pid, heap + i * PAGE, true);
    }
    holdAllPageblocks(k);
    for (int i = 1; i < HEAP; i += 2) {
      k.madviseDontneed(pid, heap + i * PAGE, 1);
    }
    k.setTransparentHugepage(Kernel.THP_ALWAYS);
    k.setThpDefrag(Kernel.THP_DEFRAG_ALWAYS);
    k.touch(pid, k.mmapAnon(pid, 1024), true);
    assertThat(m.get("compact_stall")).isZero();
    assertThat(m.get("pgmigrate_success")).isZero();
    long inPool = ctx.allocator().freePages() - ctx.allocator().zoneFreePages();
    assertThat(inPool).as("the heap's freed pages stay in the pool (less the folio's 512)").isGreaterThanOrEqualTo(HEAP / 2 - 512);
    assertThat(ctx.allocator().zoneFreePages()).isLessThan(HEAP / 2);
    assertThat(checker.checkFunctional()).isNull();
  }

  /** Takes every free block of pageblock order (ALLOC_NO_WATERMARKS); bounded by the machine's pageblocks. */
  private static void holdAllPageblocks(Kernel k) {
    long max = k.totalPages() / PageOrder.PAGEBLOCK_NR_PAGES;
    for (long n = 0; k.allocPages(0, PageOrder.PAGEBLOCK_ORDER, Gfp.GFP_KERNEL | Gfp.__GFP_MEMALLOC) >= 0; n++) {
      assertThat(n).as("more pageblocks than the machine has").isLessThan(max);
    }
  }
}
