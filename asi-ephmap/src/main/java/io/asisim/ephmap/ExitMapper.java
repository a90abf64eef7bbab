package io.asisim.ephmap;

import io.asisim.api.mapper.Mapper;

/**
 * The {@code exit} mapper: makes no alias. Restricted code touches the sensitive page through the
 * direct map, which is not present in the restricted address space, so the access faults and the
 * #PF path calls {@code asi_exit()} (arch/x86/mm/asi.c in bjackman/linux); the rest of the system
 * call then runs unrestricted. This is what the posted ASI series does for page-cache reads.
 */
public final class ExitMapper implements Mapper {
  @Override
  public long map(int cpu, long mm, long pfn) {
    return NO_ALIAS;
  }

  @Override
  public void unmap(int cpu, long mm, long va) {
    throw new IllegalStateException("exit mapper never makes an alias; unmap(" + va + ") is a caller bug");
  }
}
