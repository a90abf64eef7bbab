package io.asisim.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text or Markdown table with right-aligned numeric columns. */
public final class TextTable {
  private final List<String> header;
  private final boolean[] numeric;
  private final List<List<String>> rows = new ArrayList<>();

  /** Columns named {@code header}; a column whose name starts with {@code >} is right-aligned. */
  public TextTable(String... header) {
    this.header = new ArrayList<>();
    this.numeric = new boolean[header.length];
    for (int i = 0; i < header.length; i++) {
      numeric[i] = header[i].startsWith(">");
      this.header.add(numeric[i] ? header[i].substring(1) : header[i]);
    }
  }

  /** Adds a row; it must have one cell per column. */
  public TextTable row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
    }
    rows.add(List.of(cells));
    return this;
  }

  private int[] widths() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    return w;
  }

  /** Prints as an aligned text table with a rule under the header. */
  public void printText(PrintWriter out) {
    int[] w = widths();
    line(out, header, w, "", "  ", "");
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
    }
    out.println(rule);
    for (List<String> r : rows) {
      line(out, r, w, "", "  ", "");
    }
  }

  /** Prints in {@code style}: Markdown, the boxed tables of the lists, or aligned text. */
  public void print(CompareReport.Style style, PrintWriter out) {
    switch (style) {
      case MARKDOWN -> printMarkdown(out);
      case LKML -> printBoxed(out);
      default -> printText(out);
    }
  }

  /**
   * Prints as a boxed table, {@code +---+} rules above and below the header and at the end, as
   * benchmark results are posted on the kernel mailing lists.
   */
  public void printBoxed(PrintWriter out) {
    int[] w = widths();
    StringBuilder rule = new StringBuilder("+");
    for (int x : w) {
      rule.append("-".repeat(x + 2)).append('+');
    }
    out.println(rule);
    boxedLine(out, header, w);
    out.println(rule);
    for (List<String> r : rows) {
      boxedLine(out, r, w);
    }
    out.println(rule);
  }

  private void boxedLine(PrintWriter out, List<String> cells, int[] w) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      String pad = " ".repeat(w[i] - c.length());
      sb.append(' ').append(numeric[i] ? pad + c : c + pad).append(" |");
    }
    out.println(sb);
  }

  /**
   * Prints as {@link #printText(PrintWriter)} does, the last column's words wrapped so that lines fit
   * in {@code maxWidth} characters (a terminal's width); {@code maxWidth <= 0} does not wrap. The
   * last column keeps at least {@value #MIN_WRAPPED} characters, so very narrow terminals still get
   * readable text.
   */
  public void printText(PrintWriter out, int maxWidth) {
    int last = header.size() - 1;
    int[] w = widths();
    int before = 0;
    for (int i = 0; i < last; i++) {
      before += w[i] + 2;
    }
    int room = Math.max(MIN_WRAPPED, maxWidth - before);
    if (maxWidth <= 0 || w[last] <= room) {
      printText(out);
      return;
    }
    TextTable wrapped = new TextTable(header.toArray(String[]::new));
    System.arraycopy(numeric, 0, wrapped.numeric, 0, numeric.length);
    for (List<String> r : rows) {
      String cell = r.get(last);
      String lead = cell.substring(0, cell.length() - cell.stripLeading().length());
      // continuation lines are indented two more than the cell, so wrap the text that much narrower
      String[] lines = org.apache.commons.text.WordUtils.wrap(cell.stripLeading(),
          Math.max(1, room - lead.length() - 2), "\n", true).split("\n", -1);
      String[] cells = r.toArray(String[]::new);
      cells[last] = lead + lines[0].stripTrailing(); // a break at a double space leaves one behind
      wrapped.row(cells);
      for (int l = 1; l < lines.length; l++) {
        String[] more = new String[cells.length];
        java.util.Arrays.fill(more, "");
        more[last] = lead + "  " + lines[l].stripTrailing();
        wrapped.row(more);
      }
    }
    wrapped.printText(out);
  }

  /** The narrowest a wrapped last column gets. */
  private static final int MIN_WRAPPED = 24;

  /** Prints as a GitHub-flavoured Markdown table. */
  public void printMarkdown(PrintWriter out) {
    int[] w = widths();
    line(out, header, w, "| ", " | ", " |");
    StringBuilder rule = new StringBuilder("|");
    for (int i = 0; i < w.length; i++) {
      rule.append(numeric[i] ? " " + "-".repeat(Math.max(1, w[i] - 1)) + ": |" : " " + "-".repeat(w[i]) + " |");
    }
    out.println(rule);
    for (List<String> r : rows) {
      line(out, r, w, "| ", " | ", " |");
    }
  }

  private void line(PrintWriter out, List<String> cells, int[] w, String open, String sep, String close) {
    StringBuilder sb = new StringBuilder(open);
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(sep);
      }
      String c = cells.get(i);
      String pad = " ".repeat(w[i] - c.length());
      sb.append(numeric[i] ? pad + c : (i == cells.size() - 1 && close.isEmpty() ? c : c + pad));
    }
    sb.append(close);
    out.println(sb);
  }
}
