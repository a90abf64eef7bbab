package io.asisim.sim.trace;

import io.asisim.api.mm.Gfp;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code TP_printk} fields of the slab events of include/trace/events/kmem.h, after
 * {@link KmemLineParser} has read the record header and the event name:
 * <pre>
 *  kmem_cache_alloc: call_site=%pS ptr=%p name=%s bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s
 *  kmalloc:          call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s
 *  kmem_cache_free:  call_site=%pS ptr=%p name=%s
 *  kfree:            call_site=%pS ptr=%p
 * </pre>
 * ({@code name=} since Linux 6.2; before it a {@code kmem_cache_alloc} is named by its size,
 * {@code kmem_cache-N}). {@code ptr} is hex, with or without {@code 0x} (ftrace hashes it; only its
 * identity matters); {@code (nil)} (perf) and {@code (null)} are 0. The cache of a {@code kmalloc} is the one
 * {@code kmalloc_type()} and the size class select: {@code kmalloc-N}, {@code dma-kmalloc-N}
 * ({@code __GFP_DMA}), {@code kmalloc-rcl-N} ({@code __GFP_RECLAIMABLE}), {@code kmalloc-cg-N}
 * ({@code __GFP_ACCOUNT}), and {@code kmalloc-large} above {@code KMALLOC_MAX_CACHE_SIZE} (8 KiB:
 * {@code kmalloc_large()} takes pages directly). Cache names are interned: a well-formed line
 * allocates nothing once its name has been seen. Not thread-safe.
 */
final class KmemSlabFields {
  private static final byte[] PTR = Chars.ascii("ptr=");
  private static final byte[] NAME = Chars.ascii("name=");
  private static final byte[] BYTES_ALLOC = Chars.ascii("bytes_alloc=");
  private static final byte[] GFP_FLAGS = Chars.ascii("gfp_flags=");
  private static final byte[] NULL = Chars.ascii("(null)");
  /** perf prints a NULL pointer so. */
  private static final byte[] NIL = Chars.ascii("(nil)");
  /** Largest object a trace may claim: a kmalloc_large() of MAX_PAGE_ORDER. */
  static final int MAX_BYTES = 4096 << 10;
  static final String KMALLOC_LARGE = "kmalloc-large";
  private static final int[] KMALLOC_SIZES = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
  private static final String[] KMALLOC_TYPES = {"kmalloc-", "dma-kmalloc-", "kmalloc-rcl-", "kmalloc-cg-"};
  /** Interned kmalloc cache names: [type][size class]. */
  private static final String[][] KMALLOC_NAMES = new String[KMALLOC_TYPES.length][KMALLOC_SIZES.length];

  static {
    for (int t = 0; t < KMALLOC_TYPES.length; t++) {
      for (int i = 0; i < KMALLOC_SIZES.length; i++) {
        int n = KMALLOC_SIZES[i];
        KMALLOC_NAMES[t][i] = (KMALLOC_TYPES[t] + (n >= 1024 ? (n / 1024) + "k" : Integer.toString(n))).intern();
      }
    }
  }

  private final GfpCache gfp;
  private final NameCache names = new NameCache();

  KmemSlabFields(GfpCache gfp) {
    this.gfp = gfp;
  }

  /** The fields of a slab event; {@code out.event} is already set. */
  Kind parse(KmemLineParser line, byte[] s, int from, int end, TraceRecord out) {
    boolean alloc = out.event == Event.KMEM_CACHE_ALLOC || out.event == Event.KMALLOC;
    int ptrAt = -1;
    int ptrEnd = -1;
    int nameAt = -1;
    int nameEnd = -1;
    int bytesAt = -1;
    int bytesEnd = -1;
    int gfpAt = -1;
    int gfpEnd = -1;
    for (int i = from; ; ) {
      int a = Chars.skipSpace(s, i, end);
      if (a == end) {
        break;
      }
      int b = Chars.tokenEnd(s, a, end);
      if (ptrAt < 0 && Chars.startsWith(s, a, b, PTR)) {
        ptrAt = a + PTR.length;
        ptrEnd = b;
      } else if (nameAt < 0 && Chars.startsWith(s, a, b, NAME)) {
        nameAt = a + NAME.length;
        nameEnd = b;
      } else if (bytesAt < 0 && Chars.startsWith(s, a, b, BYTES_ALLOC)) {
        bytesAt = a + BYTES_ALLOC.length;
        bytesEnd = b;
      } else if (gfpAt < 0 && Chars.startsWith(s, a, b, GFP_FLAGS)) {
        gfpAt = a + GFP_FLAGS.length;
        gfpEnd = b;
      }
      i = b;
    }
    String ev = out.event.tracepoint();
    if (ptrAt < 0) {
      return KmemLineParser.malformed(out, ev + " without ptr= (truncated or shifted line?)");
    }
    long ptr = pointer(s, ptrAt, ptrEnd);
    if (ptr == -1) {
      return KmemLineParser.malformed(out, "bad ptr '" + line.text(ptrAt, ptrEnd) + "' (valid: hex, at most 16 digits, "
          + "(nil) or (null))");
    }
    out.ptr = ptr;
    if (!alloc) {
      return out.kind = Kind.SLAB_FREE;
    }
    if (bytesAt < 0) {
      return KmemLineParser.malformed(out, ev + " without bytes_alloc= (truncated or shifted line?)");
    }
    if (gfpAt < 0) {
      return KmemLineParser.malformed(out, ev + " without gfp_flags= (truncated or shifted line?)");
    }
    long bytes = KmemFields.decimal(s, bytesAt, bytesEnd, 9);
    if (bytes < 1 || bytes > MAX_BYTES) {
      return KmemLineParser.malformed(out, "bad bytes_alloc '" + line.text(bytesAt, bytesEnd) + "' (valid: 1.." + MAX_BYTES + ")");
    }
    int mask = line.wide() ? gfp.parse(line.text(gfpAt, gfpEnd)) : gfp.lookup(s, gfpAt, gfpEnd);
    String err = gfp.lastError();
    if (err != null) {
      return KmemLineParser.malformed(out, "bad gfp_flags: " + err);
    }
    out.gfpMask = mask;
    out.bytesAlloc = (int) bytes;
    if (out.event == Event.KMALLOC) {
      out.cache = kmallocCache((int) bytes, mask);
    } else if (nameAt >= 0 && nameEnd > nameAt) {
      out.cache = line.wide() ? line.text(nameAt, nameEnd).intern() : names.intern(s, nameAt, nameEnd);
    } else {
      out.cache = names.sized(0, (int) bytes); // kernels before 6.2 do not print the name: kmem_cache-N
    }
    return out.kind = Kind.SLAB_ALLOC;
  }

  /** {@code kmalloc_slab()}: the cache of a kmalloc of slot size {@code bytes} with {@code flags}. */
  String kmallocCache(int bytes, int flags) {
    if (bytes > KMALLOC_SIZES[KMALLOC_SIZES.length - 1]) {
      return KMALLOC_LARGE;
    }
    // kmalloc_type(): DMA, then reclaimable, then accounted (CONFIG_MEMCG)
    int type = (flags & Gfp.__GFP_DMA) != 0 ? 1 : (flags & Gfp.__GFP_RECLAIMABLE) != 0 ? 2
        : (flags & Gfp.__GFP_ACCOUNT) != 0 ? 3 : 0;
    int i = Arrays.binarySearch(KMALLOC_SIZES, bytes);
    if (i >= 0) {
      return KMALLOC_NAMES[type][i];
    }
    return names.sized(1 + type, bytes); // a size class of another kernel's configuration
  }

  /** Hex with or without 0x, at most 16 digits, or {@code (null)} (0); -1 if invalid. */
  private static long pointer(byte[] s, int a, int b) {
    if (Chars.regionEquals(s, a, b, NULL) || Chars.regionEquals(s, a, b, NIL)) {
      return 0;
    }
    if (b - a > 2 && s[a] == '0' && (s[a + 1] == 'x' || s[a + 1] == 'X')) {
      a += 2;
    }
    if (a == b || b - a > 16) {
      return -1;
    }
    long v = 0;
    for (int i = a; i < b; i++) {
      int d = KmemFields.HEX[s[i] & 0xff];
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v; // ffffffffffffffff comes out as -1, rejected: no object starts at the last byte

  }

  /**
   * Interned cache names keyed by their bytes (a trace names a few hundred caches at most), and the
   * names made of a prefix and a size ({@link #sized}), so that no line builds a String.
   */
  private static final class NameCache {
    private static final int CAPACITY = 2048;
    /** Prefixes of {@link #sized}: kmem_cache- (kernels before 6.2), then the kmalloc types. */
    private static final String[] PREFIXES = {"kmem_cache-", KMALLOC_TYPES[0], KMALLOC_TYPES[1], KMALLOC_TYPES[2],
        KMALLOC_TYPES[3]};
    private final byte[][] keys = new byte[CAPACITY][];
    private final String[] values = new String[CAPACITY];
    private int size;
    private final long[] sizedKeys = new long[CAPACITY];
    private final String[] sizedValues = new String[CAPACITY];
    private int sizedCount;

    /** {@code PREFIXES[prefix] + n}, built once per distinct pair. */
    String sized(int prefix, int n) {
      long key = ((long) prefix << 32) | n;
      for (int slot = (int) (key * 0x9E3779B97F4A7C15L >>> 53); ; slot = (slot + 1) & (CAPACITY - 1)) {
        String v = sizedValues[slot];
        if (v == null) {
          v = (PREFIXES[prefix] + n).intern();
          if (sizedCount < CAPACITY / 2) {
            sizedKeys[slot] = key;
            sizedValues[slot] = v;
            sizedCount++;
          }
          return v;
        }
        if (sizedKeys[slot] == key) {
          return v;
        }
      }
    }

    String intern(byte[] s, int a, int b) {
      int h = 0x811c9dc5;
      for (int i = a; i < b; i++) {
        h = (h ^ (s[i] & 0xff)) * 0x01000193;
      }
      for (int slot = h & (CAPACITY - 1); ; slot = (slot + 1) & (CAPACITY - 1)) {
        byte[] k = keys[slot];
        if (k == null) {
          String v = new String(s, a, b - a, StandardCharsets.ISO_8859_1).intern();
          if (size < CAPACITY / 2) {
            keys[slot] = Arrays.copyOfRange(s, a, b);
            values[slot] = v;
            size++;
          }
          return v;
        }
        if (Arrays.equals(k, 0, k.length, s, a, b)) {
          return values[slot];
        }
      }
    }
  }
}
