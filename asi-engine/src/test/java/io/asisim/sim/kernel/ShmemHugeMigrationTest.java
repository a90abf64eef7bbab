package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.mm.Gfp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Huge tmpfs folios ({@link ShmemHuge}) under page migration: which pages compaction may isolate,
 * and {@code alloc_contig_range()} moving or splitting them, hand-checked on a 256 MiB, 2-CPU
 * machine whose top 160 MiB are the CMA area (as in {@link MigrateRmapTest}). Without ASI unless
 * said.
 */
class ShmemHugeMigrationTest extends ShmemHugeCases {
  /**
   * Compaction never isolates a page of a huge tmpfs folio ({@code movable()} false: it moves only
   * with its folio, which {@code alloc_contig_range()} asks for by its head); a 4 KiB tmpfs page it may.
   */
  @Test
  void onlyTheFolioHeadIsOfferedForMigration() {
    boot();
    int small = k.createFile(1, false);
    int pid = k.spawn();
    k.write(pid, k.open(pid, small), 0, 1);
    k.setTmpfsHuge(Kernel.SHMEM_HUGE_ALWAYS);
    int file = k.createFile(NR, false);
    k.write(pid, k.open(pid, file), 0, 1);
    long head = frames(file, 1)[0];
    long page = frames(small, 1)[0];
    assertThat(k.k.migration.movable(page)).isTrue();
    assertThat(k.k.migration.folioOrder(page)).isZero();
    assertThat(k.k.migration.movable(head)).isFalse();
    assertThat(k.k.migration.movable(head + 7)).isFalse();
    assertThat(k.k.migration.folioOrder(head)).isEqualTo(ShmemHuge.HPAGE_PMD_ORDER);
    assertThat(k.k.migration.folioOrder(head + 7)).isZero();
    assertThat(k.k.migration.folioPartiallyMapped(head)).isFalse();
  }

  /** Writes {@code pages} pages of a new tmpfs file into the CMA area (after a baseline that empties it); the file. */
  private int tmpfsFileInArea(int huge, int pages, int pid) {
    k.setTmpfsHuge(huge);
    int file = k.createFile(pages, false);
    assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(CMA_BASE);
    k.cmaRelease(0, CMA_BASE, CMA_BLOCKS);
    int fd = k.open(pid, file);
    for (int i = 0; i < pages; i++) {
      k.write(pid, fd, i, 1);
    }
    return file;
  }

  /**
   * {@code alloc_contig_range()} over a huge tmpfs folio: moved whole to an order-9 folio below the
   * area ({@code thp_migration_success} 1, {@code pgmigrate_success} 512), every cache slot on the
   * copy, which stays one folio; under ASI the checker finds nothing after it.
   */
  @Test
  void cmaMovesAHugeTmpfsFolioWhole() {
    for (boolean asi : new boolean[] {false, true}) {
      boot(asi, true, 256L << 20);
      int pid = k.spawn();
      int reader = k.spawn(); // keeps page 5 mapped on CPU 1 across the move (its own pages leave the area first)
      k.k.tasks.setCpu(reader, 1);
      int file = tmpfsFileInArea(Kernel.SHMEM_HUGE_ALWAYS, NR, pid);
      long[] before = frames(file, NR);
      assertThat(before[0]).isGreaterThanOrEqualTo(CMA_BASE);
      long va = k.mmapFile(reader, file, NR);
      k.touch(reader, va + 5 * PAGE, false);
      long moved = m.get("pgmigrate_success");
      long misses = m.get("pagecache_misses");

      assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(CMA_BASE);

      assertThat(m.get("thp_migration_success")).isEqualTo(1);
      assertThat(m.get("pgmigrate_success") - moved).isEqualTo(NR);
      long[] after = frames(file, NR);
      assertThat(after[0]).isLessThan(CMA_BASE);
      assertOneFolio(after, 0);
      assertThat(m.get("pagecache_misses")).as("still cached").isEqualTo(misses);
      assertThat(m.get("nr_shmem_hugepages")).isEqualTo(1);
      assertThat(as.translate(k.k.tasks.mm(reader).mm, false, va + 5 * PAGE)).as("the PTE moved to the copy")
          .isEqualTo(after[5]);
      assertThat(checker.checkFunctional()).isNull();
    }
  }

  /**
   * With every order-9 block below the area taken, the folio of a 700-page file's last 2 MiB (324
   * pages past the end) is split ({@code thp_migration_split}, {@code thp_split_page}): the pages past
   * the end are freed, the 188 of the file moved as 4 KiB pages, the first folio (no target either)
   * split and moved too; its page 3, which a reader on CPU 1 maps, is unmapped and flushed first
   * ({@code unmap_folio()}: a file folio is not remapped) and faults the copy in again.
   */
  @Test
  void cmaSplitsAHugeTmpfsFolioWithoutATargetAndFreesItsPagesPastTheEnd() {
    boot(false, true, 256L << 20);
    int pid = k.spawn();
    int file = tmpfsFileInArea(Kernel.SHMEM_HUGE_ALWAYS, 700, pid);
    assertThat(m.get("nr_shmem_hugepages")).isEqualTo(2);
    int reader = k.spawn(); // maps page 3 on CPU 1, whose TLB keeps the translation
    k.k.tasks.setCpu(reader, 1);
    long va = k.mmapFile(reader, file, 700);
    k.touch(reader, va + 3 * PAGE, false);
    List<Long> held = new ArrayList<>();
    for (long b = allocator.alloc(0, ShmemHuge.HPAGE_PMD_ORDER, Gfp.GFP_USER); b >= 0;
        b = allocator.alloc(0, ShmemHuge.HPAGE_PMD_ORDER, Gfp.GFP_USER)) {
      held.add(b);
    }
    long moved = m.get("pgmigrate_success");
    long lost = m.get("access_losses");

    assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(CMA_BASE);

    // the writer, which has the file open, loses the 700 old frames and the 324 freed past the end;
    // the reader its one user page
    assertThat(m.get("access_losses") - lost).isEqualTo(1025);
    assertThat(m.get("thp_migration_split")).isEqualTo(2);
    assertThat(m.get("thp_split_page")).isEqualTo(2);
    assertThat(m.get("nr_shmem_hugepages")).isZero();
    // the file's 700 pages, the 324 the split freed past its end (counted migrated, as
    // migrate_pages_batch() counts a folio "freed from under us") and the reader's one user page
    assertThat(m.get("pgmigrate_success") - moved).isEqualTo(1025);
    long[] after = frames(file, 700);
    for (long f : after) {
      assertThat(f).isLessThan(CMA_BASE);
    }
    assertThat(as.translate(k.k.tasks.mm(reader).mm, false, va + 3 * PAGE)).as("unmapped by the split").isEqualTo(-1);
    long faults = m.get("file_faults");
    k.touch(reader, va + 3 * PAGE, false);
    assertThat(m.get("file_faults") - faults).isEqualTo(1);
    assertThat(as.translate(k.k.tasks.mm(reader).mm, false, va + 3 * PAGE)).as("faulted back: the copy").isEqualTo(after[3]);
    assertThat(checker.checkFunctional()).isNull();
  }

  /** A tmpfs page in the area is migrated, never dropped: it is swap-backed, not on the file LRU. */
  @Test
  void cmaMigratesAnUnmappedTmpfsPageInsteadOfDroppingIt() {
    boot(false, true, 256L << 20);
    int pid = k.spawn();
    int file = tmpfsFileInArea(Kernel.SHMEM_HUGE_NEVER, 256, pid);
    long inArea = java.util.Arrays.stream(frames(file, 256)).filter(f -> f >= CMA_BASE).count();
    assertThat(inArea).as("the pages after the pcp lists' in the area").isPositive();
    long moved = m.get("pgmigrate_success");
    long misses = m.get("pagecache_misses");

    assertThat(k.cmaAlloc(0, CMA_BLOCKS)).isEqualTo(CMA_BASE);

    assertThat(m.get("pagecache_evictions")).isZero();
    assertThat(m.get("pgmigrate_success") - moved).isEqualTo(inArea);
    frames(file, 256);
    assertThat(m.get("pagecache_misses")).as("still cached").isEqualTo(misses);
  }
}
