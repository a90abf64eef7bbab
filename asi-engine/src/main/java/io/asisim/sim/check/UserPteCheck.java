package io.asisim.sim.check;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.sim.kernel.KernelView;

/**
 * The {@code user PTE} invariant (docs/checker.md): between ops, the page tables of every live mm
 * hold exactly the user PTEs the kernel believes it installed ({@link KernelView#userPte}) — the
 * frame its fault, fork and copy-on-write paths chose, write-protected where the kernel
 * write-protected it — and no anonymous frame that more than one mm maps is writable anywhere
 * ({@code copy_present_pte()} write-protects both sides of a fork; {@code do_wp_page()} may reuse a
 * page writable only when {@code folio_ref_count()} says it has one user). A copy-on-write that
 * shares instead of copying breaks it: the kernel's reverse map gives the writer its new copy while
 * the hardware still maps the shared frame writable, and no other rule sees that, because logical
 * access follows the kernel's reverse map and page contents are not modelled.
 *
 * <p>The full check visits every PTE the kernel lists and walks the tables for each; the incremental
 * check visits the user PTEs the {@link ChangeLog} says were written (as the machine logs every user
 * PTE write). Limit: a PTE the hardware holds but neither the kernel lists nor a logged write
 * touched (an unmap that cleared the kernel's record but not the PTE, and did not write it) is seen by
 * neither; an unmap writes the PTE it clears, so the write is logged.
 */
final class UserPteCheck {
  private final AddressSpaces as;
  private final KernelView kernel;
  /** Whether the restricted tables exist: their user half must be the unrestricted one's. */
  private final boolean asi;
  private String violation;
  private final KernelView.UserPteVisitor judge = this::judge;

  UserPteCheck(Machine machine, KernelView kernel) {
    this.as = machine.addressSpaces();
    this.kernel = kernel;
    this.asi = machine.asi().enabled();
  }

  /** Every user PTE of every live mm; {@code null} if the kernel cannot list them. */
  String checkAll() {
    violation = null;
    kernel.forEachUserPte(judge);
    return violation;
  }

  /** The user PTEs {@code log} says were written since the last check. */
  String check(ChangeLog log) {
    violation = null;
    for (int i = 0; i < log.nrTranslations() && violation == null; i++) {
      long va = log.translationVa(i);
      if (Long.compareUnsigned(va, AddressSpaces.USER_END) >= 0) {
        continue; // a kernel-area or mm-local write: the alias-PTE rule's
      }
      long mm = log.translationMm(i);
      for (long k = 0; k < log.translationPages(i) && violation == null; k++) {
        long v = kernel.userPte(mm, va + (k << 12));
        if (v != KernelView.NO_MM) {
          judge(mm, va + (k << 12), v); // a torn-down mm's tables are gone with it
        }
      }
    }
    return violation;
  }

  private void judge(long mm, long va, long value) {
    if (violation != null) {
      return;
    }
    long want = value == KernelView.NO_PTE ? -1 : value & KernelView.PTE_PFN_MASK;
    long got = as.translate(mm, false, va);
    if (got != want) {
      violation = "user PTE: va 0x" + Long.toHexString(va) + " of mm " + mm + " maps " + frame(got)
          + " but the kernel installed " + describe(value);
      return;
    }
    if (asi && as.translate(mm, true, va) != want) {
      violation = "user PTE: va 0x" + Long.toHexString(va) + " of mm " + mm + " maps "
          + frame(as.translate(mm, true, va)) + " in the restricted tables but " + frame(got)
          + " in the unrestricted ones (the user half is shared)";
      return;
    }
    if (want < 0) {
      return;
    }
    boolean writable = (value & KernelView.PTE_WRITABLE) != 0;
    int hw = as.userPteWritable(mm, va);
    if (hw >= 0 && (hw == 1) != writable) {
      violation = "user PTE: va 0x" + Long.toHexString(va) + " of mm " + mm + " maps pfn " + want
          + (hw == 1 ? " writable" : " read-only") + " but the kernel installed " + describe(value);
    } else if (writable && (value & KernelView.PTE_ANON) != 0 && kernel.anonShared(want)) {
      violation = "user PTE: va 0x" + Long.toHexString(va) + " of mm " + mm + " maps anonymous pfn " + want
          + " writable although another mm maps it (copy-on-write must write-protect a shared page)";
    }
  }

  private static String frame(long pfn) {
    return pfn < 0 ? "nothing" : "pfn " + pfn;
  }

  private static String describe(long value) {
    if (value == KernelView.NO_PTE) {
      return "nothing there";
    }
    return ((value & KernelView.PTE_ANON) != 0 ? "anonymous " : "page-cache ") + "pfn "
        + (value & KernelView.PTE_PFN_MASK) + ((value & KernelView.PTE_WRITABLE) != 0 ? " writable" : " read-only");
  }
}
