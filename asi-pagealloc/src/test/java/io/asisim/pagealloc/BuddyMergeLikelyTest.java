package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_HIGHUSER_MOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.FakeArch;
import org.junit.jupiter.api.Test;

/**
 * Head or tail placement of a freed block ({@code __free_one_page()}'s {@code to_tail} from
 * {@code buddy_merge_likely()}, mm/page_alloc.c): a block whose next-higher buddy is free goes to
 * the tail of its list, so that it stays free longer and can merge when its own buddy is freed;
 * any other block goes to the head; at {@code MAX_PAGE_ORDER - 1} and above always the head. The
 * order in which {@code __rmqueue_smallest()} then hands out equal blocks shows the placement.
 * One plain 16 MiB zone (four order-10 blocks, every pageblock MOVABLE, watermarks 0); orders 8 and
 * 9 bypass the pcp lists, so each free is one {@code __free_one_page()}.
 */
class BuddyMergeLikelyTest {
  private static final int MOVABLE = GFP_HIGHUSER_MOVABLE;

  private final FakeArch arch = new FakeArch(4, 4096, 0);
  private final BuddyAllocator a = Fixtures.singleZone(arch, new Metrics(), false);

  /** Every frame allocated as order-{@code order} blocks, in pfn order. */
  private void allocateAll(int order) {
    for (int i = 0; i < 4096 >> order; i++) {
      assertThat(a.alloc(0, order, MOVABLE)).isEqualTo((long) i << order);
    }
    assertThat(a.freePages()).isZero();
  }

  @Test
  void aBlockWhoseHigherBuddyIsFreeGoesToTheTailOthersToTheHead() {
    allocateAll(8);
    // 1536@8 + 1792@8 merge into 1536@9: free, the order-9 buddy of 1024's order-9 block.
    a.free(0, 1536, 8);
    a.free(0, 1792, 8);
    assertThat(a.zones[0].nrFree[9]).isEqualTo(1);
    // 2048@8: its buddy 2304 is allocated and so is 2560, the buddy of the order-9 block 2048: head.
    a.free(0, 2048, 8);
    // 1024@8: buddy 1280 allocated, but 1536@9, the buddy of the order-9 block 1024, is free: tail.
    a.free(0, 1024, 8);
    // 3072@8: neither 3328 nor 3584 is free: head.
    a.free(0, 3072, 8);
    // Order-8 list, head first: 3072, 2048, 1024. All at the head would give 3072, 1024, 2048;
    // all at the tail 2048, 1024, 3072.
    assertThat(a.alloc(0, 8, MOVABLE)).isEqualTo(3072);
    assertThat(a.alloc(0, 8, MOVABLE)).isEqualTo(2048);
    assertThat(a.alloc(0, 8, MOVABLE)).isEqualTo(1024);
    assertThat(a.zones[0].nrFree[8]).isZero();
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void atOrderNineAFreeHigherBuddyDoesNotSendTheBlockToTheTail() {
    allocateAll(9);
    a.free(0, 2048, 9);
    a.free(0, 2560, 9); // merged: 2048@10 free
    assertThat(a.zones[0].nrFree[10]).isEqualTo(1);
    a.free(0, 0, 9); // head; 1024@10 is not free anyway
    // 3072@9: buddy 3584 allocated; the order-10 block's buddy 2048@10 is free, but order 9 is
    // MAX_PAGE_ORDER - 1 (no order-11 block to merge into): head all the same.
    a.free(0, 3072, 9);
    assertThat(a.alloc(0, 9, MOVABLE)).isEqualTo(3072);
    assertThat(a.alloc(0, 9, MOVABLE)).isEqualTo(0);
    assertThat(a.zones[0].nrFree[9]).isZero();
    assertThat(a.checkConsistency()).isNull();
  }
}
