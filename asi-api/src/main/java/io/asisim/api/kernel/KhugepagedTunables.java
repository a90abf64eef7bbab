package io.asisim.api.kernel;

/**
 * The tunables of {@code /sys/kernel/mm/transparent_hugepage/khugepaged/} (mm/khugepaged.c), which
 * {@link Kernel#setKhugepaged} writes. The kernel's defaults are {@link #DEFAULTS}
 * ({@code khugepaged_init()}: {@code pages_to_scan = 8 * HPAGE_PMD_NR}, {@code max_ptes_none =
 * HPAGE_PMD_NR - 1}, {@code max_ptes_swap = HPAGE_PMD_NR / 8}, {@code max_ptes_shared =
 * HPAGE_PMD_NR / 2}; the two sleeps and {@code defrag} as initialised). The ranges are those the
 * sysfs store functions accept; a value outside them is refused with a one-line message, as the
 * kernel's {@code -EINVAL}.
 *
 * @param defrag {@code khugepaged/defrag}: the collapse allocation may reclaim and compact directly
 *     ({@code GFP_TRANSHUGE}) rather than only take a free block ({@code GFP_TRANSHUGE_LIGHT})
 * @param pagesToScan {@code pages_to_scan}: PTEs (one per 4 KiB, 512 per 2 MiB looked at, one per
 *     VMA skipped) one wake-up scans, at least 1
 * @param scanSleepMillis {@code scan_sleep_millisecs}: simulated time between two wake-ups
 * @param allocSleepMillis {@code alloc_sleep_millisecs}: the wait after a failed huge-page allocation
 * @param maxPtesNone {@code max_ptes_none}: empty PTEs a 2 MiB range may have and still be collapsed
 *     (0..511)
 * @param maxPtesSwap {@code max_ptes_swap}: swapped-out PTEs likewise (0..511; the simulated kernel
 *     has no swap, so no PTE ever counts against it)
 * @param maxPtesShared {@code max_ptes_shared}: PTEs of pages another mm maps too (0..511)
 */
public record KhugepagedTunables(boolean defrag, long pagesToScan, long scanSleepMillis, long allocSleepMillis,
    int maxPtesNone, int maxPtesSwap, int maxPtesShared) {
  /** {@code HPAGE_PMD_NR} on x86-64: 4 KiB pages per 2 MiB. */
  private static final int HPAGE_PMD_NR = 512;
  /** Largest value of an {@code unsigned int} sysfs file ({@code kstrtouint()}). */
  public static final long UINT_MAX = 0xffff_ffffL;

  /** The values Linux boots with. */
  public static final KhugepagedTunables DEFAULTS = new KhugepagedTunables(true, 8 * HPAGE_PMD_NR, 10_000, 60_000,
      HPAGE_PMD_NR - 1, HPAGE_PMD_NR / 8, HPAGE_PMD_NR / 2);

  public KhugepagedTunables {
    range("pages_to_scan", pagesToScan, 1, UINT_MAX);
    range("scan_sleep_millisecs", scanSleepMillis, 0, UINT_MAX);
    range("alloc_sleep_millisecs", allocSleepMillis, 0, UINT_MAX);
    range("max_ptes_none", maxPtesNone, 0, HPAGE_PMD_NR - 1);
    range("max_ptes_swap", maxPtesSwap, 0, HPAGE_PMD_NR - 1);
    range("max_ptes_shared", maxPtesShared, 0, HPAGE_PMD_NR - 1);
  }

  private static void range(String file, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException("transparent_hugepage/khugepaged/" + file + ": " + v + " is out of range (valid: "
          + min + ".." + max + ")");
    }
  }
}
