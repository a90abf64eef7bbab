package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.slab.KmemCache;
import io.asisim.sim.wiring.VariantModule;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own objects in slab caches ({@link KernelSlab}): which system call allocates and
 * frees which object, counted exactly; the page cache's xarray nodes under reclaim; which caches
 * are sensitive under each {@code slab} choice of the classifier.
 */
class KernelSlabTest {
  private static final PluginRegistry REG = PluginRegistry.discover();
  private SimKernel k;
  private Metrics m;

  private void boot(long memory, String slab) {
    Settings s = Settings.none().with(PluginKind.SENSITIVITY, "gfp-sensitive", "slab", slab);
    VariantConfig c = new VariantConfig(new MachineConfig(memory, 2, true), Map.of(), Set.of(), s, 1, 0);
    Injector inj = Guice.createInjector(new VariantModule(c, REG));
    k = inj.getInstance(SimKernel.class);
    m = inj.getInstance(Metrics.class);
  }

  /** Objects in use per cache, by name. */
  private Map<String, Long> active() {
    Map<String, Long> a = new TreeMap<>();
    for (KmemCache c : k.slub().caches()) {
      a.put(c.name(), c.activeObjects());
    }
    return a;
  }

  private long active(String cache) {
    return active().get(cache);
  }

  @Test
  void eachSystemCallAllocatesAndFreesTheObjectsTheKernelDoes() {
    boot(256L << 20, "reclaimable");
    int p = k.spawn();
    assertThat(active()).as("a process: task_struct, sighand, mm_struct, the stack and anonymous VMAs")
        .containsEntry("task_struct", 1L).containsEntry("sighand_cache", 1L).containsEntry("mm_struct", 1L)
        .containsEntry("vm_area_struct", 2L).containsEntry("filp", 0L);
    int f = k.createFile(130, true);
    assertThat(active()).containsEntry("dentry", 1L).containsEntry("ext4_inode_cache", 1L)
        .containsEntry("radix_tree_node", 0L);
    int fd = k.open(p, f);
    assertThat(active("filp")).isEqualTo(1);
    k.read(p, fd, 0, 70);
    assertThat(m.get("pagecache_misses")).isEqualTo(70);
    assertThat(active("radix_tree_node")).as("pages 0..69 of 130: two leaves (0..63, 64..127) and the root")
        .isEqualTo(3);
    int c = k.fork(p);
    assertThat(active()).as("dup_mm() copies both VMAs; dup_fd() shares the struct file")
        .containsEntry("task_struct", 2L).containsEntry("sighand_cache", 2L).containsEntry("mm_struct", 2L)
        .containsEntry("vm_area_struct", 4L).containsEntry("filp", 1L);
    k.close(c, fd);
    assertThat(active("filp")).as("the parent's descriptor still refers to it").isEqualTo(1);
    k.close(p, fd);
    assertThat(active("filp")).as("the last fput()").isZero();
    k.cloneThread(p);
    assertThat(active()).as("CLONE_SIGHAND: a task_struct, no sighand")
        .containsEntry("task_struct", 3L).containsEntry("sighand_cache", 2L);
    int g = k.createFile(1, false);
    k.mmapFile(p, g, 1);
    assertThat(active()).containsEntry("shmem_inode_cache", 1L).containsEntry("dentry", 2L)
        .containsEntry("vm_area_struct", 5L);
    k.exec(c, f, 4);
    assertThat(active()).as("exec: the old mm's two VMAs go, the new one has stack, anonymous and text")
        .containsEntry("mm_struct", 2L).containsEntry("vm_area_struct", 6L);
    k.exit(c);
    k.exit(p); // and the thread t with it
    KernelPages.noProcessObjectsLeft(k);
    assertThat(active()).as("files outlive the processes: dentries, inodes, cached pages' nodes")
        .containsEntry("dentry", 2L).containsEntry("ext4_inode_cache", 1L).containsEntry("shmem_inode_cache", 1L)
        .containsEntry("radix_tree_node", 3L);
    // SLAB_RECLAIM_ACCOUNT caches: one dentry slab (order 0), one ext4 inode slab (order 2), one
    // radix-tree slab (order 1), as calculate_order() sizes them on two CPUs
    assertThat(m.get("nr_slab_reclaimable")).isEqualTo(1 + 4 + 2);
    assertThat(m.get("slab_alloc_failures")).isZero();
    assertThat(k.view().slabInconsistency()).isNull();
  }

  @Test
  void xarrayNodesFollowThePageCacheThroughReclaim() {
    boot(64L << 20, "reclaimable");
    int p = k.spawn();
    int f = k.createFile(40_000, true); // 156 MiB through a 64 MiB machine
    int fd = k.open(p, f);
    for (int i = 0; i < 40_000; i += 16) {
      k.read(p, fd, i, 16);
      if (i % 4096 == 0) {
        assertThat(k.view().slabInconsistency()).as("after page " + i).isNull();
      }
    }
    assertThat(m.get("pagecache_evictions")).isPositive();
    long cached = m.get("pagecache_misses") - m.get("pagecache_evictions");
    long nodes = active("radix_tree_node");
    assertThat(nodes).as("at least one leaf per 64 cached pages, and the root")
        .isGreaterThanOrEqualTo(cached / 64 + 1).isLessThan(cached);
    assertThat(k.view().slabInconsistency()).isNull();
    k.close(p, fd);
    k.exit(p);
    KernelPages.noProcessObjectsLeft(k);
  }

  @Test
  void theClassifierDecidesWhichCachesAreSensitive() {
    for (String slab : new String[] {"reclaimable", "none", "all"}) {
      boot(256L << 20, slab);
      for (KmemCache c : k.slub().caches()) {
        boolean sensitive = (c.allocflags() & Gfp.__GFP_SENSITIVE) != 0;
        boolean want = slab.equals("all") || (slab.equals("reclaimable") && c.reclaimable());
        assertThat(sensitive).as(slab + ": " + c.name()).isEqualTo(want);
      }
    }
    boot(256L << 20, "reclaimable");
    assertThat(k.slub().caches().stream().filter(KmemCache::reclaimable).map(KmemCache::name))
        .containsExactlyInAnyOrder("dentry", "ext4_inode_cache", "radix_tree_node");
  }

  /** The xarray's nodes as pages enter and leave, two files apart; tables grow past their first size. */
  @Test
  void xarrayNodesAppearAndGoWithTheirPagesAndTablesGrow() {
    boot(256L << 20, "none");
    KernelSlab s = k.kernelSlab();
    int a = k.createFile(130, true);
    int b = k.createFile(130, true);
    for (long i = 0; i < 70; i++) {
      s.pageCacheAdded(0, a, i);
      s.pageCacheAdded(0, b, i);
    }
    assertThat(active("radix_tree_node")).as("per file: two leaves and the root").isEqualTo(6);
    for (long i = 64; i < 70; i++) {
      s.pageCacheRemoved(0, a, i);
    }
    assertThat(active("radix_tree_node")).as("a's second leaf went").isEqualTo(5);
    for (long i = 0; i < 64; i++) {
      s.pageCacheRemoved(0, a, i);
    }
    assertThat(active("radix_tree_node")).as("a's first leaf and its root went").isEqualTo(3);
    // the bookkeeping no longer matches the page cache (which holds none of b's pages)
    assertThat(k.view().slabInconsistency()).startsWith("xarray: 3 nodes allocated for the page cache, which needs 0");
    for (long i = 0; i < 70; i++) {
      s.pageCacheRemoved(0, b, i);
    }
    assertThat(active("radix_tree_node")).isZero();
    assertThat(k.view().slabInconsistency()).isNull();
    // past the first 64 pids, handles and files
    s.taskCreated(0, 64, true);
    assertThat(active("task_struct")).isEqualTo(1);
    s.taskReleased(0, 64);
    int[] h = new int[70];
    for (int i = 0; i < h.length; i++) {
      h[i] = s.fileOpened(0);
    }
    assertThat(active("filp")).isEqualTo(70);
    for (int x : h) {
      s.filePut(0, x);
    }
    assertThat(active("filp")).isZero();
    for (int i = 0; i < 70; i++) {
      k.createFile(1, false);
    }
    assertThat(active("dentry")).isEqualTo(72);
  }

  /** munmap() of a whole file mapping frees its VMA (remove_vma()); of its middle, splits it (__split_vma()). */
  @Test
  void munmapFreesOrSplitsTheVma() {
    boot(256L << 20, "reclaimable");
    int p = k.spawn();
    int f = k.createFile(8, true);
    long whole = k.mmapFile(p, f, 4);
    long split = k.mmapFile(p, f, 8);
    assertThat(active("vm_area_struct")).isEqualTo(2 + 2);
    k.munmap(p, whole, 4);
    assertThat(active("vm_area_struct")).isEqualTo(2 + 1);
    k.munmap(p, split + (2L << 12), 2); // pages 2..3 of 8: two VMAs remain of it
    assertThat(active("vm_area_struct")).isEqualTo(2 + 2);
    int c = k.fork(p);
    assertThat(active("vm_area_struct")).as("dup_mmap() copies the VMAs there are").isEqualTo(2 * (2 + 2));
    k.exit(c);
    k.exit(p);
    KernelPages.noProcessObjectsLeft(k);
  }

  /** Two files open at once in one process: each its own struct file, freed at its own close. */
  @Test
  void twoOpenFilesAreTwoStructFiles() {
    boot(256L << 20, "reclaimable");
    int p = k.spawn();
    int f = k.createFile(4, true);
    int g = k.createFile(4, true);
    int fd = k.open(p, f);
    int gd = k.open(p, g);
    assertThat(active("filp")).isEqualTo(2);
    k.close(p, fd);
    assertThat(active("filp")).isEqualTo(1);
    k.close(p, gd);
    assertThat(active("filp")).isZero();
  }

  /** A node counted with no page behind it: the recount from the page cache names it. */
  @Test
  void aNodeCountTheCacheDoesNotHaveIsReported() {
    boot(256L << 20, "reclaimable");
    int p = k.spawn();
    int f = k.createFile(130, true);
    k.read(p, k.open(p, f), 0, 10);
    k.kernelSlab().pageCacheAdded(0, f, 20); // page 20 is not cached
    assertThat(k.view().slabInconsistency()).matches("xarray: node 0 at level 0 of file " + f
        + " counts 11 entries, the page cache has 10");
  }

  @Test
  void xarrayHeightIsTheFileSizes() {
    assertThat(KernelSlab.xaHeight(1)).as("index 0 lives in xa_head").isZero();
    assertThat(KernelSlab.xaHeight(2)).isEqualTo(1);
    assertThat(KernelSlab.xaHeight(64)).isEqualTo(1);
    assertThat(KernelSlab.xaHeight(65)).isEqualTo(2);
    assertThat(KernelSlab.xaHeight(4096)).isEqualTo(2);
    assertThat(KernelSlab.xaHeight(4097)).isEqualTo(3);
  }
}
