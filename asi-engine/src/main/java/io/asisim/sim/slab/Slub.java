package io.asisim.sim.slab;

import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLUB allocator (mm/slub.c) at the granularity that matters to the page allocator: which slab
 * an object lands in, when a cache takes a slab from the page allocator ({@code new_slab()}) and when
 * it gives one back ({@code discard_slab()}). Per cache: one active slab per CPU
 * ({@code c->slab}), a per-CPU partial list ({@code c->partial}, CONFIG_SLUB_CPU_PARTIAL) and one
 * node partial list ({@code n->partial}; one NUMA node). Which free slot an object takes inside its
 * slab is not modelled: objects are identified by their slab.
 *
 * <p>The paths, after Linux 6.8 (per-CPU partial slabs are not frozen):
 * <ul>
 *   <li>{@code ___slab_alloc()}: an object from the CPU's active slab; when it is full, the slab
 *       is dropped from the CPU (a full slab is on no list) and the first slab of the per-CPU
 *       partial list becomes active; else {@code get_partial_node()} takes the node list's first
 *       slab and moves more to the per-CPU list until it holds more than half of
 *       {@code cpu_partial_slabs}; else {@code new_slab()}.
 *   <li>{@code allocate_slab()}: the cache's order with {@code __GFP_NOWARN | __GFP_NORETRY} (and
 *       without direct reclaim above the minimum order), then the order that holds one object with
 *       the caller's flags. The page's GFP mask is the caller's reclaim and constraint bits
 *       ({@code GFP_RECLAIM_MASK}, without {@code __GFP_HARDWALL}) and the cache's
 *       {@code allocflags}: {@code __GFP_RECLAIMABLE} for {@code SLAB_RECLAIM_ACCOUNT} caches,
 *       {@code __GFP_DMA}, {@code __GFP_COMP} above order 0, and {@code __GFP_SENSITIVE} where the
 *       cache is sensitive ({@link SlabSensitivity}).
 *   <li>{@code __slab_free()}: a free to a CPU's active slab only counts; a free to a full slab puts
 *       it on the freeing CPU's partial list ({@code put_cpu_partial()}), which, when it already
 *       holds {@code cpu_partial_slabs}, is first flushed to the node ({@code __put_partials()}:
 *       empty slabs freed while the node keeps {@code min_partial}); a free that empties a slab on
 *       the node list frees it when the node keeps {@code min_partial} others. An empty slab on a
 *       per-CPU partial list waits for the next flush (docs/deviations.md).
 * </ul>
 * Not modelled: sheaves (6.18's per-CPU object arrays of a few caches), remote-free lists, slab
 * merging (each traced name is its own cache), debugging, memcg accounting, NUMA nodes. Not
 * thread-safe; allocates nothing per object once its arrays have grown.
 */
public final class Slub {
  /** {@code GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK} of include/linux/gfp.h and mm/internal.h, less __GFP_HARDWALL. */
  static final int PAGE_FLAGS_FROM_CALLER = Gfp.__GFP_RECLAIM | Gfp.__GFP_HIGH | Gfp.__GFP_IO | Gfp.__GFP_FS
      | Gfp.__GFP_NOWARN | Gfp.__GFP_RETRY_MAYFAIL | Gfp.__GFP_NOFAIL | Gfp.__GFP_NORETRY | Gfp.__GFP_MEMALLOC
      | Gfp.__GFP_NOMEMALLOC | Gfp.__GFP_THISNODE;

  private final int nrCpus;
  private final SlabPages pages;
  private final SlabSensitivity sensitivity;
  private final SlabStats stats;

  // caches
  private final Map<String, Integer> byName = new HashMap<>();
  private final List<KmemCache> caches = new ArrayList<>();
  private int[] cpuSlab = new int[0];
  private int[] cpuPartialHead = new int[0];
  private int[] cpuPartialCount = new int[0];

  /** The slabs ({@code struct slab}), by id. */
  private final Slabs t = new Slabs();

  /**
   * @param nrCpus the simulated CPUs (per-CPU slabs; {@code calculate_order()} takes the count)
   * @param pages where slab pages come from and go back to
   * @param sensitivity which caches' slabs are sensitive
   * @param stats the counters to keep
   */
  public Slub(int nrCpus, SlabPages pages, SlabSensitivity sensitivity, SlabStats stats) {
    this.nrCpus = nrCpus;
    this.pages = pages;
    this.sensitivity = sensitivity;
    this.stats = stats;
  }

  /**
   * The id of cache {@code name}, created on first use with slot size {@code size}
   * ({@code kmem_cache_create()}); {@code reclaimable} for {@code SLAB_RECLAIM_ACCOUNT},
   * {@code dma} for {@code SLAB_CACHE_DMA}.
   */
  public int cache(String name, int size, boolean reclaimable, boolean dma) {
    Integer id = byName.get(name);
    if (id != null) {
      return id;
    }
    SlabGeometry g = SlabGeometry.of(size, nrCpus);
    int flags = (reclaimable ? Gfp.__GFP_RECLAIMABLE : 0) | (dma ? Gfp.__GFP_DMA : 0) | (g.order() > 0 ? Gfp.__GFP_COMP : 0)
        | (sensitivity.sensitive(reclaimable) ? Gfp.__GFP_SENSITIVE : 0);
    int c = caches.size();
    caches.add(new KmemCache(name, g, flags, reclaimable));
    byName.put(name, c);
    cpuSlab = grow(cpuSlab, (c + 1) * nrCpus);
    cpuPartialHead = grow(cpuPartialHead, (c + 1) * nrCpus);
    cpuPartialCount = Arrays.copyOf(cpuPartialCount, (c + 1) * nrCpus);
    return c;
  }

  private static int[] grow(int[] a, int n) {
    int old = a.length;
    int[] b = Arrays.copyOf(a, n);
    Arrays.fill(b, old, n, -1);
    return b;
  }

  /** The caches, by id. */
  public List<KmemCache> caches() {
    return List.copyOf(caches);
  }

  /**
   * {@code kmem_cache_alloc()}: an object of cache {@code c} for CPU {@code cpu}, with the caller's
   * GFP mask; the id of its slab, or -1 when no slab could be allocated ({@code slab_out_of_memory()}).
   */
  public int alloc(int cpu, int c, int gfp) {
    KmemCache k = caches.get(c);
    int pc = c * nrCpus + cpu;
    int s = cpuSlab[pc];
    if (s >= 0 && t.inuse[s] < room(k, s)) { // slab->objects: a fallback slab of the minimum order holds fewer
      return take(k, s);
    }
    if (s >= 0) {
      t.state[s] = Slabs.FULL; // deactivate_slab() of a full slab: it is on no list
      cpuSlab[pc] = -1;
    }
    s = cpuPartialHead[pc];
    if (s >= 0) {
      cpuPartialHead[pc] = t.next[s];
      cpuPartialCount[pc]--;
      return activate(k, pc, s);
    }
    if (k.nodeHead >= 0) {
      s = k.nodeHead;
      unlinkNode(k, s);
      // get_partial_node(): more slabs to the per-CPU partial list, until it holds more than half
      // of cpu_partial_slabs (at least one: set_cpu_partial() gives every cache 6 objects or more)
      int partial = 0;
      while (k.nodeHead >= 0 && partial <= k.geometry.cpuPartialSlabs() / 2) {
        int more = k.nodeHead;
        unlinkNode(k, more);
        pushCpuPartial(pc, more);
        partial++;
      }
      return activate(k, pc, s);
    }
    s = newSlab(k, c, cpu, gfp);
    if (s < 0) {
      stats.allocFailures.inc();
      return -1;
    }
    return activate(k, pc, s);
  }

  /** Object slots of slab {@code s} of cache {@code k} ({@code slab->objects}). */
  private int room(KmemCache k, int s) {
    SlabGeometry g = k.geometry;
    return t.order[s] == g.order() ? g.objects() : SlabGeometry.orderObjects(t.order[s], g.size());
  }

  private int activate(KmemCache k, int pc, int s) {
    t.state[s] = Slabs.ACTIVE;
    cpuSlab[pc] = s;
    return take(k, s);
  }

  private int take(KmemCache k, int s) {
    t.inuse[s]++;
    k.activeObjects++;
    stats.allocs.inc();
    return s;
  }

  /** {@code allocate_slab()}: the cache's order, then its minimum order; the new slab's id, or -1. */
  private int newSlab(KmemCache k, int c, int cpu, int gfp) {
    SlabGeometry g = k.geometry;
    int flags = (gfp & PAGE_FLAGS_FROM_CALLER) | k.allocflags;
    int first = (flags | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY) & ~Gfp.__GFP_NOFAIL;
    if ((first & Gfp.__GFP_DIRECT_RECLAIM) != 0 && g.order() > g.minOrder()) {
      first = (first | Gfp.__GFP_NOMEMALLOC) & ~Gfp.__GFP_RECLAIM;
    }
    int o = g.order();
    long p = pages.alloc(cpu, o, first);
    if (p < 0 && g.minOrder() < o) {
      o = g.minOrder();
      int minFlags = o > 0 ? flags : flags & ~Gfp.__GFP_COMP;
      p = pages.alloc(cpu, o, minFlags);
      if (p >= 0) {
        stats.orderFallbacks.inc();
      }
    }
    if (p < 0) {
      return -1;
    }
    int s = t.newId();
    t.pfn[s] = p;
    t.cacheOf[s] = c;
    t.inuse[s] = 0;
    t.order[s] = (byte) o;
    t.prev[s] = -1;
    t.next[s] = -1;
    k.slabs++;
    k.objects += room(k, s);
    k.pages += 1L << o;
    stats.pagesChanged(k.reclaimable, 1L << o);
    stats.slabsNew.inc();
    return s;
  }

  /** {@code kmem_cache_free()} / {@code kfree()} of an object in slab {@code s}, on CPU {@code cpu}. */
  public void free(int cpu, int s) {
    if (s < 0 || s >= t.nrIds || t.state[s] == Slabs.UNUSED || t.inuse[s] == 0) {
      throw new IllegalArgumentException("slab " + s + " holds no object to free");
    }
    int c = t.cacheOf[s];
    KmemCache k = caches.get(c);
    t.inuse[s]--;
    k.activeObjects--;
    stats.frees.inc();
    switch (t.state[s]) {
      case Slabs.FULL:
        putCpuPartial(k, c * nrCpus + cpu, cpu, s); // put_cpu_partial(s, slab, 1)
        break;
      case Slabs.NODE_PARTIAL:
        if (t.inuse[s] == 0 && k.nodeCount >= k.geometry.minPartial()) { // nr_partial counts this slab
          unlinkNode(k, s);
          discard(k, cpu, s);
        }
        break;
      default:
        break; // ACTIVE (frozen) or on a per-CPU partial list: only counted
    }
  }

  /** {@code put_cpu_partial()} with drain: a full list is flushed to the node first. */
  private void putCpuPartial(KmemCache k, int pc, int cpu, int s) {
    if (cpuPartialHead[pc] >= 0 && cpuPartialCount[pc] >= k.geometry.cpuPartialSlabs()) {
      putPartials(k, pc, cpu);
    }
    pushCpuPartial(pc, s);
  }

  private void pushCpuPartial(int pc, int s) {
    t.state[s] = Slabs.CPU_PARTIAL;
    t.next[s] = cpuPartialHead[pc];
    cpuPartialHead[pc] = s;
    cpuPartialCount[pc]++;
  }

  /** {@code __put_partials()}: the per-CPU list to the node's tail; empty slabs beyond {@code min_partial} freed. */
  private void putPartials(KmemCache k, int pc, int cpu) {
    int s = cpuPartialHead[pc];
    cpuPartialHead[pc] = -1;
    cpuPartialCount[pc] = 0;
    while (s >= 0) {
      int n = t.next[s];
      if (t.inuse[s] == 0 && k.nodeCount >= k.geometry.minPartial()) {
        discard(k, cpu, s);
      } else {
        addNodeTail(k, s);
      }
      s = n;
    }
  }

  private void addNodeTail(KmemCache k, int s) {
    t.state[s] = Slabs.NODE_PARTIAL;
    t.prev[s] = k.nodeTail;
    t.next[s] = -1;
    if (k.nodeTail >= 0) {
      t.next[k.nodeTail] = s;
    } else {
      k.nodeHead = s;
    }
    k.nodeTail = s;
    k.nodeCount++;
  }

  private void unlinkNode(KmemCache k, int s) {
    if (t.prev[s] >= 0) {
      t.next[t.prev[s]] = t.next[s];
    } else {
      k.nodeHead = t.next[s];
    }
    if (t.next[s] >= 0) {
      t.prev[t.next[s]] = t.prev[s];
    } else {
      k.nodeTail = t.prev[s];
    }
    t.prev[s] = -1;
    t.next[s] = -1;
    k.nodeCount--;
  }

  /** {@code discard_slab()}: the slab's pages back to the page allocator. */
  private void discard(KmemCache k, int cpu, int s) {
    int o = t.order[s];
    pages.free(cpu, t.pfn[s], o);
    k.slabs--;
    k.objects -= room(k, s);
    k.pages -= 1L << o;
    stats.pagesChanged(k.reclaimable, -(1L << o));
    stats.slabsFreed.inc();
    t.release(s);
  }

  /**
   * {@code kmem_cache_shrink()} of every cache ({@code __kmem_cache_do_shrink()}): each CPU's
   * active and partial slabs go back to the node ({@code flush_all()}), then every empty slab is
   * freed. What a replay does at its end, so that the page allocator gets its pages back.
   */
  public void shrinkAll(int cpu) {
    for (int c = 0; c < caches.size(); c++) {
      KmemCache k = caches.get(c);
      for (int i = 0; i < nrCpus; i++) {
        int pc = c * nrCpus + i;
        int s = cpuSlab[pc];
        if (s >= 0) {
          cpuSlab[pc] = -1;
          if (t.inuse[s] < room(k, s)) {
            addNodeTail(k, s); // deactivate_slab() of a slab with free objects
          } else {
            t.state[s] = Slabs.FULL;
          }
        }
        int head = cpuPartialHead[pc];
        cpuPartialHead[pc] = -1;
        cpuPartialCount[pc] = 0;
        while (head >= 0) {
          int n = t.next[head];
          addNodeTail(k, head);
          head = n;
        }
      }
      for (int s = k.nodeHead; s >= 0;) {
        int n = t.next[s];
        if (t.inuse[s] == 0) {
          unlinkNode(k, s);
          discard(k, cpu, s);
        }
        s = n;
      }
    }
  }

  /** Free object slots on the node's partial slabs of cache {@code c} ({@code count_partial(n, count_free)}). */
  public long freeOnNodePartial(int c) {
    KmemCache k = caches.get(c);
    long free = 0;
    for (int s = k.nodeHead; s >= 0; s = t.next[s]) {
      free += room(k, s) - t.inuse[s];
    }
    return free;
  }

  /** The first frame of slab {@code s}. */
  public long pfnOf(int s) {
    return t.pfn[s];
  }

  /** Objects in use in slab {@code s}. */
  public int inuse(int s) {
    return t.inuse[s];
  }

  /**
   * Checks that the lists, the per-slab counts and the per-cache totals agree (for the tests); the
   * first inconsistency, or null.
   */
  public String inconsistency() {
    for (int c = 0; c < caches.size(); c++) {
      KmemCache k = caches.get(c);
      long objs = 0;
      long pagesHeld = 0;
      long slabs = 0;
      long capacity = 0;
      for (int s = 0; s < t.nrIds; s++) {
        if (t.state[s] != Slabs.UNUSED && t.cacheOf[s] == c) {
          int room = room(k, s);
          slabs++;
          objs += t.inuse[s];
          pagesHeld += 1L << t.order[s];
          capacity += room;
          if (t.inuse[s] > room) {
            return k.name + ": slab " + s + " holds " + t.inuse[s] + " objects, more than it has room for";
          }
          if (t.state[s] == Slabs.FULL && t.inuse[s] < room) {
            return k.name + ": slab " + s + " is on no list but has free objects";
          }
          if (t.state[s] == Slabs.NODE_PARTIAL && t.inuse[s] == room) {
            return k.name + ": slab " + s + " is on the node's partial list but full"; // taken off it to allocate
          }
        }
      }
      if (objs != k.activeObjects || pagesHeld != k.pages || slabs != k.slabs || capacity != k.objects) {
        return k.name + ": totals (objects " + k.activeObjects + ", pages " + k.pages + ", slabs " + k.slabs
            + ") differ from its slabs (" + objs + ", " + pagesHeld + ", " + slabs + ")";
      }
      int n = 0;
      for (int s = k.nodeHead; s >= 0; s = t.next[s]) {
        if (t.state[s] != Slabs.NODE_PARTIAL || t.cacheOf[s] != c) {
          return k.name + ": slab " + s + " on the node list is not a node-partial slab of this cache";
        }
        n++;
      }
      if (n != k.nodeCount) {
        return k.name + ": node list has " + n + " slabs, nr_partial says " + k.nodeCount;
      }
      for (int i = 0; i < nrCpus; i++) {
        int m = 0;
        for (int s = cpuPartialHead[c * nrCpus + i]; s >= 0; s = t.next[s]) {
          if (t.state[s] != Slabs.CPU_PARTIAL) {
            return k.name + ": slab " + s + " on CPU " + i + "'s partial list is not a per-CPU partial slab";
          }
          m++;
        }
        if (m != cpuPartialCount[c * nrCpus + i]) {
          return k.name + ": CPU " + i + "'s partial list has " + m + " slabs, its count says " + cpuPartialCount[c * nrCpus + i];
        }
      }
    }
    return null;
  }
}
