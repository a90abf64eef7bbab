package io.asisim.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * When this process was launched, for the start-up figure of {@code asi-sim run}'s timing line
 * ("first op N s after launch", docs/performance.md "Start-up and the fio loop"): the launcher
 * script passes its own start ({@code -Dasisim.launch=$EPOCHREALTIME}, seconds with microseconds),
 * so the figure covers the script, the JVM's start and the CLI's; without it (a plain
 * {@code java -cp ...}), the JVM process's start time from the OS ({@link ProcessHandle.Info},
 * clock-tick resolution). Host time only: never part of a deterministic output.
 */
final class StartTime {
  private StartTime() {}

  /** The launch instant, or null when neither source has one. */
  static Instant launch() {
    String p = System.getProperty("asisim.launch", "");
    int dot = p.indexOf('.');
    if (dot > 0) {
      try {
        long secs = Long.parseLong(p.substring(0, dot));
        String frac = (p.substring(dot + 1) + "000000000").substring(0, 9);
        return Instant.ofEpochSecond(secs, Long.parseLong(frac));
      } catch (NumberFormatException e) {
        // not the launcher's format (a locale's decimal comma): fall back to the OS's figure
      }
    }
    return ProcessHandle.current().info().startInstant().orElse(null);
  }

  /**
   * Seconds from the launch to the moment {@code System.nanoTime()} read {@code nanos}, or -1 when
   * either is unknown ({@code nanos} 0).
   */
  static double secondsSinceLaunch(long nanos) {
    Instant launch = launch();
    if (nanos == 0 || launch == null) {
      return -1;
    }
    Instant at = Instant.now().minusNanos(System.nanoTime() - nanos);
    return Duration.between(launch, at).toNanos() / 1e9;
  }
}
