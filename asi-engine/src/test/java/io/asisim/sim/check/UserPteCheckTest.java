package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.ChangeLog;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.KernelView;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import io.asisim.sim.run.BootedVariant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code user PTE} invariant on hand-made page tables (docs/checker.md): a fake kernel lists the
 * PTEs it believes it installed, the real x86 page tables hold what the test writes, and each
 * disagreement — another frame, nothing, write protection, a writable page two mms share, the
 * restricted tables' user half — is reported with its address, mm and frames, by the full walk and
 * by the incremental check of the logged writes alike (but the one the full walk cannot see).
 */
class UserPteCheckTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x1000_0000L;

  private Machine m;
  private AddressSpaces as;
  private long mm;
  private final ChangeLog log = new ChangeLog();
  /** The kernel's PTEs: (mm, va) → value, in insertion order. */
  private final Map<List<Long>, Long> kernelPtes = new LinkedHashMap<>();
  private final Set<Long> shared = new HashSet<>();
  private final KernelView kernel = new KernelView() {
    @Override public int currentPid(int cpu) { return -1; }
    @Override public long taskSteps(int cpu) { return 0; }
    @Override public boolean hasLogicalAccess(int pid, long pfn) { return false; }
    @Override public List<Mapper> mappersBuilt() { return List.of(); }
    @Override public String takeAliasMismatch() { return null; }

    @Override public long userPte(long m, long va) {
      if (m != mm) {
        return NO_MM;
      }
      return kernelPtes.getOrDefault(List.of(m, va), NO_PTE);
    }

    @Override public boolean forEachUserPte(UserPteVisitor v) {
      kernelPtes.forEach((k, value) -> v.pte(k.get(0), k.get(1), value));
      return true;
    }

    @Override public boolean anonShared(long pfn) { return shared.contains(pfn); }
  };

  private UserPteCheck boot(boolean asi) {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    m = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, asi), sel, sel.keySet(), Settings.none(), 1, 1),
        REGISTRY).machine();
    as = m.addressSpaces();
    assertThat(m.logChanges(log)).as("with ASI " + (asi ? "on" : "off") + " too: user PTEs").isTrue();
    mm = as.mmCreate(0);
    return new UserPteCheck(m, kernel);
  }

  private void kernelHas(long va, long pfn, boolean anon, boolean writable) {
    kernelPtes.put(List.of(mm, va), pfn | (anon ? KernelView.PTE_ANON : 0) | (writable ? KernelView.PTE_WRITABLE : 0));
  }

  /** The full walk's and the incremental check's verdicts, which must be the same here. */
  private String both(UserPteCheck check) {
    String full = check.checkAll();
    String local = check.check(log);
    log.clear();
    assertThat(local).as("incremental = full").isEqualTo(full);
    return full;
  }

  @Test
  void pageTablesHoldingWhatTheKernelInstalledPass() {
    for (boolean asi : new boolean[] {true, false}) {
      kernelPtes.clear();
      UserPteCheck check = boot(asi);
      kernelHas(VA, 100, true, true);
      kernelHas(VA + 4096, 101, true, false); // a CoW-shared page, write-protected
      shared.add(101L);
      kernelHas(VA + 8192, 102, false, false); // a page-cache page of a file fault
      as.mapUser(0, mm, VA, 100, true);
      as.mapUser(0, mm, VA + 4096, 101, false);
      as.mapUser(0, mm, VA + 8192, 102, false);
      assertThat(both(check)).isNull();
    }
  }

  @Test
  void anotherFrameThanTheKernelInstalledIsReported() {
    UserPteCheck check = boot(true);
    kernelHas(VA, 200, true, true); // do_wp_page() copied into 200 ...
    as.mapUser(0, mm, VA, 101, true); // ... but the PTE still maps the shared original
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 101 but the kernel installed anonymous pfn 200 writable");
  }

  @Test
  void aMissingPteIsReportedAndAPageCachePteDescribed() {
    UserPteCheck check = boot(false);
    kernelHas(VA, 300, false, false);
    as.mapUser(0, mm, VA, 300, false);
    log.clear();
    as.unmapUser(0, mm, VA); // cleared in hardware, still installed for the kernel
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps nothing but the kernel installed page-cache pfn 300 read-only");
  }

  @Test
  void writeProtectionIsComparedBothWays() {
    UserPteCheck check = boot(true);
    kernelHas(VA, 400, true, false); // copy_present_pte() write-protected it
    as.mapUser(0, mm, VA, 400, true);
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 400 writable but the kernel installed anonymous pfn 400 read-only");
    kernelHas(VA, 400, true, true);
    as.mapUser(0, mm, VA, 400, false);
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 400 read-only but the kernel installed anonymous pfn 400 writable");
  }

  @Test
  void aWritableAnonymousPageThatAnotherMmMapsIsReported() {
    UserPteCheck check = boot(true);
    kernelHas(VA, 500, true, true);
    as.mapUser(0, mm, VA, 500, true);
    assertThat(both(check)).isNull();
    shared.add(500L); // fork shared it and the kernel did not write-protect its own record
    as.mapUser(0, mm, VA, 500, true);
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps anonymous pfn 500 writable although another mm maps it"
        + " (copy-on-write must write-protect a shared page)");
    kernelHas(VA, 500, false, true); // a page-cache page is not the anonymous rule's
    as.mapUser(0, mm, VA, 500, true);
    assertThat(both(check)).isNull();
  }

  @Test
  void aPteTheKernelDoesNotListIsSeenOnlyWhereItWasWritten() {
    UserPteCheck check = boot(true);
    as.mapUser(0, mm, VA + 4096, 7, true); // an unmap that forgot pte_clear() would leave this
    assertThat(check.check(log)).isEqualTo("user PTE: va 0x10001000 of mm " + mm
        + " maps pfn 7 but the kernel installed nothing there");
    assertThat(check.checkAll()).as("the documented limit: the walk visits what the kernel lists").isNull();
  }

  @Test
  void writesOfOtherMmsAndOfKernelAreasAreNotJudged() {
    UserPteCheck check = boot(true);
    long other = as.mmCreate(0); // the fake kernel does not know it: a torn-down mm
    log.clear(); // (its mm-local region's empty window is written at creation)
    as.mapUser(0, other, VA, 9, true);
    as.mapKernel(0, AddressSpaces.VMALLOC_START, 9);
    assertThat(log.nrTranslations()).isEqualTo(2);
    assertThat(check.check(log)).isNull();
  }

  @Test
  void theFirstOfSeveralBadPtesIsReported() {
    UserPteCheck check = boot(true);
    for (int i = 0; i < 3; i++) {
      kernelHas(VA + ((long) i << 12), 600 + i, true, true);
      as.mapUser(0, mm, VA + ((long) i << 12), 700 + i, true);
    }
    assertThat(both(check)).startsWith("user PTE: va 0x10000000 of mm " + mm + " maps pfn 700 ");
  }

  /** Frame 0 is a frame like any other: judged for write protection, named as "pfn 0". */
  @Test
  void frameZeroIsJudgedAndNamed() {
    UserPteCheck check = boot(true);
    kernelHas(VA, 0, true, false);
    as.mapUser(0, mm, VA, 0, true);
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 0 writable but the kernel installed anonymous pfn 0 read-only");
    kernelHas(VA, 5, true, true);
    as.mapUser(0, mm, VA, 0, true);
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 0 but the kernel installed anonymous pfn 5 writable");
  }

  /**
   * Only the records of this interval are judged, each page of a record once: a bad PTE left in a
   * record cleared before, or next to a one-page record, is not this check's; a two-page record's
   * second page is.
   */
  @Test
  void exactlyTheLoggedPagesAreJudged() {
    UserPteCheck check = boot(true);
    log.clear(); // the new mm's mm-local window
    kernelHas(VA, 100, true, true);
    as.mapUser(0, mm, VA, 100, true);
    as.mapUser(0, mm, VA + 4096, 7, true); // the kernel lists nothing there
    log.clear(); // two records dropped unjudged (an earlier check's business)
    as.mapUser(0, mm, VA, 100, true);
    assertThat(log.nrTranslations()).isEqualTo(1);
    assertThat(check.check(log)).as("neither the stale second record nor the page after VA").isNull();
    log.clear();
    log.translation(mm, VA, 2);
    assertThat(check.check(log)).isEqualTo("user PTE: va 0x10001000 of mm " + mm
        + " maps pfn 7 but the kernel installed nothing there");
    kernelHas(VA + 4096, 7, true, true); // now the second page is the kernel's too: both agree
    assertThat(check.check(log)).isNull();
  }

  /**
   * In the checker: the incremental check judges the written PTEs (so it sees a PTE the kernel does
   * not list), the full check walks the kernel's list (so it does not): the documented limit, on
   * both sides.
   */
  @Test
  void theCheckerJudgesWrittenPtesIncrementallyAndTheKernelsListInFull() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    BootedVariant v = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.none(), 1, 1), REGISTRY);
    m = v.machine();
    as = m.addressSpaces();
    mm = as.mmCreate(0);
    Checker c = new Checker(m, v.allocator(), kernel, v.metrics(), true);
    as.mapUser(0, mm, VA, 7, true);
    assertThat(c.checkChanged()).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 7 but the kernel installed nothing there");
    as.mapUser(0, mm, VA, 7, true);
    assertThat(c.checkFunctional()).isNull();
    kernelHas(VA, 8, true, true);
    assertThat(c.checkFunctional()).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 7 but the kernel installed anonymous pfn 8 writable");
  }

  @Test
  void theRestrictedTablesMustShareTheUserHalf() {
    UserPteCheck real = boot(true);
    Machine base = m;
    AddressSpaces a = as;
    Machine split = new ForwardingMachine(base) {
      private final AddressSpaces forked = new PathMutants.ForwardingAddressSpaces(a) {
        @Override public long translate(long m, boolean restricted, long va) {
          long pfn = a.translate(m, restricted, va);
          return restricted && pfn >= 0 ? pfn + 1 : pfn; // a restricted PGD that copied a stale entry
        }
      };

      @Override public AddressSpaces addressSpaces() { return forked; }
    };
    UserPteCheck check = new UserPteCheck(split, kernel);
    kernelHas(VA, 800, true, true);
    as.mapUser(0, mm, VA, 800, true);
    assertThat(real.checkAll()).isNull();
    assertThat(both(check)).isEqualTo("user PTE: va 0x10000000 of mm " + mm
        + " maps pfn 801 in the restricted tables but pfn 800 in the unrestricted ones (the user half is shared)");
  }
}
