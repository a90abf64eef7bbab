package io.asisim.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A fragmentation time series of one run, as {@code pagetypeinfo --series} samples it
 * ({@code io.asisim.pagealloc.FragSeries}): one text form ({@link #csv}) shared by that command
 * and the showcase's report, so a report's CSV can be checked against the command's output.
 *
 * @param names the columns after {@code ops}, in order
 * @param ops the ops done at each sample, increasing
 * @param rows per sample, the values of {@code names}
 */
public record FragTimeSeries(List<String> names, List<Long> ops, List<long[]> rows) {
  public FragTimeSeries {
    names = List.copyOf(names);
    ops = List.copyOf(ops);
    List<long[]> copy = new ArrayList<>();
    for (long[] r : rows) {
      if (r.length != names.size()) {
        throw new IllegalArgumentException("a sample of " + r.length + " values for " + names.size() + " columns");
      }
      copy.add(r.clone());
    }
    rows = List.copyOf(copy);
    if (ops.size() != rows.size()) {
      throw new IllegalArgumentException(ops.size() + " sample points for " + rows.size() + " samples");
    }
  }

  /** The CSV: a header {@code ops,<names>}, then one line per sample; integers only, so byte-stable. */
  public String csv() {
    StringBuilder csv = new StringBuilder("ops");
    names.forEach(n -> csv.append(',').append(n));
    csv.append('\n');
    for (int i = 0; i < rows.size(); i++) {
      csv.append(ops.get(i));
      for (long x : rows.get(i)) {
        csv.append(',').append(x);
      }
      csv.append('\n');
    }
    return csv.toString();
  }

  /** The line chart ({@link SeriesChart}) as file {@code stem}, {@code subtitle} in the SVG, {@code caption} below it. */
  public RenderedChart chart(String stem, String subtitle, String caption) {
    RenderedChart c = SeriesChart.draw(names, ops, rows, subtitle, stem);
    return new RenderedChart(c.stem(), caption, c.svg());
  }
}
