package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.GFP_TRANSHUGE_LIGHT;
import static io.asisim.api.mm.Gfp.__GFP_SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * {@code split_page()} ({@link PageAllocator#splitPage}): an allocated order-9 block becomes 512
 * order-0 pages, freed one by one and merged back, in the plain buddy and in the
 * {@code __GFP_UNMAPPED} pool (whose block comes from its own free lists); a block that is not
 * allocated at that order is refused.
 */
class SplitPageTest {
  @Test
  void anOrder9BlockSplitIntoPagesGoesBackPageByPage() {
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    long free = a.freePages();
    long pfn = a.alloc(0, 9, GFP_TRANSHUGE_LIGHT);
    assertThat(pfn).isNotNegative();
    assertThat(a.splitPage(0, pfn, 9)).isTrue();
    for (int i = 0; i < 512; i++) {
      assertThat(a.ft.stateOf((int) pfn + i)).as("an allocated movable order-0 page")
          .isEqualTo(FrameTable.ALLOC | FrameTable.MOVABLE_ALLOC);
    }
    assertThatThrownBy(() -> a.free(0, pfn, 9)).as("no longer an order-9 block").isInstanceOf(RuntimeException.class);
    for (int i = 511; i >= 0; i--) {
      a.free(0, pfn + i, 0);
    }
    a.drainAllPages();
    assertThat(a.freePages()).isEqualTo(free);
    assertThat(a.checkConsistency()).isNull();
    assertThat(a.alloc(0, 9, GFP_TRANSHUGE_LIGHT)).as("merged back whole").isEqualTo(pfn);
    assertThatThrownBy(() -> a.splitPage(0, pfn + 512, 9)).isInstanceOf(RuntimeException.class);
  }

  /** The pages of a split unmovable block stay unmovable: what compaction may isolate is the head's mobility, not a default. */
  @Test
  void anUnmovableBlockSplitsIntoUnmovablePages() {
    FakeArch arch = new FakeArch(1, 4096, 0);
    BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);
    long pfn = a.alloc(0, 9, GFP_KERNEL);
    assertThat(pfn).isNotNegative();
    assertThat(a.splitPage(0, pfn, 9)).isTrue();
    for (int i = 0; i < 512; i++) {
      assertThat(a.ft.stateOf((int) pfn + i)).as("an allocated unmovable order-0 page").isEqualTo(FrameTable.ALLOC);
    }
    for (int i = 0; i < 512; i++) {
      a.free(0, pfn + i, 0);
    }
    a.drainAllPages();
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void aPoolBlockSplitIntoPagesGoesBackToThePool() {
    FakeArch arch = new FakeArch(1, 4096, 0);
    Metrics m = new Metrics();
    BuddyAllocator main = Fixtures.singleZone(arch, m, false);
    UnmappedPoolAllocator a = new UnmappedPoolAllocator(main, m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false,
        9, 128);
    long pfn = a.alloc(0, 9, GFP_KERNEL | __GFP_SENSITIVE);
    assertThat(pfn).isNotNegative();
    assertThat(a.splitPage(0, pfn, 9)).isTrue();
    for (int i = 0; i < 512; i++) {
      a.free(0, pfn + i, 0);
    }
    assertThat(a.checkConsistency()).isNull();
    assertThat(a.alloc(0, 9, GFP_KERNEL | __GFP_SENSITIVE)).as("merged back in the pool, no refill").isEqualTo(pfn);
    assertThat(m.get("pool_refills")).isEqualTo(1);
  }
}
