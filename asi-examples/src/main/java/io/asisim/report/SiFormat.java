package io.asisim.report;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;

/** Axis tick labels with SI prefixes ({@link Numbers#si}): {@code 10 M}, not {@code 1E7}. */
final class SiFormat extends NumberFormat {
  private static final long serialVersionUID = 1L;

  @Override
  public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
    return toAppendTo.append(Numbers.si(number));
  }

  @Override
  public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
    return toAppendTo.append(Numbers.si(number));
  }

  /** Never used: JFreeChart only formats tick values. */
  @Override
  public Number parse(String source, ParsePosition parsePosition) {
    throw new UnsupportedOperationException("SiFormat only formats");
  }
}
