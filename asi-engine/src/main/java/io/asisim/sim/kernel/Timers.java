package io.asisim.sim.kernel;

import java.util.function.IntConsumer;

/**
 * The few kernel timers the model arms (kernel/time/timer.c): {@code add_timer()},
 * {@code mod_timer()} and {@code del_timer()} with an expiry in simulated cycles, and
 * {@code run_timer_softirq()} from the scheduler's tick path at a user-mode boundary, on the first
 * CPU whose clock has passed the expiry (each CPU keeps its own clock: a timer armed at one CPU's
 * "now" fires on whichever CPU gets there first, which stands for the timer wheel of the CPU that
 * armed it). A callback runs with its timer disarmed and may re-arm it; a timer due while another
 * one's callback runs waits for the next boundary. Allocates nothing once the timers are added.
 */
final class Timers {
  /** The expiry of a timer that is not armed. */
  static final long NONE = Long.MAX_VALUE;

  private IntConsumer[] fns = new IntConsumer[4];
  private long[] expires = new long[4];
  private int n;
  private long next = NONE;
  private boolean running;

  /** A new, disarmed timer that will call {@code fn} with the CPU it fires on; its id. */
  int add(IntConsumer fn) {
    if (n == fns.length) {
      fns = java.util.Arrays.copyOf(fns, 2 * n);
      expires = java.util.Arrays.copyOf(expires, 2 * n);
    }
    fns[n] = fn;
    expires[n] = NONE;
    return n++;
  }

  /** {@code mod_timer()}: timer {@code id} fires once a CPU's clock reaches {@code at} cycles. */
  void mod(int id, long at) {
    expires[id] = at;
    next = Math.min(next, at);
  }

  /** {@code del_timer()}. */
  void del(int id) {
    expires[id] = NONE;
    recompute();
  }

  /** The expiry of timer {@code id} ({@link #NONE}: not armed). */
  long expires(int id) {
    return expires[id];
  }

  /** Runs every timer due at {@code now} on {@code cpu}. */
  void run(int cpu, long now) {
    if (now < next || running) {
      return;
    }
    running = true;
    try {
      for (int i = 0; i < n; i++) {
        if (expires[i] <= now) {
          expires[i] = NONE;
          fns[i].accept(cpu);
        }
      }
    } finally {
      running = false;
      recompute();
    }
  }

  private void recompute() {
    long m = NONE;
    for (int i = 0; i < n; i++) {
      m = Math.min(m, expires[i]);
    }
    next = m;
  }
}
