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

  private static final String[] SI_PREFIXES = {"", " k", " M", " G", " T", " P", " E"};

  /**
   * {@code v} with an SI prefix and at most three significant digits, e.g. {@code 10 M} for 1e7,
   * {@code 1.5 k}, {@code 0.25}: chart axes print this rather than {@code 1E7}.
   */
  public static String si(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    int p = 0;
    while (a >= 999.5 && p < SI_PREFIXES.length - 1) {
      a /= 1000;
      p++;
    }
    java.math.BigDecimal d = new java.math.BigDecimal(a).round(new java.math.MathContext(3));
    String digits = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    return (v < 0 && d.signum() != 0 ? "-" : "") + digits + SI_PREFIXES[p];
  }
}
