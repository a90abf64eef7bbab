package io.asisim.cli;

import io.asisim.sim.BadInputException;
import io.asisim.sim.compare.Comparison;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code compare --metrics} and {@code --reference} select, checked before anything runs: the
 * metrics every format shows ({@code null}: the format's default), and the label of the variant the
 * others are compared against ({@code null}: each its own {@code --asi off} baseline).
 *
 * @param metrics the metrics in the order given, or null
 * @param reference the reference label, or null
 */
record CompareSelection(List<String> metrics, String reference) {
  CompareSelection {
    metrics = metrics == null ? null : List.copyOf(metrics);
  }

  /**
   * Parses the options against the registry's metrics and the labels the sections' results will
   * have (a waterfall section's variants are named by its steps).
   *
   * @throws BadInputException for an unknown metric or a label no section has, listing the valid ones
   */
  static CompareSelection parse(String metricList, String reference, PluginRegistry registry, Comparison comparison,
      List<Showcase.Section> sections) {
    List<String> metrics = metricList == null ? null : io.asisim.sim.api.MetricGlossary.of(registry).parse("--metrics", metricList);
    if (reference != null) {
      Set<String> labels = new LinkedHashSet<>();
      for (Showcase.Section s : sections) {
        Comparison.Labels l = comparison.labels(new Comparison.Request(s.title(), s.variants(), s.samples()));
        labels.addAll(l.baselines());
        labels.addAll(s.isWaterfall() ? s.steps() : l.variants());
      }
      if (!labels.contains(reference)) {
        throw new BadInputException("--reference '" + reference + "': no variant has this label; labels: "
            + String.join(", ", labels));
      }
    }
    return new CompareSelection(metrics, reference);
  }

  /** {@code r} compared against the reference where it has a variant of that label (the showcase's sections differ). */
  ComparisonResult apply(ComparisonResult r) {
    if (reference == null || r.variants().stream().noneMatch(v -> v.label().equals(reference))) {
      return r;
    }
    return r.withReference(reference);
  }

  /** The selected metrics no run of {@code results} reported (they print nowhere), for a warning. */
  List<String> unreported(List<ComparisonResult> results) {
    List<String> out = new ArrayList<>();
    if (metrics != null) {
      for (String m : metrics) {
        if (results.stream().noneMatch(r -> r.metrics().containsKey(m))) {
          out.add(m);
        }
      }
    }
    return out;
  }
}
