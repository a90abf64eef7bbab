package io.asisim.report;

import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The fragmentation time series of {@code pagetypeinfo --series} as a line chart: free pageblocks
 * per zone, migratetype and sensitivity on the left axis (series that stay at 0 are left out), each
 * zone's {@code unusable_index} at the pageblock order on the right, against the ops done.
 */
public final class SeriesChart {
  private static final String UNUSABLE = "unusable_index.";

  private SeriesChart() {}

  /** The chart of columns {@code names} sampled at {@code ops} ({@code rows.get(i)} at {@code ops.get(i)}). */
  public static RenderedChart draw(List<String> names, List<Long> ops, List<long[]> rows, String title) {
    return draw(names, ops, rows, title, "fragmentation");
  }

  /**
   * The same, as file {@code stem}: its SVG ids are prefixed by the stem, so that several of these
   * charts can share one page (the showcase's report has one per allocator strategy).
   */
  public static RenderedChart draw(List<String> names, List<Long> ops, List<long[]> rows, String title, String stem) {
    XYSeriesCollection blocks = new XYSeriesCollection();
    XYSeriesCollection unusable = new XYSeriesCollection();
    for (int c = 0; c < names.size(); c++) {
      boolean index = names.get(c).startsWith(UNUSABLE);
      XYSeries s = new XYSeries(names.get(c).replace("free_pageblocks.", ""), false, true);
      boolean nonzero = false;
      for (int i = 0; i < rows.size(); i++) {
        long v = rows.get(i)[c];
        nonzero |= v != 0;
        s.add(ops.get(i).doubleValue(), index ? v / 1000.0 : v);
      }
      if (index) {
        unusable.addSeries(s);
      } else if (nonzero) {
        blocks.addSeries(s);
      }
    }
    XYPlot plot = new XYPlot(blocks, new NumberAxis("ops"), new NumberAxis("free pageblocks"), lines());
    plot.setDataset(1, unusable);
    NumberAxis right = new NumberAxis("unusable index at order 9");
    right.setRange(0, 1);
    plot.setRangeAxis(1, right);
    plot.mapDatasetToRangeAxis(1, 1);
    plot.setRenderer(1, lines());
    JFreeChart chart = new JFreeChart("Fragmentation over the run", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.addSubtitle(new TextTitle(title));
    return RenderedChart.draw(chart, stem, title, 900, 560);
  }

  /**
   * Lines without shapes, each series one SVG path: drawn segment by segment, each of ~200 points
   * is a {@code <line>} with its own style, about half a megabyte per chart, too much to inline
   * several in one report.
   */
  private static XYLineAndShapeRenderer lines() {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setDrawSeriesLineAsPath(true);
    return r;
  }
}
