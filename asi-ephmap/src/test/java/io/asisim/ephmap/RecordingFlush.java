package io.asisim.ephmap;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A flush policy that only records, as text, what a mapper tells it (addresses relative to their
 * window: {@code local+}, {@code kmap+}, {@code mermap+}, {@code vmalloc+}), so a test can compare a
 * mapper's calls to a hand-written list.
 */
final class RecordingFlush implements FlushPolicy {
  final List<String> calls = new ArrayList<>();

  static String name(long va) {
    if (AddressSpaces.isMmLocal(va)) {
      return "local+0x" + Long.toHexString(va - AddressSpaces.MM_LOCAL_START);
    }
    if (Long.compareUnsigned(va, KernelWindows.KMAP_BASE) >= 0) {
      return "kmap+0x" + Long.toHexString(va - KernelWindows.KMAP_BASE);
    }
    if (Long.compareUnsigned(va, KernelWindows.MERMAP_BASE) >= 0) {
      return "mermap+0x" + Long.toHexString(va - KernelWindows.MERMAP_BASE);
    }
    return "vmalloc+0x" + Long.toHexString(va - AddressSpaces.VMALLOC_START);
  }

  /** Every alias {@code m} reports, as {@code cpu:mm:va:pfn:live}. */
  static List<String> aliases(Mapper m) {
    List<String> out = new ArrayList<>();
    m.forEachAlias((cpu, mm, va, pfn, live) -> out.add(cpu + ":" + mm + ":" + name(va) + ":" + pfn + ":" + live));
    return out;
  }

  @Override
  public void onTransientMap(int cpu, long mm, long va, long pfn) {
    calls.add("map " + cpu + " " + mm + " " + name(va) + " " + pfn);
  }

  @Override
  public void onTransientUnmap(int cpu, long mm, long va, long pfn) {
    calls.add("unmap " + cpu + " " + mm + " " + name(va) + " " + pfn);
  }

  @Override
  public void beforeReuse(int cpu, long mm, long va) {
    calls.add("reuse " + cpu + " " + mm + " " + name(va));
  }

  @Override
  public void onAccessLost(int cpu, long mm, long pfn) {
    calls.add("lost " + cpu + " " + mm + " " + pfn);
  }

  @Override
  public void onMmExit(int cpu, long mm) {
    calls.add("exit " + cpu + " " + mm);
  }

  @Override
  public void onLocalFullFlush(int cpu) {
    calls.add("full " + cpu);
  }

  @Override
  public void onGlobalFlush(int cpu, long start, long pages) {
    calls.add("global " + cpu + " " + name(start) + " x" + pages);
  }

  @Override
  public void forEachPending(AliasVisitor visitor) {}
}
