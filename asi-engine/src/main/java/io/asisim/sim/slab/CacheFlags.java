package io.asisim.sim.slab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The creation flags a trace does not show: whether a cache named in a trace was created with
 * {@code SLAB_RECLAIM_ACCOUNT} or {@code SLAB_CACHE_DMA}. From the caches of a real Linux 6.18 machine
 * ({@code /sys/kernel/slab/NAME/reclaim_account} and {@code cache_dma}, aliases included: resource
 * {@code linux-6.18-caches.tsv}); a name it lacks is taken by the kmalloc naming rule
 * ({@code kmalloc-rcl-N} reclaimable, {@code dma-kmalloc-N} DMA), else neither.
 */
public final class CacheFlags {
  private static final String RESOURCE = "linux-6.18-caches.tsv";
  private final Map<String, Integer> flags;

  private CacheFlags(Map<String, Integer> flags) {
    this.flags = flags;
  }

  /** The table of the measured kernel, read once. */
  public static CacheFlags linux618() {
    return Linux618.TABLE;
  }

  /** Holder: the resource is parsed on first use, once per JVM. */
  private static final class Linux618 {
    static final CacheFlags TABLE = load();
  }

  private static CacheFlags load() {
    Map<String, Integer> m = new HashMap<>();
    try (InputStream in = CacheFlags.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        m.put(f[0], (f[1].equals("1") ? 1 : 0) | (f[2].equals("1") ? 2 : 0));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CacheFlags(m);
  }

  /** Whether cache {@code name} was created with {@code SLAB_RECLAIM_ACCOUNT}. */
  public boolean reclaimable(String name) {
    Integer f = flags.get(name);
    return f != null ? (f & 1) != 0 : name.startsWith("kmalloc-rcl-");
  }

  /** Whether cache {@code name} was created with {@code SLAB_CACHE_DMA}. */
  public boolean dma(String name) {
    Integer f = flags.get(name);
    return f != null ? (f & 2) != 0 : name.startsWith("dma-kmalloc-");
  }
}
