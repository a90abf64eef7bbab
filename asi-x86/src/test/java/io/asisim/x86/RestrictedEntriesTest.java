package io.asisim.x86;

import static io.asisim.x86.CpuTlbState.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RestrictedEntries} on hand-placed entries and ASID contexts: which entries the checker is
 * shown and under which mm ({@code cpu_tlbstate.ctxs[asid].ctx_id}), and which the settling visit
 * may settle (gaps found by mutation testing, docs/mutation-testing.md). Entries land in a 4-set
 * 2-way STLB: 0x5000 in slot 2, 0x6000 in 4, 0x7000 in 6, 0x8000 and the 2 MiB kernel page in 0, 1.
 */
class RestrictedEntriesTest {
  private static final long KTEXT = 0xffffffff81000000L;
  private static final String MM7 = "0:7:5000:5:12";
  private static final String GLOBAL = "0:-1:ffffffff81000000:4096:21";

  private final CpuTlbState s = new CpuTlbState(2, 4);
  private final Tlb t = TinyTlbs.small();

  RestrictedEntriesTest() {
    s.ctxId[ctx(0, 1)] = 7; // ASID 1 of cpu 0 holds mm 7
    s.ctxId[ctx(0, 3)] = 9;
    s.ctxStale[ctx(0, 3)] = true; // ASID 3 holds mm 9, stale
    s.ctxId[ctx(1, 1)] = 8; // ASID 1 of cpu 1 holds mm 8; ASID 4 of cpu 0 holds nothing
    t.fill(0, X86Cr3.asiPcid(1), 0x5000, 12, 5, true, false);
    t.fill(0, X86Cr3.asiPcid(3), 0x6000, 12, 6, true, false);
    t.fill(0, X86Cr3.asiPcid(4), 0x7000, 12, 7, true, false);
    t.fill(0, X86Cr3.kernPcid(1), 0x8000, 12, 8, true, false); // unrestricted
    t.fill(0, X86Cr3.kernPcid(0), KTEXT, 21, 4096, false, true); // global
    t.fill(1, X86Cr3.asiPcid(1), 0x5000, 12, 55, true, false);
  }

  private static String key(int cpu, long mm, long va, long pfn, int shift) {
    return cpu + ":" + mm + ":" + Long.toHexString(va) + ":" + pfn + ":" + shift;
  }

  private List<String> all(RestrictedEntries r, int cpu) {
    List<String> out = new ArrayList<>();
    r.forEach(cpu, (c, mm, va, pfn, shift) -> out.add(key(c, mm, va, pfn, shift)));
    return out;
  }

  private List<String> in(RestrictedEntries r, int cpu, long va, long pages) {
    List<String> out = new ArrayList<>();
    r.forEachIn(cpu, va, pages, (c, mm, v, pfn, shift) -> out.add(key(c, mm, v, pfn, shift)));
    return out;
  }

  private List<String> unsettled(RestrictedEntries r, int cpu, long settlePfn) {
    List<String> out = new ArrayList<>();
    r.forEachUnsettled(cpu, (c, mm, va, pfn, shift) -> {
      out.add(key(c, mm, va, pfn, shift));
      return settlePfn < 0 || pfn == settlePfn;
    });
    return out;
  }

  @Test
  void liveRestrictedAsidsAreNamedByTheirMmAndGlobalEntriesByAllMm() {
    RestrictedEntries r = new RestrictedEntries(s, new TlbEntries(t), true);
    assertThat(all(r, 0)).as("not the stale ASID's, the empty ASID's, the unrestricted PCID's")
        .containsExactlyInAnyOrder(MM7, GLOBAL);
    assertThat(all(r, 1)).containsExactly("1:8:5000:55:12");
    assertThat(in(r, 0, 0x5000, 3)).containsExactly(MM7);
    assertThat(in(r, 0, 0x6000, 3)).isEmpty();
    assertThat(in(r, 0, KTEXT + 0x3000, 1)).containsExactly(GLOBAL);
  }

  @Test
  void theSettlingVisitSettlesWhatTheVisitorSettlesAndNeverAStaleOrDeadAsidsEntry() {
    RestrictedEntries r = new RestrictedEntries(s, new TlbEntries(t), true);
    assertThat(unsettled(r, 0, 5)).containsExactlyInAnyOrder(MM7, GLOBAL);
    assertThat(unsettled(r, 0, 5)).containsExactly(GLOBAL);
    assertThat(unsettled(r, 0, -1)).containsExactly(GLOBAL);
    assertThat(unsettled(r, 0, -1)).isEmpty();
    // the stale and the dead ASID's entries stay unsettled (slots 4 and 6), the unrestricted one does not
    assertThat(t.unsettled[0][0]).isEqualTo((1L << 4) | (1L << 6));
    assertThat(unsettled(r, 1, -1)).containsExactly("1:8:5000:55:12");
  }

  @Test
  void withoutAsiNothingIsRestricted() {
    RestrictedEntries r = new RestrictedEntries(s, new TlbEntries(t), false);
    assertThat(all(r, 0)).isEmpty();
    assertThat(in(r, 0, KTEXT, 1)).isEmpty();
    assertThat(unsettled(r, 0, -1)).isEmpty();
  }
}
