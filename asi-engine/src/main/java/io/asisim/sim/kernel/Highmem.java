package io.asisim.sim.kernel;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.mapper.Mapper;

/**
 * Kernel touches of possibly sensitive frames, in the style of include/linux/highmem.h:
 * {@code kmap_local_page()} asks the selected mapper for a temporary alias and falls back to the
 * direct map when it gets none (with ASI on, a restricted direct-map touch of a sensitive frame
 * takes the #PF path and exits); {@code kunmap_local()} releases the alias, which the mapper
 * reports to the flush policy. The alias-or-direct-map decision is written once
 * ({@link #kmapLocal}); {@link #clearPage} and {@link #copyPage} are {@code clear_user_highpage()}
 * and {@code copy_user_highpage()} on top of it.
 *
 * <p>Every call names its {@link AccessSite}; {@link #mapperFor} is the one place that picks the
 * mapper for a site ({@link AsiPlugins#mapper(AccessSite)}: the variant's {@code --site-mapper}
 * for it, else the selected mapper).
 *
 * <p>Also records, for the checker, the first alias access that reached another frame than the
 * alias was made for (a stale TLB entry after a slot was reused without a flush).
 */
final class Highmem {
  private final Machine machine;
  private final TlbOps tlb;
  private final AsiOps asi;
  private final AsiPlugins plugins;
  private final CopyCost copyCost;
  /** Exit-site ids, indexed by {@link AccessSite#ordinal()}. */
  private final int[] siteIds;
  // first alias access that reached the wrong frame (va 0 = none)
  private int badAliasCpu;
  private long badAliasVa;
  private long badAliasWant;
  private long badAliasGot;

  /** @param siteIds the machine's exit-site id of every {@link AccessSite}, by ordinal */
  Highmem(Machine machine, AsiPlugins plugins, int[] siteIds) {
    this.machine = machine;
    this.tlb = machine.tlb();
    this.asi = machine.asi();
    this.plugins = plugins;
    this.copyCost = new CopyCost(machine.profile());
    this.siteIds = siteIds.clone();
  }

  /** The mapper serving {@code site} ({@code --site-mapper}, else {@code --mapper}). */
  private Mapper mapperFor(AccessSite site) {
    return plugins.mapper(site);
  }

  /**
   * {@code kmap_local_page()} + one access + {@code kunmap_local()}: kernel code touches
   * {@code pfn} on behalf of {@code mm}, through a temporary alias if the site's mapper gives one,
   * else through the direct map.
   */
  void kmapLocal(int cpu, long mm, long pfn, boolean write, AccessSite site) {
    int id = siteIds[site.ordinal()];
    if (!asi.enabled()) {
      tlb.access(cpu, AddressSpaces.directMapVa(pfn), write, id);
      return;
    }
    Mapper mp = mapperFor(site);
    long va = mp.map(cpu, mm, pfn);
    if (va == Mapper.NO_ALIAS) {
      tlb.access(cpu, AddressSpaces.directMapVa(pfn), write, id);
      return;
    }
    aliasAccess(cpu, va, pfn, write, id);
    mp.unmap(cpu, mm, va); // the mapper reports the release to the flush policy
  }

  /** {@code clear_user_highpage()} of a newly allocated page. */
  void clearPage(int cpu, long mm, long pfn, AccessSite site) {
    kmapLocal(cpu, mm, pfn, true, site);
    machine.clearPages(cpu, pfn, 1);
  }

  /** The copy-cost rule every kernel copy is charged by. */
  CopyCost copyCost() {
    return copyCost;
  }

  /**
   * {@code copy_user_highpage()}: source and destination mapped at the same time (two temporary
   * mappings); if either cannot be had, both are touched through the direct map. The copy is
   * charged by {@link CopyCost} for a source read from a working set of {@code sourceSetPages}.
   */
  void copyPage(int cpu, long mm, long src, long dst, AccessSite site, long sourceSetPages) {
    int id = siteIds[site.ordinal()];
    if (!asi.enabled()) {
      directCopy(cpu, src, dst, id);
    } else {
      Mapper mp = mapperFor(site);
      long vs = mp.map(cpu, mm, src);
      long vd = vs == Mapper.NO_ALIAS ? Mapper.NO_ALIAS : mp.map(cpu, mm, dst);
      if (vd == Mapper.NO_ALIAS) {
        if (vs != Mapper.NO_ALIAS) {
          mp.unmap(cpu, mm, vs);
        }
        directCopy(cpu, src, dst, id);
      } else {
        aliasAccess(cpu, vs, src, false, id);
        aliasAccess(cpu, vd, dst, true, id);
        mp.unmap(cpu, mm, vd); // kunmap_local() in reverse order of mapping
        mp.unmap(cpu, mm, vs);
      }
    }
    machine.charge(cpu, copyCost.forWorkingSet(sourceSetPages));
  }

  private void directCopy(int cpu, long src, long dst, int id) {
    tlb.access(cpu, AddressSpaces.directMapVa(src), false, id);
    tlb.access(cpu, AddressSpaces.directMapVa(dst), true, id);
  }

  /**
   * A touch through a temporary alias; a TLB that still holds an older translation of a reused
   * alias address returns another frame than the one just mapped — recorded for the checker.
   */
  private void aliasAccess(int cpu, long va, long pfn, boolean write, int id) {
    long got = tlb.access(cpu, va, write, id);
    if (got != pfn && badAliasVa == 0) {
      badAliasCpu = cpu;
      badAliasVa = va;
      badAliasWant = pfn;
      badAliasGot = got;
    }
  }

  /** See {@link KernelView#takeAliasMismatch()}. */
  String takeAliasMismatch() {
    if (badAliasVa == 0) {
      return null;
    }
    String m = "cpu " + badAliasCpu + " accessed alias va 0x" + Long.toHexString(badAliasVa) + " made for pfn "
        + badAliasWant + " and reached pfn " + badAliasGot + " through a stale TLB entry";
    badAliasVa = 0;
    return m;
  }
}
