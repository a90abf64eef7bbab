package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.FakeArch;
import io.asisim.fixtures.FuzzSweep;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target of the {@code --initial-state} parser (docs/testing.md): {@link PagetypeInfo#parse}
 * of arbitrary text either fails with one line naming the file and line — the
 * {@link IllegalArgumentException} the CLI prints as its one-line bad-input error — or yields
 * counts that seed an allocator of the implied size ({@link Allocators#seeded}: again a one-line
 * rejection, or a consistent allocator whose rendered /proc/pagetypeinfo parses back to the same
 * free counts). The {@code @FuzzTest} replays its corpus in {@code PagetypeInfoFuzzTestInputs/}
 * in the suite and fuzzes with {@code JAZZER_FUZZ=1}; the sweep runs mutants of that corpus.
 */
class PagetypeInfoFuzzTest {
  static final int SWEEP = 600;
  /** Largest implied machine seeded per input: bigger ones would measure the heap, not the parser. */
  private static final long MAX_SEEDED = 4L << 30;
  private static final String WHERE = "fuzz/pagetypeinfo";
  private static final List<String> TOKENS = List.of("\n", " ", "Node    0, zone   Normal, type      Movable ",
      "Node 0, zone    DMA32 ", "Page block order: 9\n", "Pages per block:  512\n", "Unmovable", "Movable",
      "Reclaimable", "HighAtomic", "CMA", "Isolate", "Free pages count per migrate type at order",
      "Number of blocks type", "      0", "  99999999999", "-1", "zone      DMA", ",");

  @FuzzTest(maxDuration = "4m")
  void pagetypeinfo(byte[] data) {
    check(data);
  }

  @Test
  void pagetypeinfoSweep() {
    assertThat(FuzzSweep.run(FuzzSweep.corpus(PagetypeInfoFuzzTest.class, "pagetypeinfo"), SWEEP, 3, TOKENS,
        PagetypeInfoFuzzTest::check)).isGreaterThan(SWEEP);
  }

  /** Found by the sweep: a CR (a CRLF file) was echoed into the message, which then was not one line. */
  @Test
  void carriageReturnInAValueStaysOneLine() {
    assertThatThrownBy(() -> PagetypeInfo.parse("Page block order: 9\r 1\n", WHERE))
        .hasMessage(WHERE + ":1: '9? 1' is not a pageblock order (valid: a non-negative integer)");
  }

  /**
   * Found by reading the parser for the fuzz property "implied memory is not negative": a block
   * count of 2^55 overflowed {@code memoryBytes()} to a negative size; counts are now bounded by
   * the largest machine, and an order of 2^32 + 9 no longer wraps to 9.
   */
  @Test
  void countsBeyondTheLargestMachineAreRejectedNotOverflowed() throws java.io.IOException {
    String fresh;
    try (java.io.InputStream in = PagetypeInfoFuzzTest.class.getResourceAsStream(
        "PagetypeInfoFuzzTestInputs/pagetypeinfo/fresh-64m")) {
      fresh = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(fresh).contains("zone    DMA32            0           24 ");
    assertThatThrownBy(() -> PagetypeInfo.parse(fresh.replace("zone    DMA32            0           24 ",
        "zone    DMA32            0           36028797018963968 "), WHERE))
        .hasMessageContaining("'36028797018963968' is too large for a block count (valid: 0..2097152");
    assertThatThrownBy(() -> PagetypeInfo.parse("Page block order: 4294967305\n", WHERE))
        .hasMessageContaining("too large for a pageblock order");
  }

  static void check(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    PagetypeInfo info;
    try {
      info = PagetypeInfo.parse(text, WHERE);
    } catch (IllegalArgumentException e) {
      assertOneLine(e.getMessage());
      return;
    }
    long bytes = info.memoryBytes();
    assertThat(bytes).isNotNegative();
    assertThat(bytes % (2L << 20)).isZero();
    if (bytes == 0 || bytes > MAX_SEEDED) {
      return;
    }
    boolean asi = (data.length & 1) == 1;
    FakeArch arch = new FakeArch(2, bytes / 4096, 256);
    BuddyAllocator a;
    try {
      a = Allocators.seeded(arch, new Metrics(), Fixtures.GFP_SENSITIVE, BuddyConfig.defaults(asi), info, WHERE);
    } catch (IllegalArgumentException e) {
      assertOneLine(e.getMessage());
      return;
    }
    assertThat(a.checkConsistency()).isNull();
    PagetypeInfo again = PagetypeInfo.parse(ProcFs.pagetypeinfo(a), "rendered");
    long seededFree = 0;
    for (PagetypeInfo.ZoneInfo z : info.zones()) {
      if (z.totalBlocks() > 0) {
        seededFree += z.freePages();
      }
    }
    long renderedFree = 0;
    for (PagetypeInfo.ZoneInfo z : again.zones()) {
      renderedFree += z.freePages();
    }
    assertThat(renderedFree).as("free pages after seeding").isEqualTo(seededFree);
    assertThat(a.freePages()).isEqualTo(seededFree);
  }

  static void assertOneLine(String m) {
    assertThat(m).isNotBlank().doesNotContain("\n").doesNotContain("\r").startsWith(WHERE);
    assertThat(m.length()).as("one line: %s", m).isLessThan(1000);
    assertThat(m).as("no Java class names")
        .doesNotContainPattern("\\b(java|javax|org|com|io)\\.[a-z0-9.]+\\.[A-Z]\\w*(Exception|Error)\\b");
  }
}
