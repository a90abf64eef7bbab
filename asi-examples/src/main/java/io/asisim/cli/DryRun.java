package io.asisim.cli;

import io.asisim.report.RunSpecs;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.config.VariantConfig;
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

  /** How many of the runs {@code store} holds already (they would be read, not run). */
  static String stored(Comparison comparison, List<Showcase.Section> sections, ResultStore store) {
    long all = 0;
    long held = 0;
    for (Showcase.Section s : sections) {
      for (VariantConfig run : comparison.runs(new Comparison.Request(s.title(), s.variants(), s.samples()))) {
        all++;
        held += store.holds(RunSpecs.key(run)) ? 1 : 0;
      }
    }
    return String.format(Locale.ROOT, "results %s: %d of %d runs stored (read, not run), %d to run%n", store.dir(),
        held, all, all - held);
  }
}
