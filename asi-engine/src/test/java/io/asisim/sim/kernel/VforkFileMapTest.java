package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.kernel.Kernel;
import io.asisim.api.machine.Cost;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.check.Checker;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** vfork, private file mappings and the VFS read path on small hand-checked scenarios and a random soak. */
class VforkFileMapTest {
  /** mms torn down ({@code onMmExit}), in order. */
  private static final List<Long> MM_EXITS = new ArrayList<>();

  private static Injector variant(boolean asi, String allocator, String mapper, String flush) {
    List<Plugin<?>> plugins = new ArrayList<>(PluginRegistry.discover().all());
    plugins.add(new MmExitRecorder());
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.ALLOCATOR, allocator);
    sel.put(PluginKind.MAPPER, mapper);
    sel.put(PluginKind.FLUSH, flush);
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, asi), sel, Set.of(), Settings.none(), 1, 0);
    MM_EXITS.clear();
    return Guice.createInjector(new VariantModule(c, PluginRegistry.of(plugins)));
  }

  @Test
  void vforkChildSharesTheMmWithoutCopiesAndExecReleasesIt() {
    Injector inj = variant(true, "pageblock-migratetype", "ephmap", "mm-exit-recorder");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int parent = k.spawn(); // 1 anonymous fault (I/O buffer)
    long heap = k.mmapAnon(parent, 3);
    for (int i = 0; i < 3; i++) {
      k.touch(parent, heap + ((long) i << 12), true); // 3 more
    }
    int child = k.vfork(parent);
    assertThat(k.vforkWaiting(parent)).isTrue();
    assertThat(k.vforkWaiting(child)).isFalse();
    k.touch(child, heap, true); // the parent's own writable page: no fault, no copy
    k.touch(child, heap + 4096, false);
    assertThat(m.get("anon_faults")).isEqualTo(4);
    assertThat(m.get("cow_faults")).isZero();
    assertThat(m.get("forks")).isEqualTo(1);
    assertThat(k.exec(child)).isTrue(); // exec_mmap(): mm_release() wakes the parent, mmput() keeps the mm
    assertThat(k.vforkWaiting(parent)).isFalse();
    assertThat(MM_EXITS).isEmpty();
    assertThat(m.get("anon_faults")).isEqualTo(5); // the child's new image: its I/O buffer
    k.touch(parent, heap, true); // the parent resumes on its untouched, still writable page
    assertThat(m.get("cow_faults")).isZero();
    k.exit(parent); // last user of the shared mm: torn down now
    assertThat(MM_EXITS).hasSize(1);
    k.exit(child);
    assertThat(MM_EXITS).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void sharedMmIsFreedOnlyWhenBothVforkUsersAreGone() {
    Injector inj = variant(true, "pageblock-migratetype", "exit", "mm-exit-recorder");
    SimKernel k = inj.getInstance(SimKernel.class);
    long free0 = KernelPages.freeOrSlab(k);
    int parent = k.spawn();
    int child = k.vfork(parent);
    k.exit(child); // _exit() without exec: mm_release() wakes the parent, the mm stays
    assertThat(k.vforkWaiting(parent)).isFalse();
    assertThat(MM_EXITS).isEmpty();
    k.exit(parent);
    assertThat(MM_EXITS).hasSize(1);
    assertThat(KernelPages.freeOrSlab(k)).isEqualTo(free0); // buffer page and page tables came back exactly once
  }

  @Test
  void fileReadFaultsMapCachedFoliosWithoutAllocating() {
    Injector inj = variant(true, "pageblock-migratetype", "ephmap", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int pid = k.spawn();
    int file = k.createFile(4, false);
    int fd = k.open(pid, file);
    k.write(pid, fd, 0, 4); // 4 page-cache pages
    long va = k.mmapFile(pid, file, 4);
    k.touch(pid, va, false); // first: a page table for the new range may be allocated
    long requests = m.get("alloc_requests");
    for (int i = 1; i < 4; i++) {
      k.touch(pid, va + ((long) i << 12), false); // do_read_fault(): the cached folio, mapped read-only
    }
    k.touch(pid, va, false); // already mapped: a plain access
    assertThat(m.get("alloc_requests")).isEqualTo(requests);
    assertThat(m.get("pagecache_misses")).isEqualTo(4);
    assertThat(m.get("anon_faults")).isEqualTo(1);
    assertThat(m.get("cow_faults")).isZero();
    k.close(pid, fd); // the mapping keeps the access: the pages stay readable
    k.munmap(pid, va, 4);
    k.exit(pid);
  }

  @Test
  void privateWriteFaultCopiesOnceFromThePageCache() {
    Injector inj = variant(true, "pageblock-migratetype", "exit", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int pid = k.spawn();
    int file = k.createFile(2, false);
    int fd = k.open(pid, file);
    k.write(pid, fd, 0, 2);
    long va = k.mmapFile(pid, file, 2);
    k.touch(pid, va, false); // read fault: page 0 mapped read-only
    long cowExits = m.get("asi_exit_sites.cow");
    long doCowExits = m.get("asi_exit_sites.do_cow_fault");
    k.touch(pid, va, true); // wp_page_copy() of the page-cache page: copy 1
    k.touch(pid, va, true); // now the process's own anonymous page
    k.touch(pid, va + 4096, true); // do_cow_fault(): copy 2, the file page never mapped
    k.touch(pid, va + 4096, true);
    assertThat(m.get("cow_faults")).isEqualTo(2);
    assertThat(m.get("pagecache_misses")).isEqualTo(2); // the file pages stay cached, none read again
    // the `exit` mapper touches the sensitive page-cache source through the direct map: one exit per copy
    assertThat(m.get("asi_exit_sites.cow")).isEqualTo(cowExits + 1);
    assertThat(m.get("asi_exit_sites.do_cow_fault")).isEqualTo(doCowExits + 1);
  }

  @Test
  void execMapsTextThatFaultsInFromTheFile() {
    Injector inj = variant(false, "buddy", "exit", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int pid = k.spawn();
    int program = k.createFile(8, true); // a disk file: a miss is read in by DMA
    assertThat(k.exec(pid, program, 8)).isTrue();
    k.touch(pid, Kernel.TEXT_BASE, false); // miss: read in, mapped
    k.touch(pid, Kernel.TEXT_BASE + 4096, false);
    assertThat(m.get("pagecache_misses")).isEqualTo(2);
    int other = k.spawn();
    assertThat(k.exec(other, program, 8)).isTrue();
    k.touch(other, Kernel.TEXT_BASE, false); // the same cached folio: no miss
    assertThat(m.get("pagecache_misses")).isEqualTo(2);
    assertThat(m.get("cow_faults")).isZero();
  }

  @Test
  void preadOfAFileLargerThanTheLlcCostsExactlyTheColdCopyAndLookupMore() {
    Injector inj = variant(false, "buddy", "exit", "local");
    SimKernel k = inj.getInstance(SimKernel.class);
    Machine machine = inj.getInstance(SimContext.class).machine();
    long cached = machine.profile().get(Cost.COPY_PAGE_CACHED);
    long cold = machine.profile().get(Cost.COPY_PAGE);
    long llcPages = machine.profile().get(Cost.LLC_KIB) / 4;
    int pid = k.spawn();
    int small = k.open(pid, k.createFile(4, false));
    int large = k.open(pid, k.createFile(llcPages + 1, false));
    k.write(pid, small, 0, 1);
    k.write(pid, large, 0, 1);
    k.read(pid, small, 0, 1); // warm the TLBs for both pages and the buffer
    k.read(pid, large, 0, 1);
    int cpu = k.cpuOf(pid);
    long t0 = machine.cycles(cpu);
    k.read(pid, small, 0, 1);
    long smallCost = machine.cycles(cpu) - t0;
    t0 = machine.cycles(cpu);
    k.read(pid, large, 0, 1);
    long largeCost = machine.cycles(cpu) - t0;
    // the copy from DRAM, and the page-cache metadata that misses the caches too
    assertThat(largeCost - smallCost).isEqualTo(cold - cached + VfsCosts.READ_LOOKUP_COLD);
    assertThat(smallCost).isGreaterThanOrEqualTo(machine.profile().get(Cost.SYSCALL) + VfsCosts.READ_CALL
        + VfsCosts.READ_PER_FOLIO + cached);
  }

  @Test
  void reclaimNeverPicksAMappedPage() {
    PageCache cache = new PageCache();
    int f = cache.createFile(3, true);
    for (int i = 0; i < 3; i++) {
      cache.insert(f, i, 100 + i);
    }
    cache.mapPte(f, 1);
    List<Long> victims = new ArrayList<>();
    for (long code = cache.nextVictim(); code >= 0; code = cache.nextVictim()) {
      victims.add(PageCache.indexOf(code));
      cache.remove(f, PageCache.indexOf(code));
    }
    assertThat(victims).containsExactly(0L, 2L);
    cache.unmapPte(101);
    assertThat(PageCache.indexOf(cache.nextVictim())).isEqualTo(1L);
  }

  @Test
  void randomVforkExecFileFaultsKeepTheCheckerQuietAndLeakNothing() {
    for (String mapper : List.of("ephmap", "exit", "kmap-local")) {
      Injector inj = variant(true, "pageblock-migratetype", mapper, "precise");
      SimKernel k = inj.getInstance(SimKernel.class);
      SimContext ctx = inj.getInstance(SimContext.class);
      Metrics m = ctx.metrics();
      Checker checker = new Checker(ctx.machine(), ctx.allocator(), k.view(), m, true);
      long free0 = KernelPages.freeOrSlab(k);
      SplittableRandom r = new SplittableRandom(19);
      int[] files = {k.createFile(16, false), k.createFile(24, true), k.createFile(6, true)};
      List<Integer> live = new ArrayList<>();
      List<long[]> maps = new ArrayList<>(); // {pid, va, pages}
      for (int op = 0; op < 3000; op++) {
        if (live.isEmpty()) {
          live.add(k.spawn());
        }
        int pid = live.get(r.nextInt(live.size()));
        if (k.vforkWaiting(pid)) {
          continue; // suspended in vfork: does not run
        }
        int what = r.nextInt(12);
        if (what == 0 && live.size() < 8) {
          live.add(r.nextBoolean() ? k.fork(pid) : k.vfork(pid));
        } else if (what == 1) {
          if (!k.exec(pid, files[r.nextInt(3)], 1 + r.nextInt(6))) {
            live.remove(Integer.valueOf(pid));
          }
          maps.removeIf(x -> x[0] == pid);
        } else if (what == 2 && live.size() > 1) {
          k.exit(pid);
          live.remove(Integer.valueOf(pid));
          maps.removeIf(x -> x[0] == pid);
        } else if (what == 3) {
          int f = files[r.nextInt(3)];
          long pages = 1 + r.nextInt(8);
          maps.add(new long[] {pid, k.mmapFile(pid, f, pages), pages});
        } else if (what <= 6) {
          long[] mp = pickMap(maps, pid, r);
          long va = mp != null ? mp[1] + ((long) r.nextInt((int) mp[2]) << 12)
              : Kernel.TEXT_BASE + ((long) r.nextInt(6) << 12);
          k.touch(pid, va, r.nextInt(3) == 0);
        } else if (what == 7) {
          long[] mp = pickMap(maps, pid, r);
          if (mp != null) {
            k.munmap(pid, mp[1], (int) mp[2]);
            maps.remove(mp);
          }
        } else {
          int fd = k.open(pid, files[r.nextInt(3)]);
          if (r.nextBoolean()) {
            k.read(pid, fd, r.nextInt(6), 1 + r.nextInt(3));
          } else {
            k.write(pid, fd, r.nextInt(6), 1 + r.nextInt(3));
          }
          k.close(pid, fd);
        }
        assertThat(checker.checkFunctional()).as(mapper + " op " + op).isNull();
      }
      // children first: a vfork parent must not exit while its child borrows the mm
      for (int i = live.size() - 1; i >= 0; i--) {
        k.exit(live.get(i));
      }
      assertThat(checker.checkFunctional()).isNull();
      long cached = m.get("pagecache_misses") - m.get("pagecache_evictions");
      assertThat(free0 - KernelPages.freeOrSlab(k)).as(mapper + ": only page-cache pages stay allocated").isEqualTo(cached);
      KernelPages.noProcessObjectsLeft(k);
    }
  }

  private static long[] pickMap(List<long[]> maps, int pid, SplittableRandom r) {
    List<long[]> mine = new ArrayList<>();
    for (long[] x : maps) {
      if (x[0] == pid) {
        mine.add(x);
      }
    }
    return mine.isEmpty() ? null : mine.get(r.nextInt(mine.size()));
  }

  /** A flush policy that records which mms were torn down. */
  static final class MmExitRecorder implements Plugin<FlushPolicy> {
    @Override public PluginKind kind() { return PluginKind.FLUSH; }
    @Override public String name() { return "mm-exit-recorder"; }
    @Override public String description() { return "test: records onMmExit"; }
    @Override public FlushPolicy create(Params p, SimContext ctx) {
      return new FlushPolicy() {
        @Override public void onTransientMap(int cpu, long mm, long va, long pfn) {}
        @Override public void onTransientUnmap(int cpu, long mm, long va, long pfn) {}
        @Override public void beforeReuse(int cpu, long mm, long va) {}
        @Override public void onAccessLost(int cpu, long mm, long pfn) {}
        @Override public void onMmExit(int cpu, long mm) { MM_EXITS.add(mm); }
      };
    }
  }
}
