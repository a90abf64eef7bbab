package io.asisim.sim.workload;

import java.util.SplittableRandom;

/**
 * fio's {@code random_distribution=zipf:THETA} (fio lib/zipf.c, {@code zipf_init()} and
 * {@code zipf_next()}): the rank of a Zipf-distributed draw over {@code nranges} ranges by the
 * method of Gray et al., "Quickly generating billion-record synthetic databases" (SIGMOD 1994),
 * then scattered over the ranges, so that the hot ranges are spread over the files instead of
 * packed at their start.
 *
 * <p>One deviation: fio scatters with {@code (__hash_u64(rank) + rand_off) % nranges}, which is not
 * one-to-one (of 24 576 ranges it reaches 8 193: {@code GOLDEN_RATIO_PRIME_64} is 1 modulo
 * 2<sup>18</sup>), so part of the file is never read. This class scatters by a random permutation
 * instead (a multiply-xorshift bijection on the next power of two, walked until it lands below
 * {@code nranges}), so every range keeps its own Zipf rank. {@code zetan} is summed once over at most
 * {@link #MAX_GEN} ranges, as fio's {@code zipf_update()} caps it.
 */
final class Zipf {
  /** fio lib/zipf.c {@code ZIPF_MAX_GEN}: terms of {@code zetan} summed at most. */
  static final long MAX_GEN = 10_000_000L;


  private final long nranges;
  private final double zetan;
  private final double alpha;
  private final double eta;
  /** {@code zeta2} = 1 + 2^-theta: below it (times zetan) the draw is rank 1 or 2. */
  private final double zeta2;
  private final long mask;
  private final int shift;
  private final long mul;
  private final long add;

  /**
   * @param theta fio's {@code zipf:THETA}: above 0 and not 1 (fio refuses 1: {@code alpha} would
   *     divide by zero)
   */
  Zipf(long nranges, double theta, SplittableRandom random) {
    if (nranges < 1) {
      throw new IllegalArgumentException("zipf: ranges must be at least 1, got " + nranges);
    }
    if (!(theta > 0) || theta == 1.0) {
      throw new IllegalArgumentException("zipf theta must be above 0 and not 1 (as fio's), got " + theta);
    }
    this.nranges = nranges;
    double z = 0;
    for (long i = 0, gen = Math.min(nranges, MAX_GEN); i < gen; i++) {
      z += Math.pow(1.0 / (i + 1), theta);
    }
    this.zetan = z;
    this.zeta2 = 1.0 + Math.pow(0.5, theta);
    this.alpha = 1.0 / (1.0 - theta);
    this.eta = (1.0 - Math.pow(2.0 / nranges, 1.0 - theta)) / (1.0 - zeta2 / zetan);
    int bits = Math.max(1, 64 - Long.numberOfLeadingZeros(nranges - 1));
    this.mask = bits == 64 ? -1L : (1L << bits) - 1;
    this.shift = Math.max(1, bits / 2);
    this.mul = random.nextLong() | 1; // odd: a bijection modulo 2^bits
    this.add = random.nextLong();
  }

  /** The next range, 0..nranges-1 ({@code zipf_next()}). */
  long next(SplittableRandom random) {
    double u = random.nextDouble();
    double z = u * zetan;
    long val;
    if (z < 1.0) {
      val = 1;
    } else if (z < zeta2) {
      val = 2;
    } else {
      val = 1 + (long) (nranges * Math.pow(eta * u - eta + 1.0, alpha));
    }
    return scatter(Math.min(val, nranges) - 1);
  }

  /** The rank's range: a bijection on [0, nranges), by cycle-walking one on [0, 2^bits). */
  long scatter(long rank) {
    long x = rank;
    do {
      x = (x * mul + add) & mask;
      x ^= x >>> shift;
    } while (Long.compareUnsigned(x, nranges) >= 0);
    return x;
  }
}
