package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The launch instant behind {@code run}'s "first op N s after launch". */
class StartTimeTest {
  @AfterEach
  void clear() {
    System.clearProperty("asisim.launch");
  }

  @Test
  void theLaunchersEpochRealtimeIsReadToTheMicrosecond() {
    System.setProperty("asisim.launch", "1764892800.123456");
    assertThat(StartTime.launch()).isEqualTo(Instant.ofEpochSecond(1764892800L, 123_456_000L));
  }

  @Test
  void withoutTheLauncherTheProcessStartIsUsed() {
    System.setProperty("asisim.launch", "1764892800,123456"); // a decimal comma: not the launcher's format
    Instant process = ProcessHandle.current().info().startInstant().orElseThrow();
    assertThat(StartTime.launch()).isEqualTo(process);
    System.clearProperty("asisim.launch");
    assertThat(StartTime.launch()).isEqualTo(process);
  }

  @Test
  void aFirstOpSecondsAfterTheLaunchIsThatManySeconds() {
    Instant launch = Instant.now().minusSeconds(5);
    System.setProperty("asisim.launch", launch.getEpochSecond() + "." + String.format("%06d", launch.getNano() / 1000));
    double s = StartTime.secondsSinceLaunch(System.nanoTime() - 2_000_000_000L);
    assertThat(s).isBetween(2.9, 3.5); // 5 s ago launched, first op 2 s ago
    assertThat(StartTime.secondsSinceLaunch(0)).isEqualTo(-1);
  }
}
