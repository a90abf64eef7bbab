package io.asisim.sim.trace;

import io.asisim.api.mm.PageOrder;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;

/**
 * Parses one text line of a kmem trace, by index, allocating nothing for a well-formed line. Both
 * tools print the same record layout around the kernel's {@code TP_printk} text of
 * include/trace/events/kmem.h:
 *
 * <pre>
 *  perf script:       COMM PID [CPU] SECS.USECS: kmem:EVENT: FIELDS
 *  trace-cmd report:  [INSTANCE: ]COMM-PID [CPU] [FLAGS] SECS.USECS: EVENT: FIELDS
 *  ftrace 'trace':    COMM-PID [CPU] [FLAGS] SECS.USECS: EVENT: FIELDS     (FLAGS with irq-info on)
 *  trace-cmd -l:      [INSTANCE: ]COMM-PID CPU+FLAGS SECS.USECS: EVENT: FIELDS (latency format)
 * </pre>
 *
 * The comm column has variable width and may contain spaces and brackets ({@code C2
 * CompilerThre-8004}), so the line is anchored on the first {@code [digits]} token that is followed
 * by an optional irq-flags token ({@code d..1.}) and a {@code SECS.FRACTION:} timestamp. The fields
 * are {@code key=value} tokens; only {@code pfn}, {@code order} and {@code gfp_flags} are used.
 * {@code pfn} is hex ({@code pfn=0x%lx}, since Linux 5.14) or decimal ({@code pfn=%lu}, before).
 * The hashed {@code page=%p} pointer is ignored.
 *
 * <p>Rejected as MALFORMED (with the reason): no header, a bad or truncated timestamp, an event of
 * another subsystem or an unknown kmem event, missing fields, bad numbers, an order above
 * {@code MAX_PAGE_ORDER}, a pfn beyond x86-64's 52-bit physical address space or not aligned to
 * its order (the buddy allocator only hands out naturally aligned blocks), unknown GFP flag names.
 * Header/comment lines of the tools are IGNORED. Not thread-safe.
 */
final class KmemLineParser {
  /** Largest pfn: x86-64 MAXPHYADDR is at most 52 bits, 4 KiB pages. */
  static final long MAX_PFN = (1L << 40) - 1;
  /** Largest CPU number accepted (x86 NR_CPUS is at most 8192 with MAXSMP). */
  static final int MAX_CPU = 65535;
  private static final long MAX_SECONDS = 9_000_000_000L; // ns still fit a long

  private static final String[] NAMES = {
    "mm_page_alloc", "mm_page_free", "mm_page_free_batched", "mm_page_alloc_extfrag",
    "mm_page_alloc_zone_locked", "mm_page_pcpu_drain", "mm_page_free_direct", "mm_pagevec_free"
  };
  private static final Event[] EVENTS = {
    Event.MM_PAGE_ALLOC, Event.MM_PAGE_FREE, Event.MM_PAGE_FREE_BATCHED, Event.MM_PAGE_ALLOC_EXTFRAG,
    Event.MM_PAGE_ALLOC_ZONE_LOCKED, Event.MM_PAGE_PCPU_DRAIN, Event.MM_PAGE_FREE, Event.MM_PAGE_FREE_BATCHED
  };
  private static final String VALID_EVENTS =
      "valid: kmem:mm_page_alloc, mm_page_free, mm_page_free_batched, mm_page_alloc_extfrag, "
          + "mm_page_alloc_zone_locked, mm_page_pcpu_drain";

  private final GfpCache gfp = new GfpCache();

  /** Whether the last parsed event named its subsystem ({@code kmem:mm_page_alloc:}), as perf does. */
  boolean lastSystemPrefix;
  /** Whether the last parsed event had an irq-flags column, as ftrace with irq-info does. */
  boolean lastFlagsColumn;

  // scratch results of the header scan
  private long tsNs;
  private int tsEnd;
  private String headerError;
  private int latencyCpu;

  /** Parses {@code s} into {@code out}; never throws. */
  Kind parse(CharSequence s, TraceRecord out) {
    out.clear();
    lastSystemPrefix = false;
    lastFlagsColumn = false;
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) <= ' ') {
      end--;
    }
    int p = 0;
    while (p < end && s.charAt(p) <= ' ') {
      p++;
    }
    if (p == end || s.charAt(p) == '#') {
      return out.kind = Kind.IGNORED;
    }
    if (startsWith(s, p, end, "cpus=") || startsWith(s, p, end, "version")) {
      return out.kind = Kind.IGNORED; // trace-cmd report header
    }
    headerError = null;
    for (int i = p; i < end; i++) {
      if (s.charAt(i) != '[' || (i > p && s.charAt(i - 1) > ' ')) {
        continue;
      }
      int j = i + 1;
      int cpu = 0;
      while (j < end && j - i <= 6 && isDigit(s.charAt(j))) {
        cpu = cpu * 10 + (s.charAt(j) - '0');
        j++;
      }
      if (j == i + 1 || j >= end || s.charAt(j) != ']' || j - i > 6) {
        continue;
      }
      if (j + 1 < end && s.charAt(j + 1) > ' ') {
        continue;
      }
      if (!header(s, j + 1, end)) {
        continue;
      }
      if (cpu > MAX_CPU) {
        return malformed(out, "cpu " + cpu + " out of range (valid: 0.." + MAX_CPU + ")");
      }
      out.cpu = cpu;
      out.timestampNs = tsNs;
      return event(s, tsEnd, end, out);
    }
    int latencyEnd = latencyHeader(s, p, end);
    if (latencyEnd >= 0) {
      if (latencyCpu > MAX_CPU) {
        return malformed(out, "cpu " + latencyCpu + " out of range (valid: 0.." + MAX_CPU + ")");
      }
      out.cpu = latencyCpu;
      out.timestampNs = tsNs;
      return event(s, latencyEnd, end, out);
    }
    if (notice(s, p, end, out)) {
      return out.kind = Kind.IGNORED;
    }
    return malformed(out, headerError != null ? headerError
        : "no '[cpu] seconds.fraction:' header (valid: 'COMM PID [CPU] SECS.USECS: kmem:EVENT: FIELDS' as perf script "
            + "prints it, or 'COMM-PID [CPU] SECS.USECS: EVENT: FIELDS' as trace-cmd report prints it)");
  }

  /** After {@code [cpu]}: optional irq flags, then {@code SECS.FRACTION:}. Sets tsNs and tsEnd. */
  private boolean header(CharSequence s, int from, int end) {
    int a = skipSpace(s, from, end);
    int b = tokenEnd(s, a, end);
    if (a == b) {
      headerError = "truncated line: nothing after the [cpu] column";
      return false;
    }
    if (s.charAt(b - 1) == ':' && timestamp(s, a, b - 1)) {
      tsEnd = b;
      return true;
    }
    if (!isFlags(s, a, b)) {
      if (s.charAt(b - 1) == ':' && headerError == null) {
        headerError = "bad timestamp '" + s.subSequence(a, b) + "' (valid: seconds.fraction:, e.g. 298.507100:)";
      }
      return false;
    }
    int c = skipSpace(s, b, end);
    int d = tokenEnd(s, c, end);
    if (c < d && s.charAt(d - 1) == ':' && timestamp(s, c, d - 1)) {
      lastFlagsColumn = true;
      tsEnd = d;
      return true;
    }
    if (headerError == null) {
      headerError = c == d ? "truncated line: no timestamp after the irq-flags column"
          : "bad timestamp '" + s.subSequence(c, d) + "' (valid: seconds.fraction:, e.g. 298.507100:)";
    }
    return false;
  }

  /**
   * The latency format of {@code trace-cmd report -l}: {@code COMM-PID CPU+FLAGS SECS.USECS:}, the
   * CPU number glued to the irq flags ({@code kworker/-3406    0...1.   609.814081:}). Returns the
   * index after the timestamp's colon, or -1; sets {@link #latencyCpu} and {@link #tsNs}.
   */
  private int latencyHeader(CharSequence s, int p, int end) {
    int prevA = -1;
    int prevB = -1;
    for (int a = skipSpace(s, p, end); a < end; a = skipSpace(s, a, end)) {
      int b = tokenEnd(s, a, end);
      if (s.charAt(b - 1) == ':' && prevA >= 0 && timestamp(s, a, b - 1)) {
        int d = prevA;
        int cpu = 0;
        while (d < prevB && d - prevA < 6 && isDigit(s.charAt(d))) {
          cpu = cpu * 10 + (s.charAt(d) - '0');
          d++;
        }
        if (d > prevA && isFlags(s, d, prevB)) {
          latencyCpu = cpu;
          lastFlagsColumn = true;
          return b;
        }
        return -1;
      }
      prevA = a;
      prevB = b;
      a = b;
    }
    return -1;
  }

  /** {@code SECS.FRACTION} with 1..9 fraction digits, into {@link #tsNs}. */
  private boolean timestamp(CharSequence s, int a, int b) {
    long secs = 0;
    int i = a;
    while (i < b && isDigit(s.charAt(i))) {
      secs = secs * 10 + (s.charAt(i) - '0');
      if (secs > MAX_SECONDS) {
        return false;
      }
      i++;
    }
    if (i == a || i >= b || s.charAt(i) != '.') {
      return false;
    }
    i++;
    int digits = b - i;
    if (digits < 1 || digits > 9) {
      return false;
    }
    long frac = 0;
    for (; i < b; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return false;
      }
      frac = frac * 10 + (c - '0');
    }
    for (int k = digits; k < 9; k++) {
      frac *= 10;
    }
    tsNs = secs * 1_000_000_000L + frac;
    return true;
  }

  /**
   * The irq-info column of ftrace/trace-cmd ({@code trace_print_lat_fmt()} in
   * kernel/trace/trace_output.c): irqs-off ({@code d}, {@code D}, {@code b}, {@code X} or
   * {@code .}), need-resched ({@code N}, {@code n}, {@code p}, {@code P} or {@code .}),
   * hardirq/softirq ({@code h}, {@code H}, {@code s}, {@code z}, {@code Z} or {@code .}),
   * preempt depth, and since 5.15 migrate-disable depth ({@code .}, digit or hex).
   */
  private static boolean isFlags(CharSequence s, int a, int b) {
    if (b - a < 4 || b - a > 5) {
      return false;
    }
    if (".dDbBX".indexOf(s.charAt(a)) < 0 || ".nNpP".indexOf(s.charAt(a + 1)) < 0
        || ".hHsSzZ".indexOf(s.charAt(a + 2)) < 0) {
      return false;
    }
    for (int i = a + 3; i < b; i++) {
      char c = s.charAt(i);
      if (!(c == '.' || isDigit(c) || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private Kind event(CharSequence s, int from, int end, TraceRecord out) {
    int a = skipSpace(s, from, end);
    int b = tokenEnd(s, a, end);
    if (a == b) {
      return malformed(out, "truncated line: no event name after the timestamp");
    }
    if (s.charAt(b - 1) != ':') {
      return malformed(out, "expected 'EVENT:' after the timestamp, got '" + s.subSequence(a, b) + "'");
    }
    int nameStart = a;
    int nameEnd = b - 1;
    for (int i = a; i < nameEnd; i++) {
      if (s.charAt(i) == ':') {
        if (!regionEquals(s, a, i, "kmem")) {
          return malformed(out, "unknown event '" + s.subSequence(a, nameEnd) + "' (" + VALID_EVENTS + ")");
        }
        lastSystemPrefix = true;
        nameStart = i + 1;
        break;
      }
    }
    Event ev = null;
    for (int k = 0; k < NAMES.length; k++) {
      if (regionEquals(s, nameStart, nameEnd, NAMES[k])) {
        ev = EVENTS[k];
        break;
      }
    }
    if (ev == null) {
      return malformed(out, "unknown event '" + s.subSequence(a, nameEnd) + "' (" + VALID_EVENTS + ")");
    }
    out.event = ev;
    switch (ev) {
      case MM_PAGE_ALLOC:
        return fields(s, b, end, out, Kind.ALLOC);
      case MM_PAGE_FREE:
        return fields(s, b, end, out, Kind.FREE);
      case MM_PAGE_FREE_BATCHED:
        return fields(s, b, end, out, Kind.FREE);
      default:
        return out.kind = Kind.OTHER;
    }
  }

  /** The fields of an alloc or free event: {@code pfn}, {@code order}, and for allocs {@code gfp_flags}. */
  private Kind fields(CharSequence s, int from, int end, TraceRecord out, Kind kind) {
    int pfnAt = -1;
    int pfnEnd = -1;
    int orderAt = -1;
    int orderEnd = -1;
    int gfpAt = -1;
    int gfpEnd = -1;
    int i = from;
    while (true) {
      int a = skipSpace(s, i, end);
      if (a == end) {
        break;
      }
      int b = tokenEnd(s, a, end);
      if (pfnAt < 0 && startsWith(s, a, b, "pfn=")) {
        pfnAt = a + 4;
        pfnEnd = b;
      } else if (orderAt < 0 && startsWith(s, a, b, "order=")) {
        orderAt = a + 6;
        orderEnd = b;
      } else if (gfpAt < 0 && startsWith(s, a, b, "gfp_flags=")) {
        gfpAt = a + 10;
        gfpEnd = b;
      }
      i = b;
    }
    String ev = out.event.tracepoint();
    if (pfnAt < 0) {
      return malformed(out, ev + " without pfn= (truncated or shifted line?)");
    }
    boolean batched = out.event == Event.MM_PAGE_FREE_BATCHED;
    if (orderAt < 0 && !batched) {
      return malformed(out, ev + " without order= (truncated or shifted line?)");
    }
    if (kind == Kind.ALLOC && gfpAt < 0) {
      return malformed(out, ev + " without gfp_flags= (truncated or shifted line?)");
    }
    long pfn = number(s, pfnAt, pfnEnd);
    if (pfn < 0) {
      return malformed(out, "bad pfn '" + s.subSequence(pfnAt, pfnEnd) + "' (valid: 0x<hex> or decimal, at most 0x"
          + Long.toHexString(MAX_PFN) + ")");
    }
    int order = 0;
    if (orderAt >= 0) {
      long o = decimal(s, orderAt, orderEnd, 2);
      if (o < 0 || o > PageOrder.MAX_PAGE_ORDER) {
        return malformed(out, "bad order '" + s.subSequence(orderAt, orderEnd) + "' (valid: 0.."
            + PageOrder.MAX_PAGE_ORDER + ")");
      }
      order = (int) o;
    }
    if (batched && order != 0) {
      return malformed(out, "mm_page_free_batched with order=" + order + " (the kernel only batches order-0 pages)");
    }
    if ((pfn & ((1L << order) - 1)) != 0) {
      return malformed(out, "pfn 0x" + Long.toHexString(pfn) + " not aligned to order " + order
          + " (buddy blocks are naturally aligned)");
    }
    if (kind == Kind.ALLOC) {
      int mask = gfp.lookup(s, gfpAt, gfpEnd);
      String err = gfp.lastError();
      if (err != null) {
        return malformed(out, "bad gfp_flags: " + err);
      }
      out.gfpMask = mask;
      // __alloc_pages() traces failed requests too, printing pfn 0 (pfn 0 is never in the buddy
      // allocator on x86: the first page is always reserved)
      pfn = pfn == 0 ? -1 : pfn;
    }
    out.pfn = pfn;
    out.order = order;
    return out.kind = kind;
  }

  /** {@code 0x<hex>} or decimal, at most {@link #MAX_PFN}; -1 if invalid. */
  private static long number(CharSequence s, int a, int b) {
    if (b - a > 2 && s.charAt(a) == '0' && (s.charAt(a + 1) == 'x' || s.charAt(a + 1) == 'X')) {
      if (b - a - 2 > 16) {
        return -1;
      }
      long v = 0;
      for (int i = a + 2; i < b; i++) {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0) {
          return -1;
        }
        v = (v << 4) | d;
        if (v > MAX_PFN || v < 0) {
          return -1;
        }
      }
      return v;
    }
    return decimal(s, a, b, 13);
  }

  /** Decimal with at most {@code maxDigits} digits and at most {@link #MAX_PFN}; -1 if invalid. */
  private static long decimal(CharSequence s, int a, int b, int maxDigits) {
    if (a == b || b - a > maxDigits) {
      return -1;
    }
    long v = 0;
    for (int i = a; i < b; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > MAX_PFN ? -1 : v;
  }

  /**
   * trace-cmd's notices, possibly after an instance prefix: {@code CPU 0 is empty},
   * {@code CPU:1 [221776 EVENTS DROPPED]}, {@code CPU:2 [LOST 12 EVENTS]}.
   */
  private static boolean notice(CharSequence s, int p, int end, TraceRecord out) {
    int cpu = indexOf(s, p, end, "CPU");
    if (cpu < 0) {
      return false;
    }
    int open = indexOf(s, cpu, end, "[");
    if (open >= 0 && s.charAt(end - 1) == ']' && (indexOf(s, open, end, "EVENTS DROPPED]") >= 0
        || indexOf(s, open, end, " EVENTS]") >= 0)) {
      int i = open + 1;
      if (startsWith(s, i, end, "LOST ")) {
        i += 5;
      }
      long n = 0;
      while (i < end && isDigit(s.charAt(i)) && n < Long.MAX_VALUE / 10 - 9) {
        n = n * 10 + (s.charAt(i++) - '0');
      }
      out.lostEvents = n;
      return true;
    }
    return endsWith(s, p, end, " is empty") && startsWith(s, cpu, end, "CPU ");
  }

  private static int indexOf(CharSequence s, int from, int end, String needle) {
    for (int i = from; i + needle.length() <= end; i++) {
      if (regionEquals(s, i, i + needle.length(), needle)) {
        return i;
      }
    }
    return -1;
  }

  private static Kind malformed(TraceRecord out, String why) {
    out.error = why;
    out.event = null;
    return out.kind = Kind.MALFORMED;
  }

  private static int skipSpace(CharSequence s, int i, int end) {
    while (i < end && s.charAt(i) <= ' ') {
      i++;
    }
    return i;
  }

  private static int tokenEnd(CharSequence s, int i, int end) {
    while (i < end && s.charAt(i) > ' ') {
      i++;
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean startsWith(CharSequence s, int a, int end, String prefix) {
    return end - a >= prefix.length() && regionEquals(s, a, a + prefix.length(), prefix);
  }

  private static boolean endsWith(CharSequence s, int a, int end, String suffix) {
    return end - a >= suffix.length() && regionEquals(s, end - suffix.length(), end, suffix);
  }

  private static boolean regionEquals(CharSequence s, int a, int b, String t) {
    if (b - a != t.length()) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      if (s.charAt(a + i) != t.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
