package io.asisim.pagealloc;

import static io.asisim.api.mm.Migratetype.MIGRATE_ISOLATE;
import static io.asisim.api.mm.Migratetype.MIGRATE_MOVABLE;
import static io.asisim.api.mm.Migratetype.MIGRATE_PCPTYPES;

import io.asisim.api.machine.ArchPageOps;
import io.asisim.api.mm.PageOrder;

/**
 * The per-CPU page lists of mm/page_alloc.c: {@code rmqueue_pcplist()}, {@code nr_pcp_alloc()},
 * {@code rmqueue_bulk()} on the allocation side; {@code free_frozen_pages()},
 * {@code free_frozen_page_commit()}, {@code nr_pcp_free()}, {@code free_pcppages_bulk()} and
 * {@code drain_all_pages()} on the free side. With two sensitivities each CPU has a second set
 * of lists ({@code pindex} offset by {@code NR_LOWORDER_PCP_LISTS}).
 */
final class Pcp {
  /** {@code CONFIG_PCP_BATCH_SCALE_MAX} default. */
  static final int PCP_BATCH_SCALE_MAX = 5;

  private final Rmqueue rmqueue;
  private final ArchPageOps arch;
  private final long costPcp;
  private final long costBuddy;
  private final int nrCpus;

  /**
   * The free areas are not held here but passed in (on allocation as {@link AllocContext#fa}):
   * one reference per request lets the JIT share the frame table's loads and bounds checks with
   * the sections it inlines alongside.
   */
  Pcp(Rmqueue rmqueue, ArchPageOps arch, BuddyConfig cfg, int nrCpus) {
    this.rmqueue = rmqueue;
    this.arch = arch;
    this.costPcp = cfg.costPcp();
    this.costBuddy = cfg.costBuddy();
    this.nrCpus = nrCpus;
  }

  /** {@code order_to_pindex()} with the ASI series' sensitivity half. */
  private static int pindex(int order, int mt, int sens) {
    return sens * FrameTable.NR_LOWORDER_PCP_LISTS + order * MIGRATE_PCPTYPES + mt;
  }

  /** {@code rmqueue_pcplist()} + {@code __rmqueue_pcplist()}. */
  int rmqueuePcplist(Zone z, int order, int flags, AllocContext ac) {
    int cpu = ac.cpu;
    FreeArea fa = ac.fa;
    FrameTable ft = fa.ft;
    z.pcpFreeCount[cpu] >>= 1;
    int l = cpu * z.nrPcpLists + pindex(order, ac.migratetype, ac.sens);
    if (z.pcpHead(l) == Zone.NIL) {
      int batch = nrPcpAlloc(z, cpu, order);
      int got = rmqueueBulk(z, order, batch, l, flags, ac);
      z.pcpCount[cpu] += got << order;
      z.pcpPages += got << order;
      arch.charge(cpu, bulkCost(got));
      if (z.pcpHead(l) == Zone.NIL) {
        return -1;
      }
    }
    return take(ft, z, cpu, l, order, ac.migratetype);
  }

  /**
   * {@code rmqueue_pcplist()} when list {@code (order, mt, sens)} of {@code cpu} holds a page: the
   * allocator's fast path ({@code BuddyAllocator#firstZoneHit}), with no request context. Returns -1,
   * having changed nothing, when the list is empty and {@link #rmqueuePcplist} must refill it.
   */
  int rmqueuePcplistHit(FrameTable ft, Zone z, int cpu, int order, int mt, int sens) {
    int l = cpu * z.nrPcpLists + pindex(order, mt, sens);
    if (z.pcpHead(l) == Zone.NIL) {
      return -1;
    }
    z.pcpFreeCount[cpu] >>= 1;
    return take(ft, z, cpu, l, order, mt);
  }

  /** {@code __rmqueue_pcplist()}: the head of non-empty list {@code l}, allocated. */
  private int take(FrameTable ft, Zone z, int cpu, int l, int order, int mt) {
    int pfn = z.pcpHead(l);
    ft.listDel(z.pcp, l, pfn);
    z.pcpCount[cpu] -= 1 << order;
    z.pcpPages -= 1 << order;
    ft.setState(pfn, FreeArea.allocatedState(order, mt));
    arch.charge(cpu, costPcp);
    return pfn;
  }

  /** {@code nr_pcp_alloc()} with a fixed {@code high} and {@code alloc_factor} 0. */
  private static int nrPcpAlloc(Zone z, int cpu, int order) {
    int baseBatch = z.pcpBatch;
    int high = z.pcpHigh;
    if (high < baseBatch) {
      return 1;
    }
    int batch = baseBatch;
    if (order == 0) {
      int maxNrAlloc = Math.max(high - z.pcpCount[cpu] - baseBatch, baseBatch);
      batch = Math.min(batch, maxNrAlloc);
    }
    if (batch > 1) {
      batch = Math.max(batch >> order, 2);
    }
    return batch;
  }

  /** {@code rmqueue_bulk()}: up to {@code count} blocks onto pcp list {@code l}, tail first. */
  private int rmqueueBulk(Zone z, int order, int count, int l, int flags, AllocContext ac) {
    ac.rmqueueMode = AllocContext.RMQUEUE_NORMAL;
    FrameTable ft = ac.fa.ft;
    int i = 0;
    for (; i < count; i++) {
      int pfn = rmqueue.rmqueue(z, order, flags, ac);
      if (pfn < 0) {
        break;
      }
      ft.setState(pfn, (byte) (FrameTable.PCP | order));
      ft.listAdd(z.pcp, l, pfn, true);
    }
    return i;
  }

  /** {@code free_frozen_pages()}: pcp for orders up to PAGE_ALLOC_COSTLY_ORDER, else {@code free_one_page()}. */
  void freeFrozenPages(FreeArea fa, int cpu, int pfn, int order) {
    FrameTable ft = fa.ft;
    Zone z = fa.zoneOf(pfn);
    int mt = ft.pbMigratetype(pfn);
    if (order <= PageOrder.PAGE_ALLOC_COSTLY_ORDER) {
      if (mt >= MIGRATE_PCPTYPES) {
        if (mt == MIGRATE_ISOLATE) {
          fa.freeOnePage(z, pfn, order, fa.freetypeOf(pfn), false);
          arch.charge(cpu, costBuddy);
          return;
        }
        mt = MIGRATE_MOVABLE;
      }
      freeFrozenPageCommit(fa, z, cpu, pfn, order, mt);
      return;
    }
    fa.freeOnePageMaybeSplit(z, pfn, order);
    arch.charge(cpu, costBuddy);
  }

  /** {@code free_frozen_page_commit()}. */
  private void freeFrozenPageCommit(FreeArea fa, Zone z, int cpu, int pfn, int order, int mt) {
    FrameTable ft = fa.ft;
    int pindex = pindex(order, mt, fa.sensIndexOf(pfn));
    int l = cpu * z.nrPcpLists + pindex;
    ft.setState(pfn, (byte) (FrameTable.PCP | order));
    ft.listAdd(z.pcp, l, pfn, false);
    z.pcpCount[cpu] += 1 << order;
    z.pcpPages += 1 << order;
    int batch = z.pcpBatch;
    if (z.pcpFreeCount[cpu] < (batch << PCP_BATCH_SCALE_MAX)) {
      z.pcpFreeCount[cpu] += 1 << order;
    }
    arch.charge(cpu, costPcp);
    int high = z.pcpHigh;
    if (z.pcpCount[cpu] >= high) {
      freePcppagesBulk(fa, z, cpu, nrPcpFree(z, cpu, batch, high), pindex);
    }
  }

  /** {@code nr_pcp_free()} without {@code free_high}. */
  private static int nrPcpFree(Zone z, int cpu, int batch, int high) {
    if (high < batch) {
      return 1;
    }
    int min = batch;
    int max = high - batch;
    return Math.max(min, Math.min(z.pcpFreeCount[cpu], max));
  }

  /** {@code free_pcppages_bulk()}: round-robin over the lists from {@code pindex}, oldest first. */
  int freePcppagesBulk(FreeArea fa, Zone z, int cpu, int count, int pindex) {
    FrameTable ft = fa.ft;
    int base = cpu * z.nrPcpLists;
    int freed = 0;
    pindex = pindex - 1;
    while (count > 0 && z.pcpCount[cpu] > 0) {
      int l;
      do {
        if (++pindex > z.nrPcpLists - 1) {
          pindex = 0;
        }
        l = base + pindex;
      } while (z.pcpHead(l) == Zone.NIL);
      int order = (pindex % FrameTable.NR_LOWORDER_PCP_LISTS) / MIGRATE_PCPTYPES;
      int nr = 1 << order;
      do {
        int pfn = z.pcpTail(l);
        ft.listDel(z.pcp, l, pfn);
        count -= nr;
        z.pcpCount[cpu] -= nr;
        z.pcpPages -= nr;
        fa.freeOnePage(z, pfn, order, fa.freetypeOf(pfn), false);
        freed++;
      } while (count > 0 && z.pcpHead(l) != Zone.NIL);
    }
    arch.charge(cpu, bulkCost(freed));
    return freed;
  }

  /** {@code drain_all_pages()}: empties every CPU's pcp lists in every zone. Returns blocks freed. */
  int drainAllPages(FreeArea fa) {
    int freed = 0;
    for (Zone z : fa.zones) {
      for (int c = 0; c < nrCpus; c++) {
        if (z.pcpCount[c] > 0) {
          freed += freePcppagesBulk(fa, z, c, z.pcpCount[c], 0);
        }
      }
    }
    return freed;
  }

  /**
   * A bulk move between the buddy lists and a pcp list ({@code rmqueue_bulk()},
   * {@code free_pcppages_bulk()}) takes {@code zone->lock} once: the first block costs a buddy
   * operation, each further one about a list operation (estimate, like the costs themselves).
   */
  private long bulkCost(int blocks) {
    return costBuddy + costPcp * Math.max(0, blocks - 1);
  }
}
