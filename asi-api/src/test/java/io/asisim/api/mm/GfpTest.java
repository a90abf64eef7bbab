package io.asisim.api.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GfpTest {

  /**
   * The print fmt of kmem:mm_page_alloc on a Linux 6.18 x86-64 machine
   * (/sys/kernel/tracing/events/kmem/mm_page_alloc/format) lists the show_gfp_flags() table with
   * every mask as a C expression. Evaluating them must give exactly our table, in the same order.
   */
  @Test
  void tableMatchesTheKernelsPrintFmt() throws IOException {
    String fmt;
    try (InputStream in = GfpTest.class.getResourceAsStream("/trace/mm_page_alloc-6.18.format")) {
      fmt = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("\\{\\( unsigned long\\)(.*?), \"([A-Z_0-9]+)\"\\}").matcher(fmt);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      String name = m.group(2);
      long value = new Expr(m.group(1)).parse();
      names.add(name);
      assertThat(Gfp.parse(name)).as(name).isEqualTo((int) value);
    }
    assertThat(names).hasSize(38).startsWith("GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE")
        .endsWith("__GFP_ACCOUNT", "__GFP_ZEROTAGS", "__GFP_NO_OBJ_EXT");
    // Formatting walks the same order: every single bit prints as its own name, except where an
    // equal composite comes first in the table (GFP_DMA, GFP_DMA32), as the kernel prints it.
    for (String n : names) {
      if (n.startsWith("__GFP_") && !n.equals("__GFP_RECLAIM")) {
        String expect = n.equals("__GFP_DMA") || n.equals("__GFP_DMA32") ? n.substring(2) : n;
        assertThat(Gfp.format(Gfp.parse(n))).isEqualTo(expect);
      }
    }
  }

  @Test
  void realTraceStringsRoundTrip() {
    // Every distinct gfp_flags string of traces/tar-gzip-docs.perf.txt.xz.
    String[] seen = {
      "GFP_HIGHUSER|__GFP_ACCOUNT",
      "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL",
      "GFP_NOFS|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL",
      "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP",
      "GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP",
      "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP",
      "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_COMP",
      "GFP_HIGHUSER_MOVABLE|__GFP_COMP",
      "GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP",
      "GFP_NOWAIT|__GFP_COMP",
      "GFP_NOWAIT",
      "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL",
      "GFP_NOFS|__GFP_MOVABLE|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL",
      "GFP_NOWAIT|__GFP_RECLAIMABLE|__GFP_NORETRY|__GFP_COMP",
      "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP",
    };
    for (String s : seen) {
      assertThat(Gfp.format(Gfp.parse(s))).isEqualTo(s);
    }
  }

  @Test
  void hexNoneAndLeftovers() {
    // 0x140cca = GFP_HIGHUSER_MOVABLE (0x100cca) | __GFP_COMP (0x40000).
    assertThat(Gfp.parse("0x140cca")).isEqualTo(Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_COMP);
    assertThat(Gfp.format(0x140cca)).isEqualTo("GFP_HIGHUSER_MOVABLE|__GFP_COMP");
    assertThat(Gfp.parse("none")).isZero();
    assertThat(Gfp.format(0)).isEqualTo("none");
    // bit 9 is unused: trace_print_flags_seq() prints the remainder in hex
    assertThat(Gfp.format(Gfp.GFP_KERNEL | 0x200)).isEqualTo("GFP_KERNEL|0x200");
    assertThat(Gfp.parse("GFP_KERNEL|0x200")).isEqualTo(Gfp.GFP_KERNEL | 0x200);
    assertThat(Gfp.format(Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE)).isEqualTo("GFP_KERNEL|__GFP_SENSITIVE");
    // GFP_ATOMIC|__GFP_HARDWALL: composites print first, single bits after
    assertThat(Gfp.format(Gfp.GFP_ATOMIC | Gfp.__GFP_HARDWALL)).isEqualTo("GFP_ATOMIC|__GFP_HARDWALL");
  }

  @Test
  void unknownNameFailsClearly() {
    assertThatThrownBy(() -> Gfp.parse("GFP_KERNEL|__GFP_BOGUS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'__GFP_BOGUS'")
        .hasMessageContaining("valid:");
  }

  @Test
  void migratetypeBlockingAndZone() {
    assertThat(Gfp.migratetype(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(Migratetype.MOVABLE);
    assertThat(Gfp.migratetype(Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE)).isEqualTo(Migratetype.RECLAIMABLE);
    assertThat(Gfp.migratetype(Gfp.GFP_KERNEL)).isEqualTo(Migratetype.UNMOVABLE);
    assertThat(Gfp.allowBlocking(Gfp.GFP_KERNEL)).isTrue();
    assertThat(Gfp.allowBlocking(Gfp.GFP_ATOMIC)).isFalse();
    assertThat(Gfp.allowBlocking(Gfp.GFP_NOWAIT)).isFalse();
    assertThat(Gfp.allowBlocking(Gfp.GFP_TRANSHUGE_LIGHT)).isFalse();
    assertThat(Gfp.allowBlocking(Gfp.GFP_TRANSHUGE)).isTrue();
    assertThat(Gfp.gfpZone(Gfp.GFP_DMA)).isEqualTo(Gfp.ZONE_DMA);
    assertThat(Gfp.gfpZone(Gfp.GFP_KERNEL | Gfp.GFP_DMA32)).isEqualTo(Gfp.ZONE_DMA32);
    assertThat(Gfp.gfpZone(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(Gfp.ZONE_MOVABLE);
    assertThat(Gfp.gfpZone(Gfp.GFP_TRANSHUGE)).isEqualTo(Gfp.ZONE_MOVABLE);
    assertThat(Gfp.gfpZone(Gfp.GFP_KERNEL | Gfp.__GFP_MOVABLE)).isEqualTo(Gfp.ZONE_NORMAL);
    assertThat(Gfp.gfpZone(Gfp.GFP_HIGHUSER)).isEqualTo(Gfp.ZONE_NORMAL);
    assertThat(Gfp.gfpZone(Gfp.GFP_KERNEL)).isEqualTo(Gfp.ZONE_NORMAL);
    assertThat(Migratetype.HIGHATOMIC.pagetypeinfoName()).isEqualTo("HighAtomic");
    assertThat(Migratetype.ISOLATE.ordinal()).isEqualTo(5);
  }

  /** A tiny evaluator for the C mask expressions of the print fmt: ~ << & | ( ) and integers. */
  private static final class Expr {
    private final String s;
    private int i;

    Expr(String text) {
      this.s = text.replace("( gfp_t)", "").replace("1UL", "1").replaceAll("\\s+", "");
    }

    long parse() {
      long v = or();
      if (i != s.length()) {
        throw new IllegalStateException("trailing input at " + i + " in " + s);
      }
      return v;
    }

    private long or() {
      long v = and();
      while (i < s.length() && s.charAt(i) == '|') {
        i++;
        v |= and();
      }
      return v;
    }

    private long and() {
      long v = shift();
      while (i < s.length() && s.charAt(i) == '&') {
        i++;
        v &= shift();
      }
      return v;
    }

    private long shift() {
      long v = unary();
      while (s.startsWith("<<", i)) {
        i += 2;
        v <<= unary();
      }
      return v;
    }

    private long unary() {
      char c = s.charAt(i);
      if (c == '~') {
        i++;
        return ~unary();
      }
      if (c == '(') {
        i++;
        long v = or();
        i++; // ')'
        return v;
      }
      int j = i;
      while (j < s.length() && Character.isDigit(s.charAt(j))) {
        j++;
      }
      long v = Long.parseLong(s.substring(i, j));
      i = j;
      return v;
    }
  }
}
