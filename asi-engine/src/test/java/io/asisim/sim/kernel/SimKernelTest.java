package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulated kernel on small hand-checked scenarios, driven directly (no workload). */
class SimKernelTest {
  /** Events of one scenario, in order: "lost:pfn", "free:pfn". */
  private static final List<String> LOG = new ArrayList<>();

  private static Injector variant(boolean asi, String allocator, String flush) {
    List<Plugin<?>> plugins = new ArrayList<>(PluginRegistry.discover().all());
    plugins.add(new RecordingFlush());
    plugins.add(new RecordingAllocator());
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.ALLOCATOR, allocator);
    sel.put(PluginKind.FLUSH, flush);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, asi), sel, Set.of(), Settings.none(), 1, 0);
    LOG.clear();
    return Guice.createInjector(new VariantModule(c, PluginRegistry.of(plugins)));
  }

  @Test
  void forkSharesPagesAndCopiesOnlyWhileShared() {
    Injector inj = variant(false, "buddy", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int parent = k.spawn(); // 1 anonymous fault: the I/O buffer page
    long heap = k.mmapAnon(parent, 3);
    for (int i = 0; i < 3; i++) {
      k.touch(parent, heap + ((long) i << 12), true); // 3 more anonymous faults
    }
    int child = k.fork(parent); // 4 pages shared read-only
    k.touch(child, heap, true); // shared by 2: wp_page_copy() -> copy 1
    k.touch(parent, heap, true); // now mapped only by the parent: wp_page_reuse(), no copy
    k.touch(child, heap + 4096, true); // copy 2
    k.touch(child, heap + 4096, true); // already the child's own page: a plain write
    k.touch(parent, heap + 8192, false); // reads never copy
    assertThat(m.get("anon_faults")).isEqualTo(4);
    assertThat(m.get("cow_faults")).isEqualTo(2);
    assertThat(m.get("forks")).isEqualTo(1);
    assertThat(m.get("pages_zeroed")).isEqualTo(4); // anonymous faults zero, copies do not
  }

  @Test
  void readIntoABufferStillSharedAfterForkCopiesItFirst() {
    Injector inj = variant(false, "buddy", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int parent = k.spawn();
    int file = k.createFile(2, false);
    int fd = k.open(parent, file);
    k.write(parent, fd, 0, 2);
    int child = k.fork(parent); // the buffer page is now shared copy-on-write
    k.read(child, fd, 0, 2); // copy_to_user() faults on the first page copied: 1 copy, then writable
    assertThat(m.get("cow_faults")).isEqualTo(1);
  }

  @Test
  void unmapReportsLostAccessThenFreesAfterTheFlush() {
    Injector inj = variant(true, "recording", "recording");
    SimKernel k = inj.getInstance(SimKernel.class);
    int pid = k.spawn();
    long va = k.mmapAnon(pid, 3);
    for (int i = 0; i < 3; i++) {
      k.touch(pid, va + ((long) i << 12), true);
    }
    LOG.clear();
    k.munmap(pid, va, 3);
    // zap_pte_range() -> tlb_finish_mmu(): every loss of access is reported before any frame is
    // freed (the flush sits between the two in the kernel; frees come last)
    assertThat(LOG).hasSize(6);
    assertThat(LOG.subList(0, 3)).allMatch(e -> e.startsWith("lost:"));
    assertThat(LOG.subList(3, 6)).allMatch(e -> e.startsWith("free:"));
    assertThat(LOG.subList(3, 6)).containsExactlyElementsOf(
        LOG.subList(0, 3).stream().map(e -> "free:" + e.substring(5)).toList());
  }

  @Test
  void tmpfsHoleReadsAllocateNothing() {
    Injector inj = variant(true, "pageblock-migratetype", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int pid = k.spawn();
    int fd = k.open(pid, k.createFile(4, false));
    long requests = m.get("alloc_requests");
    long exits = m.get("asi_exits");
    k.read(pid, fd, 0, 4); // shmem SGP_READ: four copies of ZERO_PAGE
    assertThat(m.get("alloc_requests")).isEqualTo(requests);
    assertThat(m.get("pagecache_misses")).isZero();
    assertThat(m.get("asi_exits")).isEqualTo(exits); // ZERO_PAGE is nonsensitive: no exit
  }

  /**
   * Every reclaim round ({@code shrink_node()}) ends with {@code shrink_slab()}, the allocator's
   * shrinkers (the unmapped pool's): writing a disk-backed file of twice the 256 MiB machine
   * evicts page cache in rounds of at most {@code 4 * SWAP_CLUSTER_MAX} pages, each followed by one call.
   */
  @Test
  void everyReclaimRoundRunsTheAllocatorsShrinkers() {
    Injector inj = variant(true, "recording", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int pid = k.spawn();
    long pages = 2 * 65536;
    int fd = k.open(pid, k.createFile(pages, true));
    LOG.clear();
    for (long p = 0; p < pages; p += 16) {
      k.write(pid, fd, p, 16);
    }
    long rounds = LOG.stream().filter("shrink_slab"::equals).count();
    long evicted = m.get("pagecache_evictions");
    assertThat(evicted).isGreaterThan(pages / 2);
    assertThat(rounds).isGreaterThanOrEqualTo(evicted / 128).isLessThanOrEqualTo(evicted);
  }

  /** A flush policy that only records which (mm, frame) lost access. */
  static final class RecordingFlush implements Plugin<FlushPolicy> {
    @Override public PluginKind kind() { return PluginKind.FLUSH; }
    @Override public String name() { return "recording"; }
    @Override public String description() { return "test: records onAccessLost"; }
    @Override public FlushPolicy create(Params p, SimContext ctx) {
      return new FlushPolicy() {
        @Override public void onTransientMap(int cpu, long mm, long va, long pfn) {}
        @Override public void onTransientUnmap(int cpu, long mm, long va, long pfn) {}
        @Override public void beforeReuse(int cpu, long mm, long va) {}
        @Override public void onAccessLost(int cpu, long mm, long pfn) { LOG.add("lost:" + pfn); }
        @Override public void onMmExit(int cpu, long mm) {}
      };
    }
  }

  /** pageblock-migratetype recording every free of an order-0 user page. */
  static final class RecordingAllocator implements Plugin<PageAllocator> {
    private final Plugin<?> base = PluginRegistry.discover().get(PluginKind.ALLOCATOR, "pageblock-migratetype");

    @Override public PluginKind kind() { return PluginKind.ALLOCATOR; }
    @Override public String name() { return "recording"; }
    @Override public String description() { return "test: pageblock-migratetype recording frees"; }
    @Override public PageAllocator create(Params p, SimContext ctx) {
      PageAllocator a = (PageAllocator) base.create(Params.of(base), ctx);
      return new PageAllocator() {
        @Override public long alloc(int cpu, int order, int gfp) { return a.alloc(cpu, order, gfp); }
        @Override public void free(int cpu, long pfn, int order) {
          if (a.sensitivity(pfn) == Sensitivity.SENSITIVE) {
            LOG.add("free:" + pfn);
          }
          a.free(cpu, pfn, order);
        }
        @Override public Sensitivity sensitivity(long pfn) { return a.sensitivity(pfn); }
        @Override public long freePages() { return a.freePages(); }
        @Override public long reclaimWatermark() { return a.reclaimWatermark(); }
        @Override public void shrinkSlab(int cpu) {
          LOG.add("shrink_slab");
          a.shrinkSlab(cpu);
        }
      };
    }
  }
}
