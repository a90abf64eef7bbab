package io.asisim.report;

import java.awt.Color;
import java.awt.Rectangle;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * One chart of a comparison, drawn as SVG: inlined in {@code report.html} and written as
 * {@code <stem>.svg} (any browser opens it; no PNG copies, which only doubled the files).
 *
 * @param stem the file name without extension, e.g. {@code mappers-fio-randread-cycles-per-op}
 * @param title what the chart shows, for the report's caption
 * @param svg the {@code <svg>} element, with a viewBox and ids prefixed by the stem (so several
 *     charts can share one page)
 */
public record RenderedChart(String stem, String title, String svg) {
  /** The file this chart is written as. */
  public String fileName() {
    return stem + ".svg";
  }

  /**
   * {@code chart} drawn with the legend below the plot. JFreeChart's default fonts are the logical
   * SansSerif, which JFreeSVG names {@code sans-serif}: the same font (DejaVu Sans on Debian) for
   * Java's text metrics and the browser, so labels measured to fit do fit.
   */
  static RenderedChart draw(JFreeChart chart, String stem, String title, int width, int height) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(8, 8, 8, 16)); // room for the last tick label at the right edge
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM); // below the plot: it never covers a bar or a point
      legend.setFrame(BlockBorder.NONE);
    }
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    g.setDefsKeyPrefix(stem + "-"); // deterministic, and unique among the charts of one page
    chart.draw(g, new Rectangle(0, 0, width, height));
    String svg = g.getSVGElement(stem, true, new ViewBox(0, 0, width, height), null, null);
    return new RenderedChart(stem, title, svg);
  }

  /** A file-name part: lower case, runs of anything but letters, digits and dots as one dash. */
  public static String slug(String s) {
    String x = s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
    return x.replaceAll("^-+|-+$", "");
  }
}
