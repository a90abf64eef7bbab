package io.asisim.sim.trace;

import io.asisim.api.mm.PageOrder;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;

/**
 * The {@code TP_printk} fields of the alloc and free events of include/trace/events/kmem.h, after
 * {@link KmemLineParser} has read the record header and the event name: {@code pfn}, {@code order}
 * and, for {@code mm_page_alloc}, {@code gfp_flags} (through a {@link GfpCache}, so a well-formed line
 * allocates nothing once its flag string has been seen). Other {@code key=value} tokens, such as the
 * hashed {@code page=%p}, are skipped. Not thread-safe.
 */
final class KmemFields {
  private static final byte[] PFN = Chars.ascii("pfn=");
  private static final byte[] ORDER = Chars.ascii("order=");
  private static final byte[] GFP_FLAGS = Chars.ascii("gfp_flags=");
  /** The value of an ASCII hex digit, -1 for any other byte. */
  static final int[] HEX = new int[256];

  static {
    java.util.Arrays.fill(HEX, -1);
    for (int i = 0; i < 16; i++) {
      HEX[Character.forDigit(i, 16)] = i;
      HEX[Character.toUpperCase(Character.forDigit(i, 16))] = i;
    }
  }

  private final GfpCache gfp = new GfpCache();

  /** The fields of an alloc or free event: {@code pfn}, {@code order}, and for allocs {@code gfp_flags}. */
  Kind parse(KmemLineParser line, byte[] s, int from, int end, TraceRecord out, Kind kind) {
    int pfnAt = -1;
    int pfnEnd = -1;
    int orderAt = -1;
    int orderEnd = -1;
    int gfpAt = -1;
    int gfpEnd = -1;
    int i = from;
    while (true) {
      int a = Chars.skipSpace(s, i, end);
      if (a == end) {
        break;
      }
      int b = Chars.tokenEnd(s, a, end);
      // the first byte picks the one key a token can be (page=, migratetype= and others match none)
      switch (s[a]) {
        case 'p':
          if (pfnAt < 0 && Chars.startsWith(s, a, b, PFN)) {
            pfnAt = a + 4;
            pfnEnd = b;
          }
          break;
        case 'o':
          if (orderAt < 0 && Chars.startsWith(s, a, b, ORDER)) {
            orderAt = a + 6;
            orderEnd = b;
          }
          break;
        case 'g':
          if (gfpAt < 0 && Chars.startsWith(s, a, b, GFP_FLAGS)) {
            gfpAt = a + 10;
            gfpEnd = b;
          }
          break;
        default:
          break;
      }
      i = b;
    }
    String ev = out.event.tracepoint();
    if (pfnAt < 0) {
      return KmemLineParser.malformed(out, ev + " without pfn= (truncated or shifted line?)");
    }
    boolean batched = out.event == Event.MM_PAGE_FREE_BATCHED;
    if (orderAt < 0 && !batched) {
      return KmemLineParser.malformed(out, ev + " without order= (truncated or shifted line?)");
    }
    if (kind == Kind.ALLOC && gfpAt < 0) {
      return KmemLineParser.malformed(out, ev + " without gfp_flags= (truncated or shifted line?)");
    }
    long pfn = number(s, pfnAt, pfnEnd);
    if (pfn < 0) {
      return KmemLineParser.malformed(out, "bad pfn '" + line.text(pfnAt, pfnEnd) + "' (valid: 0x<hex> or decimal, at most 0x"
          + Long.toHexString(KmemLineParser.MAX_PFN) + ")");
    }
    int order = 0;
    if (orderAt >= 0) {
      long o = decimal(s, orderAt, orderEnd, 2);
      if (o < 0 || o > PageOrder.MAX_PAGE_ORDER) {
        return KmemLineParser.malformed(out, "bad order '" + line.text(orderAt, orderEnd) + "' (valid: 0.."
            + PageOrder.MAX_PAGE_ORDER + ")");
      }
      order = (int) o;
    }
    if (batched && order != 0) {
      return KmemLineParser.malformed(out, "mm_page_free_batched with order=" + order + " (the kernel only batches order-0 pages)");
    }
    if ((pfn & ((1L << order) - 1)) != 0) {
      return KmemLineParser.malformed(out, "pfn 0x" + Long.toHexString(pfn) + " not aligned to order " + order
          + " (buddy blocks are naturally aligned)");
    }
    if (kind == Kind.ALLOC) {
      int mask = line.wide() ? gfp.parse(line.text(gfpAt, gfpEnd)) : gfp.lookup(s, gfpAt, gfpEnd);
      String err = gfp.lastError();
      if (err != null) {
        return KmemLineParser.malformed(out, "bad gfp_flags: " + err);
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

  /** {@code 0x<hex>} or decimal, at most {@link KmemLineParser#MAX_PFN}; -1 if invalid. */
  private static long number(byte[] s, int a, int b) {
    if (b - a > 2 && s[a] == '0' && (s[a + 1] == 'x' || s[a + 1] == 'X')) {
      if (b - a - 2 > 16) {
        return -1;
      }
      long v = 0;
      for (int i = a + 2; i < b; i++) {
        int d = HEX[s[i] & 0xff];
        if (d < 0) {
          return -1;
        }
        v = (v << 4) | d;
        if (v > KmemLineParser.MAX_PFN || v < 0) {
          return -1;
        }
      }
      return v;
    }
    return decimal(s, a, b, 13);
  }

  /** Decimal with at most {@code maxDigits} digits and at most {@link KmemLineParser#MAX_PFN}; -1 if invalid. */
  static long decimal(byte[] s, int a, int b, int maxDigits) {
    if (a == b || b - a > maxDigits) {
      return -1;
    }
    long v = 0;
    for (int i = a; i < b; i++) {
      int c = s[i];
      if (!Chars.isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > KmemLineParser.MAX_PFN ? -1 : v;
  }
}
