package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.wiring.VariantModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /proc/vmstat} against the real file of this repository's Linux 6.18.44 guest
 * (calibration/data/vm-20261206/vmstat.after.xz), and the counters the simulation fills.
 */
class VmStatTest {
  private static String real(String name) throws IOException {
    try (InputStream in = VmStatTest.class.getResourceAsStream("/proc/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /**
   * The names list was taken from the first file; the other two are of another day's captures
   * (calibration/data/vm-20261207), read independently of it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vmstat-6.18.44.txt", "vmstat-6.18.44-20261207-before.txt", "vmstat-6.18.44-20261207-long.txt"})
  void realFilesRenderBackByteForByte(String file) throws IOException {
    String real = real(file);
    Map<String, Long> parsed = VmStat.parse(real);
    assertThat(List.copyOf(parsed.keySet())).as("the kernel's order is the names list").isEqualTo(VmStat.names());
    assertThat(VmStat.render(parsed)).isEqualTo(real);
  }

  @Test
  void theValuesAreTheFilesOwn() throws IOException {
    assertThat(VmStat.parse(real("vmstat-6.18.44.txt"))).hasSize(192).containsEntry("nr_slab_reclaimable", 27348L)
        .containsEntry("nr_slab_unreclaimable", 6564L);
  }

  @Test
  void aSubsetKeepsTheKernelsOrderAndUnknownNamesAndBadLinesAreRefused() {
    assertThat(VmStat.render(Map.of("pgfault", 3L, "nr_free_pages", 7L, "compact_stall", 0L)))
        .isEqualTo("nr_free_pages 7\npgfault 3\ncompact_stall 0\n");
    assertThatThrownBy(() -> VmStat.render(Map.of("nr_free_pagez", 1L)))
        .hasMessage("no /proc/vmstat counter 'nr_free_pagez' in Linux 6.18");
    assertThatThrownBy(() -> VmStat.parse("nr_free_pages 1\npgfault x\n"))
        .hasMessage("vmstat line 2: 'pgfault x' (valid: NAME VALUE)");
    assertThatThrownBy(() -> VmStat.parse("pgfault\n")).hasMessage("vmstat line 1: 'pgfault' (valid: NAME VALUE)");
    assertThatThrownBy(() -> VmStat.parse(" 5\n")).hasMessage("vmstat line 1: ' 5' (valid: NAME VALUE)");
    assertThatThrownBy(() -> VmStat.parse("a 1\n\nb 2\n")).hasMessage("vmstat line 2: '' (valid: NAME VALUE)");
  }

  /** pgfault counts every fault handle_mm_fault() handled: anonymous, copy-on-write and file. */
  @Test
  void pgfaultIsEveryKindOfFault() {
    VariantConfig c = new VariantConfig(new MachineConfig(256L << 20, 2, true), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int p = k.spawn();
    long va = k.mmapAnon(p, 2);
    k.touch(p, va, true);
    int c2 = k.fork(p);
    k.touch(c2, va, true); // copy-on-write
    int f = k.createFile(2, true);
    long fva = k.mmapFile(p, f, 2);
    k.touch(p, fva, false); // a file read fault
    assertThat(new long[] {m.get("anon_faults"), m.get("cow_faults"), m.get("file_faults")}).doesNotContain(0L);
    assertThat(VmStat.of(m, inj.getInstance(PageAllocator.class)).get("pgfault"))
        .isEqualTo(m.get("anon_faults") + m.get("cow_faults") + m.get("file_faults"));
  }

  /**
   * A file bigger than memory read twice on 64 MiB: each reclaimer counts its own scans, steals and
   * stalls. Without ASI kswapd evicts all of it (woken below the low marks, it keeps the zones above
   * them). Under ASI (pageblock-migratetype) the page cache's requests often find no free page of
   * their sensitivity while the watermarks are met: {@code wakeup_kswapd()} leaves the balanced node
   * alone, and they stall in direct reclaim, which then evicts most of the file; kswapd still runs
   * when the marks are missed.
   */
  @Test
  void reclaimCountsScansStealsAndStallsUnderTheirKernelNames() {
    Map<String, Long> plain = readTwice(false);
    assertThat(plain.get("pgsteal_kswapd")).isPositive();
    assertThat(plain.get("pgsteal_direct")).isZero();
    assertThat(plain.get("allocstall_movable") + plain.get("allocstall_normal")).isZero();
    Map<String, Long> asi = readTwice(true);
    assertThat(asi.get("pgsteal_kswapd")).isPositive();
    assertThat(asi.get("pgsteal_direct")).isGreaterThan(asi.get("pgsteal_kswapd"));
    assertThat(asi.get("allocstall_movable")).as("the page cache's stalls").isPositive();
    assertThat(asi.get("allocstall_normal")).as("GFP_KERNEL requests (slab pages) stall far less")
        .isLessThan(asi.get("allocstall_movable"));
  }

  private static Map<String, Long> readTwice(boolean asiOn) {
    VariantConfig c = new VariantConfig(new MachineConfig(64L << 20, 2, asiOn), Map.of(), Set.of(), Settings.none(), 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, PluginRegistry.discover()));
    SimKernel k = inj.getInstance(SimKernel.class);
    Metrics m = inj.getInstance(Metrics.class);
    int p = k.spawn();
    int f = k.createFile(40_000, true);
    int fd = k.open(p, f);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < 40_000; i += 32) {
        k.read(p, fd, i, 32);
      }
    }
    Map<String, Long> v = VmStat.of(m, inj.getInstance(PageAllocator.class));
    long steal = v.get("pgsteal_kswapd") + v.get("pgsteal_direct");
    assertThat(steal).as("every eviction is kswapd's or direct reclaim's").isEqualTo(m.get("pagecache_evictions"))
        .isPositive();
    assertThat(v.get("pgscan_kswapd")).as("a page looked at is a page stolen or rotated")
        .isGreaterThanOrEqualTo(v.get("pgsteal_kswapd"));
    assertThat(v.get("pgscan_direct")).isGreaterThanOrEqualTo(v.get("pgsteal_direct"));
    assertThat(v.get("pgfault")).isEqualTo(m.get("anon_faults") + m.get("cow_faults") + m.get("file_faults"));
    assertThat(v.get("nr_free_pages")).isEqualTo(k.freePages());
    assertThat(v.get("nr_slab_reclaimable")).as("dentry, ext4 inode and radix-tree slabs").isPositive();
    String text = VmStat.render(v);
    assertThat(text.lines().map(l -> l.substring(0, l.indexOf(' '))).toList())
        .isSubsetOf(VmStat.names()).startsWith("nr_free_pages", "nr_slab_reclaimable", "nr_slab_unreclaimable");
    return v;
  }
}
