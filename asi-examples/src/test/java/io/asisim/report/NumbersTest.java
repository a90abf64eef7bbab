package io.asisim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** SI axis numbers, and when an axis goes logarithmic. */
class NumbersTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"0|0", "7|7", "0.25|0.25", "999|999", "999.6|1 k", "1500|1.5 k",
      "10000000|10 M", "12345678|12.3 M", "2500000000|2.5 G", "-40000|-40 k", "0.000123456|0.000123"})
  void siPrefixes(double v, String text) {
    assertThat(Numbers.si(v)).isEqualTo(text);
    assertThat(new SiFormat().format(v)).isEqualTo(text);
  }

  @Test
  void logAxisOnlyPastTwoDecadesWithZeroAtATenthOfTheSmallest() {
    assertThat(Charts.logFloor(List.of(new double[] {1, 1000}, new double[] {2, 50_000}), 1)).isNaN(); // 50x
    assertThat(Charts.logFloor(List.of(new double[] {1, 1000}, new double[] {2, 11_000_000}), 1)).isEqualTo(100);
    assertThat(Charts.logFloor(List.of(new double[] {1, 0}, new double[] {2, 200}, new double[] {3, 30_000}), 1))
        .isEqualTo(20);
    assertThat(Charts.logFloor(List.of(new double[] {1, 0}, new double[] {2, 0}), 1)).isNaN();
  }
}
