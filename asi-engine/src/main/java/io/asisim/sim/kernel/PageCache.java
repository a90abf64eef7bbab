package io.asisim.sim.kernel;

import io.asisim.sim.util.LongLongMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The page cache: per file an array of frame numbers indexed by page offset (the
 * {@code address_space} xarray), a reverse map frame → (file, index) for reclaim and the checker,
 * a second-chance FIFO of evictable pages standing in for the LRU lists
 * ({@code folio_referenced()} gives a page another round), and per page the number of user PTEs
 * mapping it ({@code folio_mapcount()} of a file folio, mm/rmap.c).
 *
 * <p>A tmpfs file's pages may be grouped in PMD-size folios ({@link ShmemHuge}): 512 consecutive
 * frames at a 2 MiB-aligned index, one multi-index xarray entry in the kernel, a bit per 2 MiB of
 * the file here ({@link #inPmdFolio}). Such a folio may reach past the end of the file, as the
 * kernel's may with {@code huge=always}: a tmpfs file has slots for whole 2 MiB ranges
 * ({@link #slots}), of which the first {@link #size} are the file's pages.
 *
 * <p>A page some process maps is never handed to reclaim ({@link #nextVictim} rotates it like a
 * referenced one): the simulated {@code shrink_folio_list()} cannot {@code try_to_unmap()} it yet,
 * and evicting it would leave a user PTE to a freed frame.
 */
final class PageCache {
  private final List<long[]> pages = new ArrayList<>();
  private final List<byte[]> referenced = new ArrayList<>();
  private final List<Boolean> evictable = new ArrayList<>();
  private final List<int[]> mapcount = new ArrayList<>();
  /** Per tmpfs file a byte per 2 MiB of slots, 1 where a PMD-size folio caches them; null for disk files. */
  private final List<byte[]> pmdFolio = new ArrayList<>();
  private long[] sizes = new long[16];
  private final LongLongMap owner = new LongLongMap(1 << 12);
  private long[] lru = new long[1 << 12];
  private int lruHead;
  private int lruTail;
  private int lruSize;
  private long scanned;
  /** Cached pages of evictable files ({@code NR_INACTIVE_FILE} + {@code NR_ACTIVE_FILE}). */
  private long nrEvictable;

  int createFile(long nrPages, boolean isEvictable) {
    if (nrPages < 1 || nrPages > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("file size must be 1.." + (Integer.MAX_VALUE - 8) + " pages, got " + nrPages);
    }
    // a tmpfs file's last 2 MiB may be one folio reaching past its end (shmem_alloc_and_add_folio()
    // has no i_size check for huge=always)
    int slots = (int) (isEvictable ? nrPages : (nrPages + ShmemHuge.HPAGE_PMD_NR - 1) & -ShmemHuge.HPAGE_PMD_NR);
    long[] p = new long[slots];
    Arrays.fill(p, -1);
    pages.add(p);
    referenced.add(new byte[slots]);
    evictable.add(isEvictable);
    mapcount.add(new int[slots]);
    pmdFolio.add(isEvictable ? null : new byte[slots / ShmemHuge.HPAGE_PMD_NR]);
    int file = pages.size() - 1;
    if (file == sizes.length) {
      sizes = Arrays.copyOf(sizes, 2 * file);
    }
    sizes[file] = nrPages;
    return file;
  }

  boolean evictable(int file) {
    return evictable.get(file);
  }

  boolean exists(int file) {
    return file >= 0 && file < pages.size();
  }

  /** The file's size in pages ({@code i_size}). */
  long size(int file) {
    return sizes[file];
  }

  /** Cache slots of the file: its size, rounded up to 2 MiB for a tmpfs file. */
  long slots(int file) {
    return pages.get(file).length;
  }

  /** Whether page {@code index} of {@code file} is cached in a PMD-size folio. */
  boolean inPmdFolio(int file, long index) {
    byte[] f = pmdFolio.get(file);
    return f != null && f[(int) (index >>> ShmemHuge.HPAGE_PMD_ORDER)] != 0;
  }

  /** The head frame of the PMD-size page-cache folio frame {@code pfn} belongs to, or -1 (not cached, or order 0). */
  long pmdFolioHead(long pfn) {
    long code = owner.get(pfn);
    if (code == LongLongMap.ABSENT || !inPmdFolio(fileOf(code), indexOf(code))) {
      return -1;
    }
    return pfn - (indexOf(code) & (ShmemHuge.HPAGE_PMD_NR - 1));
  }

  /** {@code xa_find(..., XA_PRESENT)} over {@code nr} slots from {@code index}: whether none is cached. */
  boolean rangeEmpty(int file, long index, int nr) {
    long[] p = pages.get(file);
    for (int i = 0; i < nr; i++) {
      if (p[(int) index + i] >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code shmem_add_to_page_cache()} of a PMD-size folio at 2 MiB-aligned {@code index} of tmpfs
   * file {@code file}: its 512 frames from {@code head} fill the slots ({@link #rangeEmpty} held).
   */
  void insertPmdFolio(int file, long index, long head) {
    for (int i = 0; i < ShmemHuge.HPAGE_PMD_NR; i++) {
      insert(file, index + i, head + i);
    }
    pmdFolio.get(file)[(int) (index >>> ShmemHuge.HPAGE_PMD_ORDER)] = 1;
  }

  /** {@code __split_huge_page()} of the folio caching the 2 MiB at {@code index}: its pages are order-0 folios from now on. */
  void splitPmdFolio(int file, long index) {
    pmdFolio.get(file)[(int) (index >>> ShmemHuge.HPAGE_PMD_ORDER)] = 0;
  }

  /** The frame caching page {@code index} of {@code file}, or -1; marks it referenced. */
  long lookup(int file, long index) {
    long pfn = pages.get(file)[(int) index];
    if (pfn >= 0) {
      referenced.get(file)[(int) index] = 1;
    }
    return pfn;
  }

  /** Peek without touching the referenced bit. */
  long peek(int file, long index) {
    return pages.get(file)[(int) index];
  }

  void insert(int file, long index, long pfn) {
    pages.get(file)[(int) index] = pfn;
    owner.put(pfn, encode(file, index));
    if (evictable.get(file)) {
      pushLru(encode(file, index));
      nrEvictable++;
    }
  }

  /** {@code folio_add_file_rmap_pte()}: one more user PTE maps page {@code index} of {@code file}. */
  void mapPte(int file, long index) {
    mapcount.get(file)[(int) index]++;
  }

  /** {@code folio_remove_rmap_pte()} of a page-cache frame mapped by a user PTE. */
  void unmapPte(long pfn) {
    long code = owner.get(pfn);
    if (code == LongLongMap.ABSENT || mapcount.get(fileOf(code))[(int) indexOf(code)] <= 0) {
      throw new IllegalStateException("pfn " + pfn + " is not a mapped page-cache page");
    }
    mapcount.get(fileOf(code))[(int) indexOf(code)]--;
  }

  /** How many user PTEs map page {@code index} of {@code file}. */
  int mapcount(int file, long index) {
    return mapcount.get(file)[(int) index];
  }

  /** Removes the page; returns its frame (or -1). A mapped page cannot be removed. */
  long remove(int file, long index) {
    if (mapcount.get(file)[(int) index] > 0) {
      throw new IllegalStateException("page " + index + " of file " + file + " is mapped");
    }
    long[] p = pages.get(file);
    long pfn = p[(int) index];
    if (pfn >= 0) {
      p[(int) index] = -1;
      owner.remove(pfn);
      if (evictable.get(file)) {
        nrEvictable--;
      }
    }
    return pfn;
  }

  /**
   * {@code folio_migrate_mapping()}: the cache slot of {@code src} holds {@code dst} from now on
   * (its LRU position, referenced bit and mapcount stay with the slot: the caller has moved every
   * user PTE of {@code src} to {@code dst}).
   */
  void replace(long src, long dst) {
    long code = owner.remove(src);
    if (code == LongLongMap.ABSENT) {
      throw new IllegalStateException("pfn " + src + " is not a page-cache page");
    }
    pages.get(fileOf(code))[(int) indexOf(code)] = dst;
    owner.put(dst, code);
  }

  /**
   * Cached pages of evictable files, mapped ones included ({@code NR_INACTIVE_FILE} +
   * {@code NR_ACTIVE_FILE}, as {@code should_continue_reclaim()} reads them): an upper bound of what
   * reclaim could still evict (it never evicts a mapped page).
   */
  long nrEvictable() {
    return nrEvictable;
  }

  /** Every cached frame → its (file, index) encoded ({@link #encode}); read-only, for the checker. */
  LongLongMap owners() {
    return owner;
  }

  /** (file, index) encoded of a cached frame, or {@link LongLongMap#ABSENT}. */
  long ownerOf(long pfn) {
    return owner.get(pfn);
  }

  static long encode(int file, long index) {
    return ((long) file << 32) | index;
  }

  static int fileOf(long code) {
    return (int) (code >>> 32);
  }

  static long indexOf(long code) {
    return code & 0xffffffffL;
  }

  private void pushLru(long code) {
    if (lruSize == lru.length) {
      long[] n = new long[lru.length * 2];
      for (int i = 0; i < lruSize; i++) {
        n[i] = lru[(lruHead + i) & (lru.length - 1)];
      }
      lru = n;
      lruHead = 0;
      lruTail = lruSize;
    }
    lru[lruTail] = code;
    lruTail = (lruTail + 1) & (lru.length - 1);
    lruSize++;
  }

  /**
   * The next eviction candidate in second-chance order, removed from the FIFO; {@code -1} when none.
   * Referenced pages get their bit cleared and go to the back; stale entries are dropped.
   */
  long nextVictim() {
    int rounds = lruSize * 2;
    while (lruSize > 0 && rounds-- > 0) {
      long code = lru[lruHead];
      lruHead = (lruHead + 1) & (lru.length - 1);
      lruSize--;
      int file = fileOf(code);
      int idx = (int) indexOf(code);
      if (pages.get(file)[idx] < 0) {
        continue; // already gone (truncated or evicted): lazy deletion
      }
      scanned++; // a live page looked at: the victim, or one rotated
      byte[] ref = referenced.get(file);
      if (mapcount.get(file)[idx] > 0) {
        ref[idx] = 0;
        pushLru(code); // mapped: kept (folio_referenced() would see the PTE's young bit)
        continue;
      }
      if (ref[idx] != 0) {
        ref[idx] = 0;
        pushLru(code);
        continue;
      }
      return code;
    }
    return -1;
  }

  /** LRU pages looked at by {@link #nextVictim} since the last call ({@code nr_scanned}), then zero. */
  long takeScanned() {
    long n = scanned;
    scanned = 0;
    return n;
  }
}
