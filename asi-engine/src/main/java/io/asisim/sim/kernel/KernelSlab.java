package io.asisim.sim.kernel;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.metrics.Metrics;
import io.asisim.sim.slab.CacheFlags;
import io.asisim.sim.slab.SlabPages;
import io.asisim.sim.slab.SlabSensitivity;
import io.asisim.sim.slab.SlabStats;
import io.asisim.sim.slab.Slub;
import io.asisim.sim.util.LongLongMap;
import java.util.Arrays;

/**
 * The simulated kernel's own objects in SLUB caches ({@link Slub}), allocated and freed where the
 * real kernel does it:
 * <ul>
 *   <li>{@code task_struct} ({@code dup_task_struct()}, kernel/fork.c) for every new task, and
 *       {@code sighand_cache} ({@code copy_sighand()}) for every task but a {@code CLONE_SIGHAND}
 *       thread; both freed when the task is released (the kernel frees them after the parent reaps
 *       the zombie and an RCU grace period: here at exit);
 *   <li>{@code mm_struct} ({@code mm_alloc()} at exec and spawn, {@code dup_mm()} at fork) and its
 *       {@code vm_area_struct}s: the stack's and the anonymous memory's at creation
 *       ({@code setup_arg_pages()}, the first anonymous mapping), one per file mapping
 *       ({@code mmap_region()}), as many as the parent has at fork ({@code dup_mmap()} →
 *       {@code vm_area_dup()}); all freed by the last {@code mmput()} ({@code exit_mmap()},
 *       {@code mmdrop()});
 *   <li>{@code filp} ({@code alloc_empty_file()} in {@code path_openat()}), shared by the copies
 *       of a descriptor table ({@code dup_fd()} takes a reference) and freed at its last
 *       {@code fput()};
 *   <li>{@code dentry} ({@code d_alloc()}) and the inode ({@code alloc_inode_sb()}:
 *       {@code ext4_inode_cache} for an evictable file, {@code shmem_inode_cache} for a tmpfs one)
 *       when a file is created; files are never unlinked here;
 *   <li>{@code radix_tree_node}: the nodes of a file's page-cache xarray (lib/xarray.c), one per
 *       64-slot range holding at least one page at each level ({@code xas_alloc()} when an insert
 *       reaches an empty range, {@code xas_delete_node()} when the last entry of a node goes;
 *       reclaim's shadow entries, which keep a node until the shadow-node shrinker runs, are
 *       not modelled).
 * </ul>
 * Slot sizes and {@code SLAB_RECLAIM_ACCOUNT} are those of this repository's Linux 6.18 guest
 * ({@code /sys/kernel/slab}, docs/calibration.md); every object is allocated with
 * {@code GFP_KERNEL}. Which caches are sensitive is the sensitivity classifier's
 * ({@link SensitivityClassifier#sensitiveSlab}).
 *
 * <p>Not modelled (docs/deviations.md): the cost of an object allocation (inside the measured
 * system-call costs), kernel touches of the objects (so a sensitive cache causes no ASI exit),
 * the two {@code struct file}s of a pipe, caches merged into others ({@code files_cache},
 * {@code signal_cache}, {@code pid}, {@code cred}
 * ...), anonymous VMAs per {@code mmap()} (treated as merged with the first one), negative dentries,
 * shrinkers of dentries and inodes, and the xarray's height changing with the highest index cached
 * (it is the file size's).
 *
 * <p>Reclaim run by a slab page's allocation may free radix-tree nodes (evicted page cache) while
 * SLUB is inside an allocation; such frees are applied when the allocation returns, as SLUB's
 * lockless slow path would see them.
 */
final class KernelSlab {
  /** Cache names, slot sizes ({@code slab_size}) of the Linux 6.18 guest. */
  private static final String[] NAMES = {"task_struct", "sighand_cache", "mm_struct", "vm_area_struct", "filp",
      "dentry", "ext4_inode_cache", "shmem_inode_cache", "radix_tree_node"};
  private static final int[] SIZES = {5888, 2112, 1600, 192, 192, 192, 1128, 752, 584};
  private static final int TASK = 0;
  private static final int SIGHAND = 1;
  private static final int MM = 2;
  private static final int VMA = 3;
  private static final int FILP = 4;
  private static final int DENTRY = 5;
  private static final int EXT4_INODE = 6;
  private static final int SHMEM_INODE = 7;
  private static final int XA_NODE = 8;
  /** VMAs every mm has besides its file mappings: the stack and the anonymous memory. */
  private static final int BASE_VMAS = 2;
  /** {@code XA_CHUNK_SHIFT}: a node has 64 slots. */
  private static final int XA_CHUNK_SHIFT = 6;

  private final Slub slub;
  private final int[] cache = new int[NAMES.length];
  // per pid: the slab of its task_struct and sighand_struct (-1: none); written by taskCreated() before any read
  private int[] taskSlab = new int[64];
  private int[] sighandSlab = new int[64];
  // struct file handles: slab, references; free handles on a stack
  private int[] filpSlab = new int[64];
  private int[] filpRefs = new int[64];
  private int[] freeFilps = new int[64];
  private int nrFreeFilps;
  private int nextFilp;
  // per file: its xarray's height (its dentry and inode are never freed: files are not unlinked)
  private int[] xaHeight = new int[64];
  /** xarray node (file, level, index) → its slab << 32 | slots in use. */
  private final LongLongMap xaNodes = new LongLongMap(1 << 10);
  // frees requested while SLUB allocates (reclaim inside a slab page allocation)
  private boolean allocating;
  private int[] pendingFrees = new int[16];
  private int nrPending;

  /**
   * @param nrCpus the simulated CPUs
   * @param vmscan where slab pages come from (with kswapd and direct reclaim as their masks allow)
   * @param allocatorFree gives a slab's pages back
   * @param classifier decides which caches are sensitive
   */
  KernelSlab(int nrCpus, Vmscan vmscan, io.asisim.api.mm.PageAllocator allocatorFree, SensitivityClassifier classifier,
      Metrics metrics) {
    SlabPages pages = new SlabPages() {
      @Override
      public long alloc(int cpu, int order, int gfp) {
        return vmscan.allocPages(cpu, order, gfp);
      }

      @Override
      public void free(int cpu, long pfn, int order) {
        allocatorFree.free(cpu, pfn, order);
      }
    };
    this.slub = new Slub(nrCpus, pages, SlabSensitivity.of(classifier), new SlabStats(metrics));
    CacheFlags flags = CacheFlags.linux618();
    for (int i = 0; i < NAMES.length; i++) {
      cache[i] = slub.cache(NAMES[i], SIZES[i], flags.reclaimable(NAMES[i]), flags.dma(NAMES[i]));
    }
  }

  /** The allocator state, for the checker and {@code /proc/slabinfo}. */
  Slub slub() {
    return slub;
  }

  private int alloc(int cpu, int which) {
    allocating = true;
    int s = slub.alloc(cpu, cache[which], Gfp.GFP_KERNEL);
    allocating = false;
    while (nrPending > 0) {
      slub.free(cpu, pendingFrees[--nrPending]);
    }
    return s;
  }

  private void free(int cpu, int slab) {
    if (slab < 0) {
      return; // the allocation failed (slab_alloc_failures counts it)
    }
    if (allocating) {
      if (nrPending == pendingFrees.length) {
        pendingFrees = Arrays.copyOf(pendingFrees, nrPending * 2);
      }
      pendingFrees[nrPending++] = slab;
      return;
    }
    slub.free(cpu, slab);
  }

  // ---- tasks

  /** {@code dup_task_struct()} for new task {@code pid} on {@code cpu}, with its own {@code sighand_struct} unless a thread. */
  void taskCreated(int cpu, int pid, boolean ownSighand) {
    if (pid >= taskSlab.length) {
      int n = Math.max(pid + 1, taskSlab.length * 2);
      taskSlab = Arrays.copyOf(taskSlab, n);
      sighandSlab = Arrays.copyOf(sighandSlab, n);
    }
    taskSlab[pid] = alloc(cpu, TASK);
    sighandSlab[pid] = ownSighand ? alloc(cpu, SIGHAND) : -1;
  }

  /** {@code free_task()} and {@code __cleanup_sighand()} of released task {@code pid}. */
  void taskReleased(int cpu, int pid) {
    free(cpu, taskSlab[pid]);
    free(cpu, sighandSlab[pid]);
    taskSlab[pid] = -1;
    sighandSlab[pid] = -1;
  }

  // ---- mm_struct and vm_area_struct

  /**
   * A new mm's {@code mm_struct} ({@code mm_alloc()}, or {@code allocate_mm()} in {@code dup_mm()})
   * and a {@code vm_area_struct} for each of its VMAs (for a fork, after its mappings were copied:
   * {@code dup_mmap()} → {@code vm_area_dup()}).
   */
  void mmCreated(int cpu, MmState m) {
    m.mmSlab = alloc(cpu, MM);
    vmasChanged(cpu, m);
  }

  /**
   * After {@code m}'s file mappings changed: one {@code vm_area_struct} per VMA again, the stack's
   * and the anonymous memory's included ({@code vm_area_alloc()} in {@code mmap_region()} and
   * {@code __split_vma()}, {@code remove_vma()} in {@code munmap()}).
   */
  void vmasChanged(int cpu, MmState m) {
    int want = BASE_VMAS + m.vmas.size();
    while (m.nrVmas > want) {
      free(cpu, m.vmaSlab[--m.nrVmas]);
    }
    while (m.nrVmas < want) {
      if (m.nrVmas == m.vmaSlab.length) {
        m.vmaSlab = Arrays.copyOf(m.vmaSlab, m.nrVmas * 2);
      }
      m.vmaSlab[m.nrVmas++] = alloc(cpu, VMA);
    }
  }

  /** {@code exit_mmap()} frees every VMA, {@code mmdrop()} the {@code mm_struct}. */
  void mmDestroyed(int cpu, MmState m) {
    while (m.nrVmas > 0) {
      free(cpu, m.vmaSlab[--m.nrVmas]);
    }
    free(cpu, m.mmSlab);
    m.mmSlab = -1;
  }

  // ---- struct file

  /** {@code alloc_empty_file()}: a new {@code struct file}, one reference; its handle. */
  int fileOpened(int cpu) {
    int h;
    if (nrFreeFilps > 0) {
      h = freeFilps[--nrFreeFilps];
    } else {
      h = nextFilp++;
      if (h == filpSlab.length) {
        filpSlab = Arrays.copyOf(filpSlab, h * 2);
        filpRefs = Arrays.copyOf(filpRefs, h * 2);
        freeFilps = Arrays.copyOf(freeFilps, h * 2);
      }
    }
    filpSlab[h] = alloc(cpu, FILP);
    filpRefs[h] = 1;
    return h;
  }

  /** {@code dup_fd()}: the copy of table {@code f} takes a reference on each of its files. */
  void filesDuplicated(FilesStruct f) {
    for (int d = 0; d < f.end(); d++) {
      int h = f.filpOf(d);
      if (h >= 0) {
        filpRefs[h]++;
      }
    }
  }

  /** {@code fput()}: the last reference frees the {@code struct file} ({@code __fput()}). */
  void filePut(int cpu, int h) {
    if (--filpRefs[h] == 0) {
      free(cpu, filpSlab[h]);
      freeFilps[nrFreeFilps++] = h;
    }
  }

  // ---- dentries, inodes and the page cache's xarray

  /** {@code d_alloc()} and the inode of new file {@code file} of {@code pages} pages, on {@code cpu}. */
  void fileCreated(int cpu, int file, long pages, boolean evictable) {
    if (file >= xaHeight.length) {
      xaHeight = Arrays.copyOf(xaHeight, Math.max(file + 1, xaHeight.length * 2));
    }
    alloc(cpu, DENTRY);
    alloc(cpu, evictable ? EXT4_INODE : SHMEM_INODE);
    xaHeight[file] = xaHeight(pages);
  }

  /** Levels of nodes an xarray needs for indices 0..pages-1 (none when only index 0 exists: it sits in {@code xa_head}). */
  static int xaHeight(long pages) {
    int h = 0;
    for (long max = pages - 1; max > 0; max >>>= XA_CHUNK_SHIFT) {
      h++;
    }
    return h;
  }

  /**
   * {@code xas_expand()} for indices up to {@code slots - 1} of {@code file}, which caches nothing
   * yet at those the taller tree adds levels above (a huge folio reaching past the end of a file
   * of 64 pages or fewer, whose one folio is all its slots): only the height grows.
   */
  void xaReserve(int file, long slots) {
    int h = xaHeight(slots);
    if (h > xaHeight[file]) {
      if (xaHeight[file] > 0 && xaNodes.get(xaKey(file, xaHeight[file] - 1, 0)) != LongLongMap.ABSENT) {
        throw new IllegalStateException("xarray of file " + file + " grows under cached pages");
      }
      xaHeight[file] = h;
    }
  }

  /** {@code __filemap_add_folio()}: page {@code index} of {@code file} enters the xarray. */
  void pageCacheAdded(int cpu, int file, long index) {
    for (int level = 0; level < xaHeight[file]; level++) {
      long key = xaKey(file, level, index);
      long v = xaNodes.get(key);
      if (v != LongLongMap.ABSENT) {
        xaNodes.put(key, v + 1);
        return; // the node existed: nothing changes above it
      }
      xaNodes.put(key, ((long) alloc(cpu, XA_NODE) << 32) | 1);
    }
  }

  /** {@code page_cache_delete()}: page {@code index} of {@code file} leaves the xarray. */
  void pageCacheRemoved(int cpu, int file, long index) {
    for (int level = 0; level < xaHeight[file]; level++) {
      long key = xaKey(file, level, index);
      long v = xaNodes.get(key);
      if (v == LongLongMap.ABSENT) {
        throw new IllegalStateException("no xarray node for page " + index + " of file " + file + " at level " + level);
      }
      if ((v & 0xffff_ffffL) > 1) {
        xaNodes.put(key, v - 1);
        return;
      }
      xaNodes.remove(key);
      free(cpu, (int) (v >> 32)); // xas_delete_node(): the parent loses a child
    }
  }

  /**
   * The consistency of the caches ({@link Slub#inconsistency()}) and of the xarray nodes: recounted
   * from what {@code cache} holds, every node must exist with as many used slots as it has
   * entries (pages or child nodes), and no other. {@code null} when consistent.
   */
  String inconsistency(PageCache cache) {
    String r = slub.inconsistency();
    if (r != null) {
      return r;
    }
    LongLongMap want = new LongLongMap(Math.max(16, xaNodes.size()));
    LongLongMap owners = cache.owners();
    for (int i = 0; i < owners.capacity(); i++) {
      if (!owners.used(i)) {
        continue;
      }
      int file = PageCache.fileOf(owners.valueAt(i));
      long index = PageCache.indexOf(owners.valueAt(i));
      for (int level = 0; level < xaHeight[file]; level++) {
        long key = xaKey(file, level, index);
        long n = want.get(key);
        want.put(key, n == LongLongMap.ABSENT ? 1 : n + 1);
        if (n != LongLongMap.ABSENT) {
          break; // the node was counted in its parent already
        }
      }
    }
    if (want.size() != xaNodes.size()) {
      return "xarray: " + xaNodes.size() + " nodes allocated for the page cache, which needs " + want.size();
    }
    for (int i = 0; i < xaNodes.capacity(); i++) {
      if (xaNodes.used(i) && (xaNodes.valueAt(i) & 0xffff_ffffL) != want.get(xaNodes.keyAt(i))) {
        long key = xaNodes.keyAt(i);
        return "xarray: node " + (key & ((1L << 28) - 1)) + " at level " + ((key >>> 28) & 0xf) + " of file "
            + (key >>> 32) + " counts " + (xaNodes.valueAt(i) & 0xffff_ffffL) + " entries, the page cache has "
            + want.get(key);
      }
    }
    return null;
  }

  private static long xaKey(int file, int level, long index) {
    long node = index >>> (XA_CHUNK_SHIFT * (level + 1));
    if (node >= 1L << 28) {
      throw new IllegalArgumentException("page index " + index + " beyond the modelled xarray (2^34 pages)");
    }
    return ((long) file << 32) | ((long) level << 28) | node;
  }
}
