package io.asisim.api.mm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GFP flags as {@code int} bit masks, exactly as {@code include/linux/gfp_types.h} of Linux 6.18
 * defines them for an x86-64 build with {@code CONFIG_SLAB_OBJ_EXT=y}, without
 * {@code CONFIG_KASAN_HW_TAGS} (arm64 only) and without {@code CONFIG_LOCKDEP} — the configuration
 * of the machine whose {@code kmem:mm_page_alloc} trace format is kept as a test fixture. In 6.18
 * the bits are an enum, so a configuration option that is off removes its bit and shifts the
 * following ones: {@code __GFP_NO_OBJ_EXT} is bit 24 here.
 *
 * <p>Two bits that are not in mainline are added after the last mainline bit:
 * {@link #__GFP_SENSITIVE} (Brendan Jackman's ASI page-allocator RFC, "mm/page_alloc: Add
 * __GFP_SENSITIVE and always set it", March 2025, and the September 2025 series "mm: ASI direct map
 * management": {@code ___GFP_SENSITIVE_BIT} right after {@code ___GFP_NO_OBJ_EXT_BIT}, so bit 25 in
 * this configuration) and {@link #__GFP_UNMAPPED} (Mike Rapoport, "mm: introduce __GFP_UNMAPPED and
 * unmapped_alloc()", March 2023; placed at bit 26 so that both extras coexist). The RFC also adds
 * {@code __GFP_SENSITIVE} to {@code GFP_USER}; the composite masks here are mainline's, because
 * traces come from mainline kernels — the {@code gfp-sensitive} classifier applies the RFC's rule.
 *
 * <p>{@link #parse} and {@link #format} use the symbolic form of {@code show_gfp_flags()}
 * (include/trace/events/mmflags.h): composite names first in the kernel's table order, then single
 * {@code __GFP_*} bits, joined by {@code |}; left-over bits as {@code 0x..}; {@code none} for 0.
 */
@SuppressWarnings("checkstyle:ConstantName")
public final class Gfp {
  private Gfp() {}

  // ---- single bits (___GFP_*_BIT enum order of gfp_types.h) ----
  public static final int __GFP_DMA = 0x01;
  public static final int __GFP_HIGHMEM = 0x02;
  public static final int __GFP_DMA32 = 0x04;
  public static final int __GFP_MOVABLE = 0x08;
  public static final int __GFP_RECLAIMABLE = 0x10;
  public static final int __GFP_HIGH = 0x20;
  public static final int __GFP_IO = 0x40;
  public static final int __GFP_FS = 0x80;
  public static final int __GFP_ZERO = 0x100;
  /** Bit 9 ({@code ___GFP_UNUSED_BIT}) is unused. */
  public static final int __GFP_DIRECT_RECLAIM = 0x400;
  public static final int __GFP_KSWAPD_RECLAIM = 0x800;
  public static final int __GFP_WRITE = 0x1000;
  public static final int __GFP_NOWARN = 0x2000;
  public static final int __GFP_RETRY_MAYFAIL = 0x4000;
  public static final int __GFP_NOFAIL = 0x8000;
  public static final int __GFP_NORETRY = 0x10000;
  public static final int __GFP_MEMALLOC = 0x20000;
  public static final int __GFP_COMP = 0x40000;
  public static final int __GFP_NOMEMALLOC = 0x80000;
  public static final int __GFP_HARDWALL = 0x100000;
  public static final int __GFP_THISNODE = 0x200000;
  public static final int __GFP_ACCOUNT = 0x400000;
  public static final int __GFP_ZEROTAGS = 0x800000;
  /** {@code CONFIG_SLAB_OBJ_EXT=y}: bit 24. */
  public static final int __GFP_NO_OBJ_EXT = 0x1000000;
  /** 0 without {@code CONFIG_KASAN_HW_TAGS} (as on x86-64). */
  public static final int __GFP_SKIP_ZERO = 0;
  /** 0 without {@code CONFIG_KASAN_HW_TAGS} (as on x86-64). */
  public static final int __GFP_SKIP_KASAN = 0;
  /** 0 without {@code CONFIG_LOCKDEP}. */
  public static final int __GFP_NOLOCKDEP = 0;
  /** Jackman's ASI RFC: do not map into the ASI restricted address space. Out of tree. */
  public static final int __GFP_SENSITIVE = 0x2000000;
  /** Rapoport's 2023 RFC: allocate from the pool of pages unmapped from the direct map. Out of tree. */
  public static final int __GFP_UNMAPPED = 0x4000000;

  /** {@code __GFP_RECLAIM}. */
  public static final int __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

  // ---- composites ----
  public static final int GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
  public static final int GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
  public static final int GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
  public static final int GFP_NOWAIT = __GFP_KSWAPD_RECLAIM | __GFP_NOWARN;
  public static final int GFP_NOIO = __GFP_RECLAIM;
  public static final int GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
  public static final int GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
  public static final int GFP_DMA = __GFP_DMA;
  public static final int GFP_DMA32 = __GFP_DMA32;
  public static final int GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
  public static final int GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN;
  public static final int GFP_TRANSHUGE_LIGHT =
      (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
  public static final int GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

  /** {@code GFP_ZONEMASK}. */
  public static final int GFP_ZONEMASK = __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE;

  /** {@code GFP_MOVABLE_MASK} of include/linux/gfp.h. */
  public static final int GFP_MOVABLE_MASK = __GFP_RECLAIMABLE | __GFP_MOVABLE;

  /** {@code GFP_MOVABLE_SHIFT}. */
  public static final int GFP_MOVABLE_SHIFT = 3;

  /**
   * {@code ZONE_DMA}, {@code ZONE_DMA32}, {@code ZONE_NORMAL}, {@code ZONE_MOVABLE} indices of
   * {@code enum zone_type} on x86-64 (no {@code ZONE_HIGHMEM}), as {@link #gfpZone} returns.
   */
  public static final int ZONE_DMA = 0;
  public static final int ZONE_DMA32 = 1;
  public static final int ZONE_NORMAL = 2;
  public static final int ZONE_MOVABLE = 3;
  /** {@code MAX_NR_ZONES} of the model (no {@code ZONE_DEVICE}: device memory is not modelled). */
  public static final int MAX_NR_ZONES = 4;

  /** The {@code __def_gfpflag_names} table: composites first, then single bits, then the extras. */
  private static final String[] NAMES = {
    "GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE", "GFP_HIGHUSER", "GFP_USER",
    "GFP_KERNEL_ACCOUNT", "GFP_KERNEL", "GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO", "GFP_NOWAIT",
    "GFP_DMA", "GFP_DMA32", "__GFP_RECLAIM",
    "__GFP_DMA", "__GFP_HIGHMEM", "__GFP_DMA32", "__GFP_MOVABLE", "__GFP_RECLAIMABLE", "__GFP_HIGH",
    "__GFP_IO", "__GFP_FS", "__GFP_ZERO", "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM",
    "__GFP_WRITE", "__GFP_NOWARN", "__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY",
    "__GFP_MEMALLOC", "__GFP_COMP", "__GFP_NOMEMALLOC", "__GFP_HARDWALL", "__GFP_THISNODE",
    "__GFP_ACCOUNT", "__GFP_ZEROTAGS", "__GFP_NO_OBJ_EXT", "__GFP_SENSITIVE", "__GFP_UNMAPPED"
  };

  private static final int[] MASKS = {
    GFP_TRANSHUGE, GFP_TRANSHUGE_LIGHT, GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER, GFP_USER,
    GFP_KERNEL_ACCOUNT, GFP_KERNEL, GFP_NOFS, GFP_ATOMIC, GFP_NOIO, GFP_NOWAIT,
    GFP_DMA, GFP_DMA32, __GFP_RECLAIM,
    __GFP_DMA, __GFP_HIGHMEM, __GFP_DMA32, __GFP_MOVABLE, __GFP_RECLAIMABLE, __GFP_HIGH,
    __GFP_IO, __GFP_FS, __GFP_ZERO, __GFP_DIRECT_RECLAIM, __GFP_KSWAPD_RECLAIM,
    __GFP_WRITE, __GFP_NOWARN, __GFP_RETRY_MAYFAIL, __GFP_NOFAIL, __GFP_NORETRY,
    __GFP_MEMALLOC, __GFP_COMP, __GFP_NOMEMALLOC, __GFP_HARDWALL, __GFP_THISNODE,
    __GFP_ACCOUNT, __GFP_ZEROTAGS, __GFP_NO_OBJ_EXT, __GFP_SENSITIVE, __GFP_UNMAPPED
  };

  private static final Map<String, Integer> BY_NAME = new ConcurrentHashMap<>();
  private static final Map<String, Integer> PARSED = new ConcurrentHashMap<>();
  private static final int PARSE_CACHE_LIMIT = 1 << 14;

  static {
    for (int i = 0; i < NAMES.length; i++) {
      BY_NAME.put(NAMES[i], MASKS[i]);
    }
  }

  /**
   * Parses the form {@code show_gfp_flags()} prints: {@code none}, a hex number ({@code 0x140cca}),
   * or names from the kernel's table joined by {@code |}, optionally ending in a hex remainder.
   * Results are cached by string, so replaying a trace allocates only for new strings.
   *
   * @throws IllegalArgumentException naming the unknown token and what is valid
   */
  public static int parse(String text) {
    Integer cached = PARSED.get(text);
    if (cached != null) {
      return cached;
    }
    int value = parseUncached(text);
    if (PARSED.size() < PARSE_CACHE_LIMIT) {
      PARSED.put(text, value);
    }
    return value;
  }

  private static int parseUncached(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty GFP flags (valid: none, 0x<hex>, or GFP_*/__GFP_* names joined by |)");
    }
    if (s.equals("none")) {
      return 0;
    }
    int mask = 0;
    int start = 0;
    while (start <= s.length()) {
      int bar = s.indexOf('|', start);
      int end = bar < 0 ? s.length() : bar;
      String tok = s.substring(start, end).trim();
      mask |= token(tok, text);
      if (bar < 0) {
        break;
      }
      start = bar + 1;
    }
    return mask;
  }

  private static int token(String tok, String whole) {
    Integer m = BY_NAME.get(tok);
    if (m != null) {
      return m;
    }
    if (tok.startsWith("0x") || tok.startsWith("0X")) {
      try {
        long v = Long.parseLong(tok.substring(2), 16);
        if (v >= 0 && v <= 0xffffffffL) {
          return (int) v;
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException("unknown GFP flag '" + tok + "' in '" + whole
        + "' (valid: none, 0x<hex>, GFP_KERNEL, GFP_HIGHUSER_MOVABLE, __GFP_ZERO, ... as show_gfp_flags() prints them)");
  }

  /**
   * {@code show_gfp_flags()}: walks the kernel's table in order, printing each entry whose bits are
   * all still set and clearing them, then any remainder as {@code 0x%lx}; {@code none} for 0 (the
   * algorithm of {@code trace_print_flags_seq()} in kernel/trace/trace_output.c).
   */
  public static String format(int gfpMask) {
    if (gfpMask == 0) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    int flags = gfpMask;
    for (int i = 0; i < MASKS.length && flags != 0; i++) {
      int m = MASKS[i];
      if ((flags & m) != m) {
        continue;
      }
      flags &= ~m;
      if (sb.length() > 0) {
        sb.append('|');
      }
      sb.append(NAMES[i]);
    }
    if (flags != 0) {
      if (sb.length() > 0) {
        sb.append('|');
      }
      sb.append("0x").append(Integer.toHexString(flags));
    }
    return sb.toString();
  }

  /** {@code gfp_migratetype()} (include/linux/gfp.h): 0 unmovable, 1 movable, 2 reclaimable. */
  public static int gfpMigratetype(int gfpMask) {
    return (gfpMask & GFP_MOVABLE_MASK) >>> GFP_MOVABLE_SHIFT;
  }

  /** {@link #gfpMigratetype} as the enum. */
  public static Migratetype migratetype(int gfpMask) {
    return Migratetype.ofIndex(gfpMigratetype(gfpMask));
  }

  /** {@code gfpflags_allow_blocking()}: the caller may sleep ({@code __GFP_DIRECT_RECLAIM}). */
  public static boolean allowBlocking(int gfpMask) {
    return (gfpMask & __GFP_DIRECT_RECLAIM) != 0;
  }

  /**
   * {@code gfp_zone()} on x86-64, as its {@code GFP_ZONE_TABLE} resolves the zone bits: the highest
   * zone the request may use — {@link #ZONE_DMA} for {@code __GFP_DMA}, {@link #ZONE_DMA32} for
   * {@code __GFP_DMA32}, {@link #ZONE_MOVABLE} for {@code __GFP_HIGHMEM|__GFP_MOVABLE} (both bits,
   * as {@link #GFP_HIGHUSER_MOVABLE} has: {@code __GFP_MOVABLE} alone or {@code __GFP_HIGHMEM}
   * alone stay in Normal), else {@link #ZONE_NORMAL}. So only movable user requests may land in
   * ZONE_MOVABLE; when it is not populated, the zonelist walk starts at the zone below.
   */
  public static int gfpZone(int gfpMask) {
    if ((gfpMask & __GFP_DMA) != 0) {
      return ZONE_DMA;
    }
    if ((gfpMask & __GFP_DMA32) != 0) {
      return ZONE_DMA32;
    }
    if ((gfpMask & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE)) {
      return ZONE_MOVABLE;
    }
    return ZONE_NORMAL;
  }
}
