package io.asisim.sim.wiring;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Derives independent, reproducible random streams from a run seed and a stream name. */
public final class Seeds {
  private Seeds() {}

  /** The generator for {@code stream} under {@code seed}; stable across JVMs and runs. */
  public static SplittableRandom stream(long seed, String stream) {
    // FNV-1a over the UTF-8 name: specified here, so it cannot change with the JDK
    long h = 0xcbf29ce484222325L;
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return new SplittableRandom(seed ^ h);
  }
}
