package io.asisim.sim;

import java.util.Collection;
import java.util.Locale;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * "Did you mean ...?" for a misspelled name (plugin, parameter, metric, subcommand, option): the
 * closest valid name by Levenshtein distance, if it is close enough to be a typo rather than
 * another word.
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The closest of {@code valid} to {@code input} (case-insensitive), or null when none is within
   * a third of the input's length (at least 2 edits, at most 3): {@code ephmp} finds {@code
   * ephmap} and {@code comapre} finds {@code compare}, {@code foo} finds nothing among mappers.
   * Ties go to the first in {@code valid}'s order.
   */
  public static String closest(String input, Collection<String> valid) {
    String in = input.toLowerCase(Locale.ROOT);
    int threshold = Math.min(3, Math.max(2, in.length() / 3));
    LevenshteinDistance distance = new LevenshteinDistance(threshold);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String v : valid) {
      int d = distance.apply(in, v.toLowerCase(Locale.ROOT));
      if (d >= 0 && d < bestDistance && !v.equals(input)) {
        best = v;
        bestDistance = d;
      }
    }
    return best;
  }

  /** {@code "; did you mean 'NAME'?"} for the {@link #closest} name, or the empty string. */
  public static String didYouMean(String input, Collection<String> valid) {
    String c = closest(input, valid);
    return c == null ? "" : "; did you mean '" + c + "'?";
  }
}
