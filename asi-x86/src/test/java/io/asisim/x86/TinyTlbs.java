package io.asisim.x86;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;
import java.util.Map;

/** TLB geometries small enough that every set, way and settle bit is hand-checkable (tests only). */
final class TinyTlbs {
  private TinyTlbs() {}

  /** A profile with only the six geometry keys: STLB, 1 GiB array and L1 dTLB entries and ways. */
  static CpuProfile geometry(long stlb, long stlbWays, long g1, long g1Ways, long l1, long l1Ways) {
    Map<Cost, Long> g = Map.of(Cost.STLB_ENTRIES, stlb, Cost.STLB_WAYS, stlbWays, Cost.TLB_1G_ENTRIES, g1,
        Cost.TLB_1G_WAYS, g1Ways, Cost.L1_DTLB_ENTRIES, l1, Cost.L1_DTLB_WAYS, l1Ways);
    return new CpuProfile() {
      @Override public String name() {
        return "tiny";
      }

      @Override public long get(Cost key) {
        return g.get(key);
      }

      @Override public boolean has(CpuTrait trait) {
        return false;
      }
    };
  }

  /** 2 CPUs: a 4-set 2-way STLB, a 2-set 2-way 1 GiB array, a 1-set 2-way L1 (as TlbArrayTest). */
  static Tlb small() {
    return new Tlb(2, geometry(8, 2, 4, 2, 2, 2));
  }

  /** Reads a private int array of {@code tlb} ({@code pcidGen}, {@code epoch}): the wrap tests set it. */
  static int[] intArray(Tlb tlb, String field) {
    try {
      java.lang.reflect.Field f = Tlb.class.getDeclaredField(field);
      f.setAccessible(true);
      return (int[]) f.get(tlb);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
