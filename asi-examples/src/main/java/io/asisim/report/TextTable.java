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
