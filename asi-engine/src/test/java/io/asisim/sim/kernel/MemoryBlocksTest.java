package io.asisim.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code probe_memory_block_size()} (arch/x86/mm/init_64.c, Linux 6.12) as {@link MemoryBlocks} sizes blocks. */
class MemoryBlocksTest {
  private static final long M = 1L << 20;
  private static final long G = 1L << 30;

  @Test
  void blockSizeAsX86PicksIt() {
    assertThat(MemoryBlocks.probeMemoryBlockSize(16 * G, false)).as("below 64 GiB").isEqualTo(128 * M);
    assertThat(MemoryBlocks.probeMemoryBlockSize(64 * G - 128 * M, true)).isEqualTo(128 * M);
    assertThat(MemoryBlocks.probeMemoryBlockSize(64 * G, false)).as("bare metal").isEqualTo(2 * G);
    assertThat(MemoryBlocks.probeMemoryBlockSize(65 * G, false)).isEqualTo(2 * G);
    // under a hypervisor the largest of 2 GiB..128 MiB that the end of memory is aligned to
    assertThat(MemoryBlocks.probeMemoryBlockSize(64 * G, true)).isEqualTo(2 * G);
    assertThat(MemoryBlocks.probeMemoryBlockSize(65 * G, true)).isEqualTo(G);
    assertThat(MemoryBlocks.probeMemoryBlockSize(64 * G + 384 * M, true)).isEqualTo(128 * M);
  }
}
