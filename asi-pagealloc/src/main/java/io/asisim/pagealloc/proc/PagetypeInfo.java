package io.asisim.pagealloc.proc;

import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.PageOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of a /proc/pagetypeinfo (as {@code pagetypeinfo_show()} in mm/vmstat.c prints it):
 * per zone, free blocks per migratetype and order, and pageblocks per migratetype. Only node 0,
 * {@code pageblock_order} 9 and orders 0..10 (x86-64) are accepted. Sections other than the two
 * standard ones (e.g. this simulator's per-sensitivity extension, or page_owner's mixed counts)
 * are skipped.
 *
 * @param types the migratetype columns in file order
 * @param zones the zones in file order (DMA, DMA32, Normal)
 */
public record PagetypeInfo(List<Migratetype> types, List<ZoneInfo> zones) {

  /**
   * One zone.
   *
   * @param name {@code DMA}, {@code DMA32} or {@code Normal}
   * @param free free blocks, {@code free[migratetype.ordinal()][order]}; a {@code >100000} cell
   *     (the kernel's cap) reads as 100000
   * @param blocks pageblocks per migratetype, {@code blocks[migratetype.ordinal()]}
   */
  public record ZoneInfo(String name, long[][] free, long[] blocks) {
    /** Total pageblocks. */
    public long totalBlocks() {
      long n = 0;
      for (long b : blocks) {
        n += b;
      }
      return n;
    }

    /** Free pages of all types and orders. */
    public long freePages() {
      long n = 0;
      for (long[] row : free) {
        for (int o = 0; o < row.length; o++) {
          n += row[o] << o;
        }
      }
      return n;
    }
  }

  /** 4 TiB in pages: the largest machine ({@code MachineConfig.MEMORY_RULE}), bounding every count. */
  private static final long MAX_PAGES = 1L << 30;
  private static final String FREE_HEADER = "Free pages count per migrate type at order";
  private static final String BLOCK_HEADER = "Number of blocks type";

  /** Total pageblocks of all zones. */
  public long totalBlocks() {
    long n = 0;
    for (ZoneInfo z : zones) {
      n += z.totalBlocks();
    }
    return n;
  }

  /** The memory size the file implies: every pageblock of every zone, 2 MiB each. */
  public long memoryBytes() {
    return totalBlocks() * PageOrder.PAGEBLOCK_NR_PAGES * 4096L;
  }

  /**
   * The memory size a real /proc/pagetypeinfo implies (zones sized from their block counts), for
   * sizing the simulated machine before the allocator seeds from the same file.
   *
   * @throws IllegalArgumentException one line, {@code file:line: what (valid: ...)}
   */
  public static long impliedMemoryBytes(Path file) {
    return read(file).memoryBytes();
  }

  /** Reads and parses a file. */
  public static PagetypeInfo read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read initial state (" + e.getMessage() + ")");
    }
    return parse(text, file.toString());
  }

  /**
   * Parses the text of a /proc/pagetypeinfo.
   *
   * @param where name for error messages (a file name)
   * @throws IllegalArgumentException one line, {@code where:line: what (valid: ...)}
   */
  public static PagetypeInfo parse(String text, String where) {
    String[] lines = text.split("\n", -1);
    List<Migratetype> freeTypes = new ArrayList<>();
    Map<String, long[][]> free = new LinkedHashMap<>();
    Map<String, long[]> blocks = new LinkedHashMap<>();
    List<Migratetype> blockTypes = null;
    int section = 0; // 0 preamble, 1 free rows, 2 block rows, 3 other
    boolean sawOrder = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String t = line.trim();
      int ln = i + 1;
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("Page block order:")) {
        int order = parseInt(t.substring("Page block order:".length()).trim(), where, ln, "a pageblock order");
        if (order != PageOrder.PAGEBLOCK_ORDER) {
          throw err(where, ln, "pageblock order " + order + " (valid: " + PageOrder.PAGEBLOCK_ORDER + ", x86-64)");
        }
        sawOrder = true;
        continue;
      }
      if (t.startsWith("Pages per block:")) {
        continue;
      }
      if (t.startsWith(FREE_HEADER)) {
        String[] cols = t.substring(FREE_HEADER.length()).trim().split("\\s+");
        if (cols.length != PageOrder.NR_PAGE_ORDERS) {
          throw err(where, ln, cols.length + " order columns (valid: " + PageOrder.NR_PAGE_ORDERS + ", orders 0.."
              + PageOrder.MAX_PAGE_ORDER + ")");
        }
        section = 1;
        continue;
      }
      if (t.startsWith(BLOCK_HEADER)) {
        blockTypes = new ArrayList<>();
        for (String c : t.substring(BLOCK_HEADER.length()).trim().split("\\s+")) {
          blockTypes.add(migratetype(c, where, ln));
        }
        section = 2;
        continue;
      }
      if (!t.startsWith("Node")) {
        section = 3; // another section's header: skip its rows
        continue;
      }
      if (section == 1) {
        parseFreeRow(t, where, ln, freeTypes, free);
      } else if (section == 2) {
        parseBlockRow(t, where, ln, blockTypes, blocks);
      }
    }
    if (!sawOrder) {
      throw err(where, 1, "no 'Page block order:' line (valid: the text of /proc/pagetypeinfo)");
    }
    if (free.isEmpty() || blocks.isEmpty()) {
      throw err(where, lines.length, "missing the free-pages or the block-count section (valid: the text of /proc/pagetypeinfo)");
    }
    List<ZoneInfo> zones = new ArrayList<>();
    for (Map.Entry<String, long[]> e : blocks.entrySet()) {
      long[][] f = free.get(e.getKey());
      if (f == null) {
        throw err(where, lines.length, "zone " + e.getKey() + " has block counts but no free-page rows");
      }
      zones.add(new ZoneInfo(e.getKey(), f, e.getValue()));
    }
    for (String z : free.keySet()) {
      if (!blocks.containsKey(z)) {
        throw err(where, lines.length, "zone " + z + " has free-page rows but no block counts");
      }
    }
    return new PagetypeInfo(List.copyOf(blockTypes), List.copyOf(zones));
  }

  private static void parseFreeRow(String t, String where, int ln, List<Migratetype> types, Map<String, long[][]> free) {
    // "Node    0, zone   Normal, type    Unmovable    266     23 ..."
    String[] parts = t.split(",", 3);
    if (parts.length != 3) {
      throw err(where, ln, "malformed free-pages row (valid: 'Node N, zone Z, type T' then 11 counts)");
    }
    checkNode(parts[0], where, ln);
    String zone = zoneName(parts[1], where, ln);
    String[] rest = parts[2].trim().split("\\s+");
    if (rest.length != 2 + PageOrder.NR_PAGE_ORDERS || !rest[0].equals("type")) {
      throw err(where, ln, "malformed free-pages row (valid: 'type T' then " + PageOrder.NR_PAGE_ORDERS + " counts)");
    }
    Migratetype mt = migratetype(rest[1], where, ln);
    long[][] rows = free.computeIfAbsent(zone, k -> new long[Migratetype.values().length][PageOrder.NR_PAGE_ORDERS]);
    for (int o = 0; o < PageOrder.NR_PAGE_ORDERS; o++) {
      String c = rest[2 + o];
      if (c.startsWith(">")) {
        c = c.substring(1);
      }
      rows[mt.ordinal()][o] = parseLong(c, where, ln, "a free block count", MAX_PAGES >> o);
    }
    if (!types.contains(mt)) {
      types.add(mt);
    }
  }

  private static void parseBlockRow(String t, String where, int ln, List<Migratetype> types, Map<String, long[]> blocks) {
    // "Node 0, zone   Normal           44          327 ..."
    String[] parts = t.split(",", 2);
    if (parts.length != 2) {
      throw err(where, ln, "malformed block-count row (valid: 'Node N, zone Z' then one count per type)");
    }
    checkNode(parts[0], where, ln);
    String[] rest = parts[1].trim().split("\\s+");
    if (rest.length != 2 + types.size() || !rest[0].equals("zone")) {
      throw err(where, ln, "malformed block-count row (valid: 'zone Z' then " + types.size() + " counts)");
    }
    String zone = zoneName("zone " + rest[1], where, ln);
    long[] b = new long[Migratetype.values().length];
    for (int i = 0; i < types.size(); i++) {
      b[types.get(i).ordinal()] = parseLong(rest[2 + i], where, ln, "a block count", MAX_PAGES >> PageOrder.PAGEBLOCK_ORDER);
    }
    blocks.put(zone, b);
  }

  private static void checkNode(String s, String where, int ln) {
    String[] p = s.trim().split("\\s+");
    if (p.length != 2 || !p[0].equals("Node")) {
      throw err(where, ln, "expected 'Node N' (valid: Node 0)");
    }
    if (!p[1].equals("0")) {
      throw err(where, ln, "node " + p[1] + " (valid: node 0 only; the simulator models one NUMA node)");
    }
  }

  private static String zoneName(String s, String where, int ln) {
    String[] p = s.trim().split("\\s+");
    if (p.length != 2 || !p[0].equals("zone")) {
      throw err(where, ln, "expected 'zone NAME' (valid: zone DMA, zone DMA32, zone Normal)");
    }
    if (!p[1].equals("DMA") && !p[1].equals("DMA32") && !p[1].equals("Normal")) {
      throw err(where, ln, "zone " + p[1] + " (valid: DMA, DMA32, Normal)");
    }
    return p[1];
  }

  private static Migratetype migratetype(String s, String where, int ln) {
    try {
      return Migratetype.ofPagetypeinfoName(s);
    } catch (IllegalArgumentException e) {
      throw err(where, ln, e.getMessage());
    }
  }

  private static int parseInt(String s, String where, int ln, String what) {
    return (int) parseLong(s, where, ln, what, Integer.MAX_VALUE);
  }

  private static long parseLong(String s, String where, int ln, String what, long max) {
    long v;
    try {
      v = Long.parseLong(s);
      if (v < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw err(where, ln, "'" + s + "' is not " + what + " (valid: a non-negative integer)");
    }
    if (v > max) {
      // bounded so that page and byte totals cannot overflow: no machine has more than 4 TiB
      throw err(where, ln, "'" + s + "' is too large for " + what + " (valid: 0.." + max
          + ", at most 4 TiB of memory)");
    }
    return v;
  }

  /** A one-line message: control characters of the echoed input (a CR of a CRLF file) are shown as '?'. */
  static IllegalArgumentException err(String where, int line, String what) {
    StringBuilder sb = new StringBuilder(what.length());
    for (int i = 0; i < what.length(); i++) {
      char c = what.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return new IllegalArgumentException(where + ":" + line + ": " + sb);
  }
}
