package io.asisim.ephmap;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import java.util.Arrays;

/**
 * {@code ephmap}: models {@code ephmap_get()} / {@code ephmap_put()} / {@code ephmap_setup()} of
 * bjackman/linux mm/ephmap.c. Each mm has an mm-local region (cloned into its restricted address
 * space, so no {@code asi_map()} is needed) with a per-CPU chunk whose page tables
 * {@code ephmap_setup()} preallocates when the mm is created ({@code AddressSpaces.mmCreate} does
 * it here), so mapping only writes a PTE. The posted code has one in-use flag per CPU per mm: a
 * second user on the same CPU in the same mm gets {@code NULL} and falls back to the direct map
 * (and an ASI exit); {@code slots} generalises that flag to N live mappings, since copy-on-write
 * needs two. Releasing clears the PTE and hands the TLB side to the {@link FlushPolicy} (the posted
 * code INVLPGs at once: policy {@code local} with {@code at-release}).
 *
 * <p>Partly modelled: each slot maps one 4 KiB page, not a chunk sized for the largest page-cache
 * folio ({@code PAGE_SIZE << MAX_PAGECACHE_ORDER}).
 */
public final class EphmapMapper implements Mapper {
  private final AddressSpaces as;
  private final FlushPolicy flush;
  private final int nrCpus;
  private final int slots;
  private final int regionSlots;
  private final Counter transientMaps;
  private final Counter fallbacks;
  /** Frame mapped in slot {@code (mm * nrCpus + cpu) * slots + s}, or -1. Grows with the mm ids. */
  private long[] slotPfn = new long[0];
  private int live;

  /**
   * @param as the address spaces (mm-local slots must number at least {@code slots} per CPU)
   * @param flush the variant's flush policy
   * @param metrics where {@code transient_maps} and {@code transient_map_fallbacks} go
   * @param nrCpus number of CPUs
   * @param slots live mappings per CPU per mm
   */
  public EphmapMapper(AddressSpaces as, FlushPolicy flush, Metrics metrics, int nrCpus, int slots) {
    if (slots < 1 || slots > as.mmLocalSlots()) {
      throw new IllegalArgumentException("ephmap slots must be 1.." + as.mmLocalSlots()
          + " (the machine's mm-local slots per CPU), got " + slots);
    }
    this.as = as;
    this.flush = flush;
    this.nrCpus = nrCpus;
    this.slots = slots;
    this.regionSlots = as.mmLocalSlots();
    this.transientMaps = metrics.counter(StandardMetrics.TRANSIENT_MAPS);
    this.fallbacks = metrics.counter(StandardMetrics.TRANSIENT_MAP_FALLBACKS);
  }

  private int base(int cpu, long mm) {
    long need = (mm + 1) * nrCpus * slots;
    if (need > slotPfn.length) {
      int old = slotPfn.length;
      slotPfn = Arrays.copyOf(slotPfn, (int) Math.max(need, old * 2L));
      Arrays.fill(slotPfn, old, slotPfn.length, -1L);
    }
    return (int) ((mm * nrCpus + cpu) * slots);
  }

  /** {@code ephmap_get()}: the first free slot of this CPU in this mm, or a fallback. */
  @Override
  public long map(int cpu, long mm, long pfn) {
    if (mm == AddressSpaces.INIT_MM) {
      fallbacks.inc(); // !current->mm: kernel threads have no mm-local region
      return NO_ALIAS;
    }
    int b = base(cpu, mm);
    for (int s = 0; s < slots; s++) {
      if (slotPfn[b + s] < 0) {
        long va = as.mmLocalSlotVa(cpu, s);
        flush.beforeReuse(cpu, mm, va);
        as.mapMmLocal(cpu, mm, va, pfn);
        slotPfn[b + s] = pfn;
        live++;
        flush.onTransientMap(cpu, mm, va, pfn);
        transientMaps.inc();
        return va;
      }
    }
    fallbacks.inc(); // in_use already set: "Another thread in this mm is using it"
    return NO_ALIAS;
  }

  /** {@code ephmap_put()}: clears the PTE; the flush policy decides the INVLPG. */
  @Override
  public void unmap(int cpu, long mm, long va) {
    int s = slotOf(cpu, va);
    int b = base(cpu, mm);
    long pfn = slotPfn[b + s];
    if (pfn < 0) {
      throw new IllegalStateException("ephmap_put of a free slot: cpu " + cpu + " mm " + mm + " va 0x" + Long.toHexString(va));
    }
    as.unmapMmLocal(cpu, mm, va);
    slotPfn[b + s] = -1;
    live--;
    flush.onTransientUnmap(cpu, mm, va, pfn);
  }

  private int slotOf(int cpu, long va) {
    long idx = (va - AddressSpaces.MM_LOCAL_START) >>> 12;
    long s = idx - (long) cpu * regionSlots;
    if (s < 0 || s >= slots || va != as.mmLocalSlotVa(cpu, (int) s)) {
      throw new IllegalArgumentException("not an ephmap slot of cpu " + cpu + ": 0x" + Long.toHexString(va));
    }
    return (int) s;
  }

  @Override
  public void mmExit(int cpu, long mm) {
    int b = base(0, mm);
    for (int i = b; i < b + nrCpus * slots; i++) {
      if (slotPfn[i] >= 0) {
        throw new IllegalStateException("mm " + mm + " exits with a live ephmap mapping");
      }
    }
  }

  @Override
  public void forEachAlias(AliasVisitor v) {
    int seen = 0;
    for (int i = 0; i < slotPfn.length && seen < live; i++) {
      if (slotPfn[i] >= 0) {
        seen++;
        int s = i % slots;
        int cpu = (i / slots) % nrCpus;
        long mm = i / slots / nrCpus;
        v.alias(cpu, mm, as.mmLocalSlotVa(cpu, s), slotPfn[i], true);
      }
    }
  }
}
