package io.asisim.cli;

import io.asisim.sim.compare.Comparison;
import java.util.List;
import java.util.Locale;

/**
 * {@code compare --dry-run}: what a comparison would run — per section its {@code --asi off}
 * baselines and variants by the labels the tables will print, with their seeds — and the total,
 * found exactly as the run finds them ({@link Comparison#labels}) but running nothing.
 */
final class DryRun {
  private DryRun() {}

  static String list(Comparison comparison, List<Showcase.Section> sections) {
    StringBuilder sb = new StringBuilder();
    long total = 0;
    for (Showcase.Section s : sections) {
      Comparison.Labels l = comparison.labels(new Comparison.Request(s.title(), s.variants(), s.samples()));
      long seed = s.variants().isEmpty() ? 0 : s.variants().get(0).seed();
      String seeds = s.samples() == 1 ? "seed " + seed : "seeds " + seed + ".." + (seed + s.samples() - 1);
      long runs = (long) (l.baselines().size() + l.variants().size()) * s.samples();
      total += runs;
      sb.append(String.format(Locale.ROOT, "%s: %d baseline%s and %d variant%s, %s: %d runs%n", s.title(),
          l.baselines().size(), l.baselines().size() == 1 ? "" : "s", l.variants().size(),
          l.variants().size() == 1 ? "" : "s", seeds, runs));
      for (String b : l.baselines()) {
        sb.append("  ").append(b).append(System.lineSeparator());
      }
      for (String v : l.variants()) {
        sb.append("  ").append(v).append(System.lineSeparator());
      }
    }
    if (sections.size() > 1) {
      sb.append(String.format(Locale.ROOT, "total: %d runs%n", total));
    }
    return sb.toString();
  }
}
