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
 * @param ioPercent share that are I/O returning to the VMM; the rest are EPT violations while unbacked pages remain
 * @param haltOps ops a halted vCPU sleeps before its interrupt
 * @param vmmUserCycles user cycles of the VMM per I/O exit
 */
record KvmGuestsParams(long ops, int guests, int vcpus, int guestPages, long guestCycles, int msrPercent,
    int hltPercent, int ioPercent, int haltOps, long vmmUserCycles) {
  KvmGuestsParams {
    if (msrPercent + hltPercent + ioPercent > 100) {
      throw new IllegalArgumentException("msr-percent + hlt-percent + io-percent = "
          + (msrPercent + hltPercent + ioPercent) + ": must be at most 100 (the rest are EPT violations)");
    }
  }
}
