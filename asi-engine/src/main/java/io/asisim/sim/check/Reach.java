package io.asisim.sim.check;

import io.asisim.api.machine.AddressSpaces;

/** Address-space questions shared by the checks. */
final class Reach {
  private Reach() {}

  /** Whether {@code va} is in the per-mm mm-local region (ephmap slots), reachable only from its own mm. */
  static boolean isMmLocal(long va) {
    return Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_START) >= 0
        && Long.compareUnsigned(va, AddressSpaces.MM_LOCAL_END) < 0;
  }

  /** Frames a TLB entry of leaf size {@code pageShift} covers that the checks visit (1 GiB leaves: the first only). */
  static long framesOf(int pageShift) {
    return pageShift == 21 ? 512 : 1;
  }
}
