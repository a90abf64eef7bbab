package io.asisim.sim.trace;

import static io.asisim.sim.trace.Traces.alloc;
import static io.asisim.sim.trace.Traces.batched;
import static io.asisim.sim.trace.Traces.free;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.trace.TraceFormat;
import io.asisim.api.trace.TraceRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Mutation proof for trace replay's accounting (docs/checker.md, "Mutants the suite must catch"):
 * a perf-script format that reads {@code mm_page_free_batched} as {@code mm_page_free} — the legacy
 * name table of {@code KmemLineParser} mapping {@code mm_pagevec_free}'s successor onto the wrong
 * tracepoint — counts every page of a {@code free_unref_folios()} batch twice as a plain free (once
 * from {@code free_pages_prepare()}, once from the batch). The hand-checked counts of a six-line
 * trace catch it; the unbroken format gives the counts of
 * {@code TraceReplayerTest.batchedFreesDuplicateTheirMmPageFree}.
 */
class TraceMutationTest {
  private static final String[] LINES = {
      alloc(0, 0x10, 0, "GFP_KERNEL"),
      alloc(0, 0x11, 0, "GFP_KERNEL"),
      free(0, 0x10, 0),
      batched(0, 0x10), // duplicate of the line above
      batched(0, 0x11), // its mm_page_free was lost: the batched event frees it
      batched(0, 0x12)}; // allocated before the capture: a duplicate of an unmatched mm_page_free

  /** perf-script with batched frees read as plain ones. */
  private static TraceFormat batchedReadAsPlain() {
    TraceFormat perf = TraceFormats.builtIn().create("perf-script", null);
    return new TraceFormat() {
      @Override public boolean recognizes(String line) { return perf.recognizes(line); }
      @Override public TraceRecord.Kind parse(CharSequence line, TraceRecord out) {
        TraceRecord.Kind k = perf.parse(line, out);
        if (out.event == TraceRecord.Event.MM_PAGE_FREE_BATCHED) {
          out.event = TraceRecord.Event.MM_PAGE_FREE;
        }
        return k;
      }
    };
  }

  private static Metrics replay(TraceFormat format, RefKernel k) {
    byte[] text = (String.join("\n", LINES) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ParsedTrace t = TraceLoader.parse(new ByteArrayInputStream(text), "test.txt", "plain text", "perf-script", format,
        false, 0);
    Metrics m = new Metrics();
    TraceReplayer r = new TraceReplayer(t, m);
    for (int i = 0; i < t.size(); i++) {
      r.replay(k, i);
    }
    return m;
  }

  @Test
  void theUnbrokenFormatCountsEachEventOnce() {
    RefKernel k = new RefKernel(16, 1);
    Metrics m = replay(TraceFormats.builtIn().create("perf-script", null), k);
    assertThat(m.get("trace_events")).isEqualTo(6);
    assertThat(m.get("trace_events.mm_page_alloc")).isEqualTo(2);
    assertThat(m.get("trace_events.mm_page_free")).isEqualTo(1);
    assertThat(m.get("trace_events.mm_page_free_batched")).isEqualTo(3);
    assertThat(m.get("trace_batched_duplicates")).isEqualTo(2);
    assertThat(m.get("trace_unmatched_frees")).isZero();
    assertThat(k.allocs).isEqualTo(2);
    assertThat(k.frees).isEqualTo(2);
  }

  @Test
  void batchedFreesCountedAsPlainFreesAreCaught() {
    RefKernel k = new RefKernel(16, 1);
    Metrics m = replay(batchedReadAsPlain(), k);
    assertThat(m.get("trace_events")).isEqualTo(6);
    // the three batched events land in mm_page_free: 1 + 3, and the two duplicates become unmatched frees
    assertThat(m.get("trace_events.mm_page_free")).isEqualTo(4);
    assertThat(m.get("trace_events.mm_page_free_batched")).isZero();
    assertThat(m.get("trace_batched_duplicates")).isZero();
    assertThat(m.get("trace_unmatched_frees")).isEqualTo(2);
    assertThat(k.frees).as("the page events are the same: only the accounting double-counts").isEqualTo(2);
  }
}
