package io.asisim.x86;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;

/** The profile's costs and traits copied into final fields, so hot paths read a field. */
final class Costs {
  final long cr3Write;
  final long ibpb;
  final long ibpbAfter;
  final long stlbHit;
  final long llcLatency;
  final long l2Kib;
  final int itlbEntries;
  final long rsbFill;
  final long l1dFlush;
  final long invlpg;
  final long invpcidSingle;
  final long invpcidAll;
  final long fullFlush;
  final long walkLevel;
  final long tlbHit;
  final long ipiSend;
  final long ipiTarget;
  final long pageFault;
  final long clearPage;
  final long pteWrite;
  final boolean needsIbpb;
  final boolean needsRsbFill;
  final boolean l1tf;
  final boolean ibpbOnEveryExit;

  Costs(CpuProfile p) {
    cr3Write = p.get(Cost.CR3_WRITE);
    ibpb = p.get(Cost.IBPB);
    ibpbAfter = p.get(Cost.IBPB_AFTER);
    stlbHit = p.get(Cost.STLB_HIT);
    llcLatency = p.get(Cost.LLC_LATENCY);
    l2Kib = p.get(Cost.L2_KIB);
    itlbEntries = Math.toIntExact(p.get(Cost.ITLB_ENTRIES));
    rsbFill = p.get(Cost.RSB_FILL);
    l1dFlush = p.get(Cost.L1D_FLUSH);
    invlpg = p.get(Cost.INVLPG);
    invpcidSingle = p.get(Cost.INVPCID_SINGLE);
    invpcidAll = p.get(Cost.INVPCID_ALL);
    fullFlush = p.get(Cost.FULL_FLUSH);
    walkLevel = p.get(Cost.PAGE_WALK_LEVEL);
    tlbHit = p.get(Cost.TLB_HIT);
    ipiSend = p.get(Cost.IPI_SEND);
    ipiTarget = p.get(Cost.IPI_TARGET);
    pageFault = p.get(Cost.PAGE_FAULT);
    clearPage = p.get(Cost.CLEAR_PAGE);
    pteWrite = p.get(Cost.PTE_WRITE);
    needsIbpb = p.has(CpuTrait.NEEDS_IBPB);
    needsRsbFill = p.has(CpuTrait.NEEDS_RSB_FILL);
    l1tf = p.has(CpuTrait.L1TF);
    ibpbOnEveryExit = p.has(CpuTrait.IBPB_ON_EVERY_EXIT);
  }
}
