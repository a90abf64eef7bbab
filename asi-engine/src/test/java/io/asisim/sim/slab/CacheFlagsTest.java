package io.asisim.sim.slab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The creation flags of caches a trace names, from the measured kernel's table and the kmalloc rule. */
class CacheFlagsTest {
  private final CacheFlags f = CacheFlags.linux618();

  @Test
  void fromTheMeasuredKernel() {
    assertThat(f.reclaimable("dentry")).isTrue();
    assertThat(f.reclaimable("ext4_inode_cache")).isTrue();
    assertThat(f.reclaimable("radix_tree_node")).isTrue();
    assertThat(f.reclaimable("buffer_head")).isTrue(); // an alias of :a-0000104
    assertThat(f.reclaimable("filp")).isFalse();
    assertThat(f.reclaimable("names_cache")).isFalse();
    assertThat(f.dma("dma-kmalloc-64")).isTrue();
    assertThat(f.dma("kmalloc-64")).isFalse();
    assertThat(f.reclaimable("kmalloc-rcl-64")).isTrue();
    assertThat(f.dma("kmalloc-rcl-64")).isFalse();
  }

  @Test
  void namesTheTableLacksFollowTheKmallocRule() {
    assertThat(f.reclaimable("kmalloc-rcl-160")).isTrue();
    assertThat(f.dma("kmalloc-rcl-160")).isFalse();
    assertThat(f.dma("dma-kmalloc-160")).isTrue();
    assertThat(f.reclaimable("dma-kmalloc-160")).isFalse();
    assertThat(f.reclaimable("some_driver_cache")).isFalse();
    assertThat(f.dma("some_driver_cache")).isFalse();
  }

  @Test
  void sensitivityChoices() {
    assertThat(SlabSensitivity.of("reclaimable")).isEqualTo(SlabSensitivity.RECLAIMABLE);
    assertThat(SlabSensitivity.of("none").label()).isEqualTo("none");
    assertThat(SlabSensitivity.of("all")).isEqualTo(SlabSensitivity.ALL);
    assertThat(SlabSensitivity.RECLAIMABLE.sensitive(true)).isTrue();
    assertThat(SlabSensitivity.RECLAIMABLE.sensitive(false)).isFalse();
    assertThat(SlabSensitivity.ALL.sensitive(false)).isTrue();
    assertThat(SlabSensitivity.NONE.sensitive(true)).isFalse();
    assertThatThrownBy(() -> SlabSensitivity.of("some")).hasMessage("slab sensitivity 'some' (valid: reclaimable, none, all)");
  }
}
