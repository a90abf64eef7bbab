package io.asisim.sim.util;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one home of the simulator's worker pools: a fixed pool of daemon threads (a JVM whose main
 * thread is done does not wait for them), and the result of a task as the task itself threw it.
 */
public final class Workers {
  private static final AtomicInteger IDS = new AtomicInteger();

  private Workers() {}

  /** A pool of {@code threads} daemon threads named {@code name-N}; the caller shuts it down. */
  public static ExecutorService pool(String name, int threads) {
    return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, name + "-" + IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The result of {@code f}, waiting for it: what the task threw is thrown as it was (a runtime
   * exception or an error; a checked one wrapped), an interrupt keeps the thread's flag.
   *
   * @param what what is awaited, for the message of an interrupt
   */
  public static <T> T join(Future<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }
}
