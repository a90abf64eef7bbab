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

  /**
   * Decimals that show values of magnitude up to {@code magnitude} with about four significant
   * digits: 1 from 100 up, 2 from 1, more below (a ratio of 0.0023 must not print as 0.00).
   */
  public static int decimalsFor(double magnitude) {
    double m = Math.abs(magnitude);
    if (m == 0 || Double.isNaN(m)) {
      return 1;
    }
    if (m >= 100) {
      return 1;
    }
    if (m >= 1) {
      return 2;
    }
    return (int) Math.min(8, 3 - Math.floor(Math.log10(m)));
  }

  /**
   * The decimals one table row prints its mean, min and max with: none when all three are
   * integral, else {@link #decimalsFor} the largest. One choice per row, because rounding with the
   * same decimals keeps min <= mean <= max on the page, which formatting each cell on its own did not.
   */
  public static int rowDecimals(double mean, double min, double max) {
    if (isIntegral(mean) && isIntegral(min) && isIntegral(max)) {
      return 0;
    }
    return decimalsFor(Math.max(Math.abs(mean), Math.max(Math.abs(min), Math.abs(max))));
  }

  /** {@code v} with {@code decimals} decimals and thousands separators, e.g. {@code 12,345.6}. */
  public static String grouped(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double x = v == 0 ? 0 : v; // no "-0.0"
    return String.format(Locale.ROOT, "%,." + decimals + "f", x);
  }

  /**
   * A p-value as reports print it: three significant digits (0.0495 must not round to the 0.05 it
   * is compared with), or {@code <0.001}.
   */
  public static String pValue(double p) {
    if (Double.isNaN(p)) {
      return "";
    }
    return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3g", p);
  }

  private static boolean isIntegral(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15;
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
