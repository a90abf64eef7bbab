package io.asisim.policies.flush;

import io.asisim.api.machine.CpuMask;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.machine.TlbVisitor;
import java.util.ArrayList;
import java.util.List;

/** A TlbOps that records the flush calls a policy makes, as text, for golden comparisons. */
final class RecordingTlb implements TlbOps {
  final List<String> calls = new ArrayList<>();
  final CpuMask[] cpumask;

  RecordingTlb(int mms) {
    cpumask = new CpuMask[mms];
    for (int i = 0; i < mms; i++) {
      cpumask[i] = new CpuMask();
    }
  }

  @Override
  public long access(int cpu, long va, boolean write, int site) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void invlpg(int cpu, long va) {
    calls.add("invlpg cpu" + cpu + " " + Long.toHexString(va));
  }

  @Override
  public void invpcidSingle(int cpu, int pcid, long va) {
    calls.add("invpcidSingle");
  }

  @Override
  public void invpcidAll(int cpu) {
    calls.add("invpcidAll cpu" + cpu);
  }

  @Override
  public int currentPcid(int cpu) {
    return 1;
  }

  @Override
  public void flushOne(int cpu, long va) {
    calls.add("flushOne cpu" + cpu + " " + Long.toHexString(va));
  }

  @Override
  public void flushOneMmLocal(int cpu, long va) {
    calls.add("flushOneMmLocal cpu" + cpu + " " + Long.toHexString(va));
  }

  @Override
  public void flushLocal(int cpu) {
    calls.add("flushLocal cpu" + cpu);
  }

  @Override
  public void flushMmRange(int cpu, long mm, long start, long pages) {
    calls.add("flushMmRange");
  }

  @Override
  public void flushKernelRange(int cpu, long start, long pages) {
    calls.add("flushKernelRange");
  }

  @Override
  public void shootdown(int cpu, CpuMask targets, long mm, long start, long pages) {
    calls.add("shootdown from cpu" + cpu + " to {" + targets + "} mm " + mm + " " + Long.toHexString(start) + " x" + pages);
  }

  @Override
  public void batchAdd(int cpu, long mm) {}

  @Override
  public void batchFlush(int cpu) {}

  @Override
  public CpuMask mmCpumask(long mm) {
    return cpumask[(int) mm];
  }

  @Override
  public int singlePageFlushCeiling() {
    return 33;
  }

  @Override
  public void forEachRestrictedEntry(int cpu, TlbVisitor visitor) {}

  @Override
  public int validEntries(int cpu) {
    return 0;
  }
}
