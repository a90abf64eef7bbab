package io.asisim.sim.check;

import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import java.util.List;

/**
 * Walks the restricted direct map against the allocator's sensitivity, frame by frame (a whole
 * pageblock at once where the map still has a 2 MiB leaf): a sensitive frame must not be present,
 * and a frame that was sensitive at the previous walk and has become present since must be zeroed
 * ({@link Machine#isZeroed}) — the "zero before it becomes reachable restricted" rule of the
 * pageblock flip to nonsensitive ({@code __GFP_SENSITIVE} RFC) and of pool blocks returned to a
 * nonsensitive allocator; and a frame the restricted map lets a restricted CPU write must be
 * writable in the unrestricted one ({@code set_memory_ro()} mirrored); and a hot-removed frame
 * ({@link Machine#isHotRemoved}: {@code arch_remove_memory()} took it out of the unrestricted direct
 * map) must be neither present in the restricted direct map nor cached by any CPU's restricted TLB
 * entries (memory hotplug mirrored and flushed). Two bits of state per frame (1 TiB: 64 MiB). Frames memblock reserved at
 * boot (kernel image, boot page tables) are not allocator-managed and are skipped.
 *
 * <p>Limit: the zeroing rule is judged at the first check after the flip; a frame written through
 * its new restricted mapping before that check would be reported although it was zeroed in time.
 * With {@code --check-every 1} a flip and such a write must happen within one workload op; the
 * shipped workloads never write a nonsensitive page through its mapping.
 */
final class RestrictedMapCheck {
  private static final int PB_PAGES = 512;

  private final Machine machine;
  private final PageAllocator allocator;
  private final long nrFrames;
  /** The boot reservation: frames the allocator never owns, so their sensitivity means nothing. */
  private final List<PfnRange> reserved;
  private final long[] wasSensitive;
  private final long[] wasMapped;
  /** A hot-removed frame was judged in this check: its TLB entries are probed at the end. */
  private boolean sawRemoved;
  private String tlbViolation;
  private final io.asisim.api.machine.TlbVisitor removedEntry = this::removedEntry;

  RestrictedMapCheck(Machine machine, PageAllocator allocator) {
    this.machine = machine;
    this.allocator = allocator;
    this.nrFrames = machine.nrFrames();
    this.reserved = List.copyOf(machine.bootReservation());
    int words = (int) ((nrFrames + 63) >>> 6);
    wasSensitive = new long[words];
    wasMapped = new long[words];
    for (long p = next(0); p < nrFrames; p = next(p + 1)) {
      remember(p, allocator.sensitivity(p) == Sensitivity.SENSITIVE, machine.isRestrictedMapped(p));
    }
  }

  /** The whole walk; returns a violation, or {@code null}. */
  String check() {
    sawRemoved = false;
    String bad = null;
    long p = next(0);
    while (p < nrFrames) {
      long blockEnd = Math.min(nrFrames, (p | (PB_PAGES - 1)) + 1);
      if (PfnRange.framesIn(reserved, p, blockEnd) > 0) {
        // a pageblock with boot-reserved frames: check its allocator-owned frames one by one
        for (; p < blockEnd; p = next(p + 1)) {
          bad = checkFrame(p, machine.isRestrictedMapped(p), bad);
        }
        p = next(p);
        continue;
      }
      // one PMD lookup decides a pageblock mapped by a 2 MiB leaf or not mapped at all
      int block = blockEnd - p == PB_PAGES ? machine.restrictedPageblockMapped(p) : -1;
      for (; p < blockEnd; p++) {
        bad = checkFrame(p, block >= 0 ? block == 1 : machine.isRestrictedMapped(p), bad);
      }
      p = next(p);
    }
    return tlbOfRemoved(bad);
  }

  /**
   * {@link #check} on the frames {@code log} lists: sensitivity and restricted mapping change only
   * there (the allocator logs the first, the machine the second), so the other frames' answers and
   * remembered bits are still those of the last walk.
   */
  String checkFrames(ChangeLog log) {
    // every logged frame is judged, and the lowest bad one reported, as the ascending walk would
    sawRemoved = false;
    String bad = null;
    long badPfn = Long.MAX_VALUE;
    for (int i = 0; i < log.nrFrameRanges(); i++) {
      long end = Math.min(nrFrames, log.framePfn(i) + log.frameCount(i));
      long p = log.framePfn(i);
      while (p < end) {
        // a pageblock at a time: one PMD lookup where a leaf or an empty entry decides it
        long stop = Math.min(end, (p | (PB_PAGES - 1)) + 1);
        boolean someReserved = PfnRange.framesIn(reserved, p, stop) > 0;
        int block = someReserved ? -1 : machine.restrictedPageblockMapped(p);
        for (p = someReserved ? next(p) : p; p < stop; p = someReserved ? next(p + 1) : p + 1) {
          String r = checkFrame(p, block >= 0 ? block == 1 : machine.isRestrictedMapped(p), null);
          if (r != null && p < badPfn) {
            bad = r;
            badPfn = p;
          }
        }
        p = stop;
      }
    }
    return tlbOfRemoved(bad);
  }

  /**
   * When a hot-removed frame was judged and nothing else is wrong: every CPU's restricted TLB
   * entries, none of which may cover a hot-removed frame after {@code arch_remove_memory()}'s flush.
   */
  private String tlbOfRemoved(String bad) {
    if (bad != null || !sawRemoved) {
      return bad;
    }
    tlbViolation = null;
    for (int c = 0; c < machine.nrCpus() && tlbViolation == null; c++) {
      machine.tlb().forEachRestrictedEntry(c, removedEntry);
    }
    return tlbViolation;
  }

  private void removedEntry(int cpu, long mm, long va, long pfn, int pageShift) {
    if (tlbViolation != null) {
      return;
    }
    long end = Math.min(nrFrames, pfn + (1L << (pageShift - 12)));
    for (long f = Math.max(0, pfn); f < end; f++) {
      if (machine.isHotRemoved(f)) {
        tlbViolation = "restricted map: CPU " + cpu + "'s TLB still translates hot-removed pfn " + f
            + " (no flush after arch_remove_memory())";
        return;
      }
    }
  }

  /** Checks one allocator-owned frame; returns the first violation so far. */
  private String checkFrame(long p, boolean mapped, String bad) {
    boolean sensitive = allocator.sensitivity(p) == Sensitivity.SENSITIVE;
    if (machine.isHotRemoved(p)) {
      // offline memory: no sensitivity to judge, but nothing restricted may reach it
      sawRemoved = true;
      if (bad == null && mapped) {
        bad = "restricted map: pfn " + p + " was hot-removed (arch_remove_memory()) but is still present in"
            + " the restricted direct map (memory hotplug not mirrored)";
      }
      remember(p, sensitive, mapped);
      return bad;
    }
    if (bad == null) {
      if (sensitive && mapped) {
        bad = "restricted map: sensitive pfn " + p + " is present in the restricted direct map";
      } else if (mapped && machine.restrictedGrantsWrite(p)) {
        bad = "restricted map: pfn " + p + " is writable in the restricted direct map but read-only in the"
            + " unrestricted one (set_memory_ro() not mirrored)";
      } else if (mapped && !bit(wasMapped, p) && bit(wasSensitive, p) && !machine.isZeroed(p)) {
        bad = "zero on flip: pfn " + p + " was sensitive, became present in the restricted direct map"
            + " and was not zeroed";
      }
    }
    remember(p, sensitive, mapped);
    return bad;
  }

  /** The first frame at or after {@code p} outside the boot reservation. */
  private long next(long p) {
    return PfnRange.nextOutside(reserved, p);
  }

  private void remember(long p, boolean sensitive, boolean mapped) {
    int w = (int) (p >>> 6);
    long m = 1L << p;
    wasSensitive[w] = sensitive ? wasSensitive[w] | m : wasSensitive[w] & ~m;
    wasMapped[w] = mapped ? wasMapped[w] | m : wasMapped[w] & ~m;
  }

  private static boolean bit(long[] bits, long p) {
    return (bits[(int) (p >>> 6)] & (1L << p)) != 0;
  }
}
