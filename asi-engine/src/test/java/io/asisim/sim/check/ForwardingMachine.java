package io.asisim.sim.check;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.TablePageSource;
import io.asisim.api.machine.TlbOps;

/** A {@link Machine} that forwards every call; mutants override the calls they break. */
class ForwardingMachine implements Machine {
  final Machine m;

  ForwardingMachine(Machine m) {
    this.m = m;
  }

  @Override public CpuProfile profile() { return m.profile(); }
  @Override public long cycles(int cpu) { return m.cycles(cpu); }
  @Override public void setTablePageSource(TablePageSource source) { m.setTablePageSource(source); }
  @Override public AddressSpaces addressSpaces() { return m.addressSpaces(); }
  @Override public TlbOps tlb() { return m.tlb(); }
  @Override public AsiOps asi() { return m.asi(); }
  @Override public boolean isZeroed(long pfn) { return m.isZeroed(pfn); }
  @Override public boolean logChanges(io.asisim.api.machine.ChangeLog log) { return m.logChanges(log); }
  @Override public int nrCpus() { return m.nrCpus(); }
  @Override public long nrFrames() { return m.nrFrames(); }
  @Override public long bootReservedFrames() { return m.bootReservedFrames(); }
  @Override public java.util.List<io.asisim.api.machine.PfnRange> bootReservation() { return m.bootReservation(); }
  @Override public void charge(int cpu, long cycles) { m.charge(cpu, cycles); }
  @Override public void clearPages(int cpu, long pfn, long count) { m.clearPages(cpu, pfn, count); }
  @Override public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) {
    return m.setRestrictedMapped(cpu, pfn, count, present);
  }
  @Override public boolean isRestrictedMapped(long pfn) { return m.isRestrictedMapped(pfn); }
  @Override public int restrictedPageblockMapped(long pfn) { return m.restrictedPageblockMapped(pfn); }
  @Override public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) {
    return m.setDirectMapped(cpu, pfn, count, present);
  }
  @Override public boolean isDirectMapped(long pfn) { return m.isDirectMapped(pfn); }
  @Override public boolean removeMemory(int cpu, long pfn, long count) { return m.removeMemory(cpu, pfn, count); }
  @Override public boolean addMemory(int cpu, long pfn, long count) { return m.addMemory(cpu, pfn, count); }
  @Override public boolean isHotRemoved(long pfn) { return m.isHotRemoved(pfn); }
  @Override public void flushKernelRange(int cpu, long pfn, long count) { m.flushKernelRange(cpu, pfn, count); }
  // the kernel's calls (a machine-kind mutant wraps the machine of the whole variant)
  @Override public void runUser(int cpu, long cycles, int dataPages, int textPages) {
    m.runUser(cpu, cycles, dataPages, textPages);
  }
  @Override public void kernelEntry(int cpu) { m.kernelEntry(cpu); }
}
