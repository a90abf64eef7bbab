package io.asisim.sim.workload;

/**
 * The parameters of {@code kvm-guests} ({@link KvmGuestsPlugin}); every default is an estimate.
 *
 * @param ops VM entries (one exit each)
 * @param guests VMM processes
 * @param vcpus vCPU threads per guest
 * @param guestPages pages of guest RAM per guest
 * @param guestCycles cycles in the guest per entry
 * @param msrPercent share of exits that are fast-path MSR writes
 * @param hltPercent share that are HLT
 * @param ioPercent share that are I/O returning to the VMM
 * @param ipiPercent share that are IPIs to the guest's next vCPU; the rest are EPT violations while unbacked pages remain
 * @param haltOps ops a halted vCPU sleeps before its interrupt
 * @param vmmUserCycles user cycles of the VMM per I/O exit
 */
record KvmGuestsParams(long ops, int guests, int vcpus, int guestPages, long guestCycles, int msrPercent,
    int hltPercent, int ioPercent, int ipiPercent, int haltOps, long vmmUserCycles) {
  KvmGuestsParams {
    int sum = msrPercent + hltPercent + ioPercent + ipiPercent;
    if (sum > 100) {
      throw new IllegalArgumentException("msr-percent + hlt-percent + io-percent + ipi-percent = " + sum
          + ": must be at most 100 (the rest are EPT violations)");
    }
  }
}
