package io.asisim.sim.check;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.Mapper;
import java.util.Arrays;

/**
 * The {@code alias PTE} invariant (docs/checker.md): between ops no kernel path is running, so every
 * PTE present in the temporary-alias areas — the shared kernel area where vmalloc, kmap-local and
 * mermap map ({@code VMALLOC_START .. VMALLOC_END}) and each mm's mm-local region of ephmap slots —
 * belongs to a live alias of some mapper, to the same frame. A present PTE that no mapper lists as
 * live is a release that forgot {@code pte_clear()} ({@code kunmap_local()}, {@code ephmap_put()},
 * {@code vunmap()}): reachable by a page walk of every restricted space that maps the area although
 * the flush policy believes it gone, so the live-alias rule and the exposure scan, which look only at
 * live aliases and TLB entries, cannot see it.
 *
 * <p>Which PTEs to look at comes from the {@link ChangeLog}: every write there is logged from the
 * checker's start (the areas hold no PTE at boot but the empty windows mappers preallocate), so the
 * present ones are those written and not cleared since. Each is followed from the check after its
 * write until a check finds it cleared. Limit: an interval whose log overflowed can hide one.
 */
final class AliasPteCheck {
  private final AddressSpaces as;
  // the live aliases of this check
  private long[] liveVa = new long[64];
  private long[] liveMm = new long[64];
  private long[] livePfn = new long[64];
  private int nLive;
  // the present alias-area PTEs being followed: (mm of the table or ALL_MM, va)
  private long[] ptMm = new long[64];
  private long[] ptVa = new long[64];
  private int nPtes;

  AliasPteCheck(Machine machine) {
    this.as = machine.addressSpaces();
  }

  /**
   * Starts a check: the live aliases are then fed to {@link #alias} by the checker's one pass over
   * the mappers' aliases ({@link Mapper#forEachAlias}), which its live-alias rule makes anyway.
   */
  void beginAliases() {
    nLive = 0;
  }

  /**
   * Follows the alias-area PTEs {@code log} says were written; then judges every followed one
   * against the live aliases given since {@link #beginAliases}.
   */
  String check(ChangeLog log) {
    for (int i = 0; i < log.nrTranslations(); i++) {
      long va = log.translationVa(i);
      long mm = log.translationMm(i);
      for (long k = 0; k < log.translationPages(i); k++) {
        follow(mm, va + (k << 12));
      }
    }
    int w = 0;
    String bad = null;
    for (int i = 0; i < nPtes; i++) {
      long mm = ptMm[i];
      long va = ptVa[i];
      long pfn = present(mm, va);
      if (pfn < 0) {
        continue; // cleared: stop following
      }
      if (bad == null && !live(mm, va, pfn)) {
        bad = "alias PTE: va 0x" + Long.toHexString(va) + (mm == AliasVisitor.ALL_MM ? " in the shared kernel area"
            : " in the mm-local region of mm " + mm) + " maps pfn " + pfn
            + " but no mapper holds a live alias there (a release left its PTE)";
      }
      ptMm[w] = mm;
      ptVa[w++] = va;
    }
    nPtes = w;
    return bad;
  }

  private static boolean aliasArea(long va) {
    return (Long.compareUnsigned(va, AddressSpaces.VMALLOC_START) >= 0
        && Long.compareUnsigned(va, AddressSpaces.VMALLOC_END) < 0)
        || (Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_START) >= 0
        && Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_END) < 0);
  }

  private void follow(long mm, long va) {
    if (!aliasArea(va)) {
      return;
    }
    long key = Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_END) < 0 ? mm : AliasVisitor.ALL_MM;
    for (int i = 0; i < nPtes; i++) {
      if (ptVa[i] == va && ptMm[i] == key) {
        return;
      }
    }
    if (nPtes == ptVa.length) {
      ptVa = Arrays.copyOf(ptVa, nPtes * 2);
      ptMm = Arrays.copyOf(ptMm, nPtes * 2);
    }
    ptMm[nPtes] = key;
    ptVa[nPtes++] = va;
  }

  /**
   * The frame the alias-area PTE maps, or -1. The areas are shared by the restricted and
   * unrestricted tables, so the unrestricted walk answers (init_mm's for the kernel area); the
   * tables of an mm that has been destroyed are gone, and with them its PTEs.
   */
  private long present(long mm, long va) {
    try {
      return as.translate(mm == AliasVisitor.ALL_MM ? AddressSpaces.INIT_MM : mm, false, va);
    } catch (IllegalArgumentException destroyed) {
      return -1;
    }
  }

  private boolean live(long mm, long va, long pfn) {
    for (int i = 0; i < nLive; i++) {
      if (liveVa[i] == va && livePfn[i] == pfn
          && (mm == AliasVisitor.ALL_MM || liveMm[i] == mm || liveMm[i] == AliasVisitor.ALL_MM)) {
        return true;
      }
    }
    return false;
  }

  /** One alias of a mapper, as {@link AliasVisitor#alias} gives it. */
  void alias(int cpu, long mm, long va, long pfn, boolean live) {
    if (!live) {
      return;
    }
    if (nLive == liveVa.length) {
      liveVa = Arrays.copyOf(liveVa, nLive * 2);
      liveMm = Arrays.copyOf(liveMm, nLive * 2);
      livePfn = Arrays.copyOf(livePfn, nLive * 2);
    }
    liveVa[nLive] = va;
    liveMm[nLive] = mm;
    livePfn[nLive++] = pfn;
  }
}
