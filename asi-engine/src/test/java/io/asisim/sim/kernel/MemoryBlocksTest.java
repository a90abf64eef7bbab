package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code probe_memory_block_size()} (arch/x86/mm/init_64.c, Linux 6.12) as {@link MemoryBlocks} sizes blocks. */
class MemoryBlocksTest {
  private static final long M = 1L << 20;
  private static final long G = 1L << 30;

  @Test
  void blockSizeAsX86PicksIt() {
    assertThat(MemoryBlocks.probeMemoryBlockSize(16 * G)).as("below 64 GiB").isEqualTo(128 * M);
    assertThat(MemoryBlocks.probeMemoryBlockSize(64 * G - 128 * M)).isEqualTo(128 * M);
    assertThat(MemoryBlocks.probeMemoryBlockSize(64 * G)).as("bare metal, from 64 GiB").isEqualTo(2 * G);
    assertThat(MemoryBlocks.probeMemoryBlockSize(65 * G)).isEqualTo(2 * G);
  }
}
