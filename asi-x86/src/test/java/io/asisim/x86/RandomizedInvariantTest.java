package io.asisim.x86;

import static io.asisim.api.machine.AddressSpaces.directMapVa;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiExitReason;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.plugin.Params;
import io.asisim.x86.profile.CpuProfilePlugin;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operation sequences against simple reference models: after the flushes the kernel would
 * do, no TLB ever returns a translation the page tables no longer have; walks agree with a plain
 * map; restricted accesses exit exactly when the reference says the frame is absent.
 */
class RandomizedInvariantTest {
  private static final int PAGES = 64;
  private static final long USER_BASE = 0x5555_0000_0000L;
  private static final long BLOCK0 = 20; // restricted-map reference covers pageblocks 20..27
  private static final int BLOCKS = 8;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void tlbNeverOutlivesTheRequiredFlush(long seed) {
    Metrics metrics = new Metrics();
    CpuProfilePlugin plugin = TestMachines.plugin("sapphire-rapids");
    // a tiny TLB so that replacement happens all the time
    var profile = plugin.build(Params.of(plugin, "stlb-entries", "16", "stlb-ways", "4", "l1-dtlb-entries", "4", "l1-dtlb-ways", "2",
        "tlb-1g-entries", "4", "tlb-1g-ways", "4"));
    boolean noflush = seed % 2 == 0;
    X86Machine m = TestMachines.build(profile, 64L << 20, 3, true, X86Options.DEFAULT.withCr3NoFlush(noflush), metrics);
    AddressSpaces as = m.addressSpaces();
    TlbOps tlb = m.tlb();
    SplittableRandom rnd = new SplittableRandom(seed);
    long mm = as.mmCreate(0);
    long mm2 = as.mmCreate(0);
    for (int c = 0; c < 3; c++) {
      as.switchMm(c, mm);
    }
    long[] ref = new long[PAGES];
    Arrays.fill(ref, -1);
    boolean[] restricted = new boolean[BLOCKS * 512];
    long firstFrame = BLOCK0 * 512;

    for (int step = 0; step < 4000; step++) {
      int cpu = rnd.nextInt(3);
      int op = rnd.nextInt(10);
      int i = rnd.nextInt(PAGES);
      long va = USER_BASE + i * 4096L;
      switch (op) {
        case 0, 1 -> { // map or remap a user page, flushing the old translation first
          if (ref[i] >= 0) {
            as.unmapUser(cpu, mm, va);
            tlb.flushMmRange(cpu, mm, va, 1);
          }
          ref[i] = 12000 + rnd.nextInt(4000);
          assertThat(as.mapUser(cpu, mm, va, ref[i], rnd.nextBoolean())).isTrue();
        }
        case 2 -> { // unmap a range, flushed as one range (sometimes above the ceiling)
          int n = 1 + rnd.nextInt(Math.min(40, PAGES - i));
          for (int k = 0; k < n; k++) {
            as.unmapUser(cpu, mm, va + k * 4096L);
            ref[i + k] = -1;
          }
          tlb.flushMmRange(cpu, mm, va, n);
        }
        case 3, 4, 5 -> { // access from a CPU running mm
          if (as.loadedMm(cpu) == mm) {
            long got = tlb.access(cpu, va, false, 0);
            assertThat(got).as("step %d cpu %d page %d", step, cpu, i).isEqualTo(ref[i] < 0 ? TlbOps.FAULT : ref[i]);
          }
        }
        case 6 -> { // ASI transitions
          if (m.asi().isRestricted(cpu)) {
            m.asi().asiExit(cpu, AsiExitReason.MISC, 0);
          } else if (as.loadedMm(cpu) != AddressSpaces.INIT_MM) {
            m.asi().asiEnter(cpu);
          }
        }
        case 7 -> { // restricted-map change, pageblock or finer; removal is flushed everywhere
          int b = rnd.nextInt(BLOCKS);
          boolean whole = rnd.nextBoolean();
          int off = whole ? 0 : rnd.nextInt(512);
          int n = whole ? 512 : 1 + rnd.nextInt(512 - off);
          boolean present = rnd.nextBoolean();
          long pfn = firstFrame + b * 512L + off;
          m.setRestrictedMapped(cpu, pfn, n, present);
          if (!present) {
            m.flushKernelRange(cpu, pfn, n);
          }
          Arrays.fill(restricted, b * 512 + off, b * 512 + off + n, present);
        }
        case 8 -> { // direct-map access from a restricted CPU: exits iff the frame is absent
          if (m.asi().isRestricted(cpu)) {
            int f = rnd.nextInt(restricted.length);
            long exits = metrics.get("asi_exits");
            assertThat(tlb.access(cpu, directMapVa(firstFrame + f), false, 0)).isEqualTo(firstFrame + f);
            assertThat(metrics.get("asi_exits") - exits).isEqualTo(restricted[f] ? 0 : 1);
          }
        }
        default -> { // context switch of cpu 2 between the two mms
          if (cpu == 2 && !m.asi().isRestricted(2)) {
            as.switchMm(2, as.loadedMm(2) == mm ? mm2 : mm);
          }
        }
      }
      // invariant: every translation usable while restricted agrees with the restricted tables
      for (int c = 0; c < 3; c++) {
        tlb.forEachRestrictedEntry(c, (cc, owner, eva, pfn, shift) -> {
          long walked = as.translate(owner, true, eva);
          assertThat(walked).as("cpu %d va %x", cc, eva).isEqualTo(pfn);
        });
      }
    }
    for (int i = 0; i < PAGES; i++) {
      assertThat(as.translate(mm, false, USER_BASE + i * 4096L)).isEqualTo(ref[i]);
      assertThat(as.translate(mm, true, USER_BASE + i * 4096L)).isEqualTo(ref[i]);
    }
    for (int f = 0; f < restricted.length; f++) {
      assertThat(m.isRestrictedMapped(firstFrame + f)).isEqualTo(restricted[f]);
    }
    assertThat(metrics.get("tlb_misses")).isPositive();
  }

  @Test
  void directMapPermissionsAgreeWithAReferenceBitmap() {
    Metrics metrics = new Metrics();
    X86Machine m = TestMachines.build("zen4", (1L << 30) + (64L << 20), 1, true, X86Options.DEFAULT, metrics);
    SplittableRandom rnd = new SplittableRandom(7);
    int frames = (int) m.nrFrames();
    boolean[] ref = new boolean[frames];
    Arrays.fill(ref, true);
    for (int step = 0; step < 300; step++) {
      int start = rnd.nextInt(frames);
      int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 3000);
      n = Math.min(n, frames - start);
      boolean present = rnd.nextBoolean();
      m.setDirectMapped(0, start, n, present);
      Arrays.fill(ref, start, start + n, present);
      for (int k = 0; k < 500; k++) {
        int f = rnd.nextInt(frames);
        assertThat(m.isDirectMapped(f)).isEqualTo(ref[f]);
      }
    }
    for (int f = 0; f < frames; f++) {
      assertThat(m.isDirectMapped(f)).isEqualTo(ref[f]);
      if (ref[f]) {
        assertThat(m.addressSpaces().translate(AddressSpaces.INIT_MM, false, directMapVa(f))).isEqualTo(f);
      }
    }
    assertThat(metrics.get("direct_map_splits")).isPositive();
  }
}
