package io.asisim.sim.trace;

import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Kind;

/** The fields of the {@code compaction:} events {@link KmemLineParser} tallies, read in place. */
final class CompactionFields {
  private static final byte[] NR_SCANNED = Chars.ascii("nr_scanned=");
  private static final byte[] NR_TAKEN = Chars.ascii("nr_taken=");
  private static final byte[] NR_MIGRATED = Chars.ascii("nr_migrated=");
  private static final byte[] NR_FAILED = Chars.ascii("nr_failed=");

  private CompactionFields() {}

  /**
   * The fields of a compaction event that are tallied: {@code nr_scanned}, {@code nr_taken} of the
   * isolate events and {@code nr_migrated}, {@code nr_failed} of {@code mm_compaction_migratepages}
   * (include/trace/events/compaction.h); OTHER, or MALFORMED when one is missing or not a number.
   */
  static Kind parse(byte[] s, int from, int end, TraceRecord out) {
    switch (out.event) {
      case MM_COMPACTION_ISOLATE_MIGRATEPAGES:
      case MM_COMPACTION_ISOLATE_FREEPAGES:
        out.nrScanned = field(s, from, end, NR_SCANNED);
        out.nrTaken = field(s, from, end, NR_TAKEN);
        if (out.nrScanned < 0 || out.nrTaken < 0) {
          return KmemLineParser.malformed(out, "missing or bad nr_scanned=/nr_taken= in " + out.event.tracepoint());
        }
        break;
      case MM_COMPACTION_MIGRATEPAGES:
        out.nrMigrated = field(s, from, end, NR_MIGRATED);
        out.nrFailed = field(s, from, end, NR_FAILED);
        if (out.nrMigrated < 0 || out.nrFailed < 0) {
          return KmemLineParser.malformed(out, "missing or bad nr_migrated=/nr_failed= in mm_compaction_migratepages");
        }
        break;
      default:
        break;
    }
    return out.kind = Kind.OTHER;
  }

  /** The decimal value of {@code key} ({@code nr_taken=}) in {@code [from, end)}, or -1. */
  private static long field(byte[] s, int from, int end, byte[] key) {
    int at = Chars.indexOf(s, from, end, key);
    if (at < 0 || at > from && !Chars.isSpace(s[at - 1]) && s[at - 1] != '(') {
      return -1;
    }
    int a = at + key.length;
    int b = a;
    while (b < end && Chars.isDigit(s[b] & 0xff)) {
      b++;
    }
    return KmemFields.decimal(s, a, b, 18);
  }

  /** Adds a parsed compaction event's fields to {@code tally} (see {@link #summary}); other events add nothing. */
  static void tally(long[] tally, TraceRecord rec) {
    switch (rec.event) {
      case MM_COMPACTION_BEGIN -> tally[0]++;
      case MM_COMPACTION_ISOLATE_MIGRATEPAGES -> {
        tally[1] += rec.nrScanned;
        tally[3] += rec.nrTaken;
      }
      case MM_COMPACTION_ISOLATE_FREEPAGES -> {
        tally[2] += rec.nrScanned;
        tally[3] += rec.nrTaken;
      }
      case MM_COMPACTION_MIGRATEPAGES -> {
        tally[4] += rec.nrMigrated;
        tally[5] += rec.nrFailed;
      }
      default -> { }
    }
  }

  /** A {@link #tally} of {@link #TALLY} longs as the summary's record. */
  static TraceSummary.Compaction summary(long[] t) {
    return new TraceSummary.Compaction(t[0], t[1], t[2], t[3], t[4], t[5]);
  }

  /** The length of a {@link #tally}: runs, migrate scanned, free scanned, isolated, migrated, failed. */
  static final int TALLY = 6;
}
