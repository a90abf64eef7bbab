package io.asisim.sim.workload;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.Gfp;
import java.util.SplittableRandom;

/**
 * {@code alloc-stress}: allocator-only stress against the {@link Kernel} interface. Each op
 * allocates or frees one block. Occupancy cycles: a filling phase allocates with probability
 * {@code allocRatio} until allocations fail or occupancy reaches {@code targetOccupancy}; a
 * draining phase frees with probability {@code allocRatio} until occupancy falls to
 * {@code lowOccupancy}; "fails" means {@code fillFailures} failed allocations in this phase. Each allocation is sensitive with probability {@code sensitiveFraction}
 * (user pages: {@code GFP_HIGHUSER_MOVABLE | __GFP_SENSITIVE}, THP masks for orders 9 and 10),
 * otherwise a kernel allocation ({@code GFP_KERNEL}, a quarter of them {@code __GFP_RECLAIMABLE},
 * {@code atomicFraction} of them {@code GFP_ATOMIC}); orders follow a weighted distribution.
 * Frees pick a held block uniformly. Running memory to exhaustion and back makes the freed
 * memory of one sensitivity serve the other (pageblock flips both ways), exercises the
 * watermark slow path (where the unmapped pool's shrinker runs) and refills the pool.
 */
public final class AllocStressWorkload implements Workload {
  private final long ops;
  private final double sensitiveFraction;
  private final double atomicFraction;
  private final double allocRatio;
  private final double targetOccupancy;
  private final double lowOccupancy;
  private final int fillFailures;
  private final int[] orderTable;
  private int failuresThisFill;

  private long[] pfns = new long[1024];
  private byte[] orders = new byte[1024];
  private int held;
  private long heldPages;
  private boolean filling = true;
  private long total;
  private SplittableRandom rnd;

  /**
   * @param orderWeights weight per order 0..10 (e.g. {@code 50,10,5,10,5,0,0,0,0,15,5})
   */
  public AllocStressWorkload(long ops, double sensitiveFraction, double atomicFraction, double allocRatio,
      double targetOccupancy, double lowOccupancy, int fillFailures, int[] orderWeights) {
    if (lowOccupancy >= targetOccupancy) {
      throw new IllegalArgumentException("low-occupancy must be below target-occupancy");
    }
    this.ops = ops;
    this.sensitiveFraction = sensitiveFraction;
    this.atomicFraction = atomicFraction;
    this.allocRatio = allocRatio;
    this.targetOccupancy = targetOccupancy;
    this.lowOccupancy = lowOccupancy;
    this.fillFailures = fillFailures;
    int sum = 0;
    for (int w : orderWeights) {
      sum += w;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("order weights must not all be zero");
    }
    orderTable = new int[sum];
    int k = 0;
    for (int o = 0; o < orderWeights.length; o++) {
      for (int i = 0; i < orderWeights[o]; i++) {
        orderTable[k++] = o;
      }
    }
  }

  /**
   * Parses {@code "order:weight,..."} (e.g. {@code 0:50,1:10,9:15}) into weights per order 0..10.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static int[] parseOrders(String spec) {
    int[] w = new int[11];
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split(":");
      try {
        int o = Integer.parseInt(kv[0].trim());
        int weight = Integer.parseInt(kv[1].trim());
        if (kv.length != 2 || o < 0 || o > 10 || weight < 0 || weight > 1000) {
          throw new NumberFormatException();
        }
        w[o] += weight;
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad order weight '" + part
            + "' (valid: order:weight pairs, order 0..10, weight 0..1000, e.g. 0:50,9:15)");
      }
    }
    return w;
  }

  @Override
  public long ops() {
    return ops;
  }

  @Override
  public void setUp(Kernel kernel) {
    rnd = kernel.random();
    total = kernel.totalPages();
  }

  @Override
  public void step(Kernel kernel, long index) {
    int cpu = rnd.nextInt(kernel.nrCpus());
    double occupancy = (double) heldPages / total;
    if (!filling && occupancy <= lowOccupancy) {
      filling = true;
      failuresThisFill = 0;
    }
    if (filling && occupancy >= targetOccupancy) {
      filling = false;
    }
    boolean alloc = held == 0 || (rnd.nextDouble() < (filling ? allocRatio : 1 - allocRatio));
    if (alloc) {
      int order = orderTable[rnd.nextInt(orderTable.length)];
      int gfp = gfp(order);
      long pfn = kernel.allocPages(cpu, order, gfp);
      if (pfn < 0) {
        if (++failuresThisFill >= fillFailures) {
          filling = false; // memory is exhausted: start draining
        }
        return;
      }
      push(pfn, order);
    } else {
      int i = rnd.nextInt(held);
      long pfn = pfns[i];
      int order = orders[i];
      pfns[i] = pfns[held - 1];
      orders[i] = orders[held - 1];
      held--;
      heldPages -= 1L << order;
      kernel.freePages(cpu, pfn, order);
    }
  }

  private int gfp(int order) {
    if (rnd.nextDouble() < sensitiveFraction) {
      if (order >= 9) {
        return (order == 9 ? Gfp.GFP_TRANSHUGE : Gfp.GFP_TRANSHUGE_LIGHT) | Gfp.__GFP_SENSITIVE;
      }
      return Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_SENSITIVE;
    }
    if (rnd.nextDouble() < atomicFraction) {
      return Gfp.GFP_ATOMIC;
    }
    return rnd.nextInt(4) == 0 ? Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE : Gfp.GFP_KERNEL;
  }

  private void push(long pfn, int order) {
    if (held == pfns.length) {
      pfns = java.util.Arrays.copyOf(pfns, held * 2);
      orders = java.util.Arrays.copyOf(orders, held * 2);
    }
    pfns[held] = pfn;
    orders[held] = (byte) order;
    held++;
    heldPages += 1L << order;
  }

  @Override
  public void tearDown(Kernel kernel) {
    while (held > 0) {
      held--;
      kernel.freePages(0, pfns[held], orders[held]);
    }
    heldPages = 0;
  }

  /** Blocks held right now (for tests). */
  int heldBlocks() {
    return held;
  }
}
