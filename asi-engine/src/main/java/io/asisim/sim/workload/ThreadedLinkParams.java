package io.asisim.sim.workload;

/**
 * The parameters of {@code threaded-link} ({@link ThreadedLinkPlugin}); every default is an estimate.
 *
 * @param ops work items
 * @param threads worker threads, on distinct CPUs
 * @param inputs input object files
 * @param inputPages pages per input file
 * @param readPages pages each item reads
 * @param bufferPages scratch pages each item maps, writes and unmaps
 * @param userCycles user cycles per item
 * @param outputEvery items between writes of the output (0: none)
 * @param outputPages pages per output write
 */
record ThreadedLinkParams(long ops, int threads, int inputs, int inputPages, int readPages, int bufferPages,
    long userCycles, int outputEvery, int outputPages) {
  ThreadedLinkParams {
    if (readPages > inputPages) {
      throw new IllegalArgumentException("read-pages " + readPages + " exceeds input-pages " + inputPages);
    }
  }
}
