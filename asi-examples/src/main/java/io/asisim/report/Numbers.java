package io.asisim.report;

import java.util.Locale;

/** Number formatting shared by the reports; locale-independent so output is byte-stable. */
public final class Numbers {
  private Numbers() {}

  /** An integer without grouping, or a non-integral value with 2 decimals. */
  public static String format(double v, boolean integral) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (integral || (v == Math.rint(v) && Math.abs(v) < 1e15)) {
      return Long.toString(Math.round(v));
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A relative change as a signed percentage, e.g. {@code +12.5%}. */
  public static String percent(double rel) {
    if (Double.isNaN(rel)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%+.1f%%", rel * 100);
  }
}
