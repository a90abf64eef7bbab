package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.report.PluginsReport;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** What a terminal gets that pipes do not: tables wrapped to its width, a progress bar with an ETA. */
@Isolated // sets system properties and System.err
class TerminalOutputTest {
  private static String plugins(int columns) {
    StringWriter sw = new StringWriter();
    PluginsReport.table(PluginRegistry.discover(), new PrintWriter(sw, true), columns);
    return sw.toString();
  }

  @Test
  void thePluginsTableWrapsToTheTerminalWidthAndKeepsEveryWord() {
    String whole = plugins(0);
    assertThat(whole.lines().mapToInt(String::length).max().getAsInt()).as("unwrapped").isGreaterThan(100);
    String wrapped = plugins(100);
    assertThat(wrapped.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));
    assertThat(words(wrapped)).containsExactly(words(whole));
    assertThat(wrapped.lines()).allSatisfy(l -> assertThat(l).doesNotEndWith(" "));
    // through the CLI: the launcher passes the width it found (COLUMNS, or the terminal's)
    String saved = System.getProperty("asisim.columns");
    System.setProperty("asisim.columns", "100");
    try {
      assertThat(Cli.run("plugins").out).isEqualTo(wrapped);
    } finally {
      restore("asisim.columns", saved);
    }
  }

  @Test
  void aComparisonOnATerminalShowsOpsDoneAndTheRemainingTime() {
    String saved = System.getProperty("asisim.progress");
    PrintStream err = System.err;
    ByteArrayOutputStream bar = new ByteArrayOutputStream();
    System.setProperty("asisim.progress", "true");
    System.setErr(new PrintStream(bar, true, StandardCharsets.UTF_8));
    Cli cli;
    try {
      cli = Cli.run("compare", "--workload", "alloc-stress", "--memory", "256M", "--samples", "2",
          "--set", "workload.alloc-stress.ops=400", "--format", "csv");
    } finally {
      System.setErr(err);
      restore("asisim.progress", saved);
    }
    assertThat(cli.code).as(cli.err).isZero();
    // two samples of the variant and two of its baseline: 4 x 400 ops, "(elapsed / remaining)"
    assertThat(bar.toString(StandardCharsets.UTF_8)).containsPattern("100% \\[=+\\] 1600/1600 ops \\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\) 4/4 runs");
  }

  /** The words of a table, without its header rule (its width is the one thing wrapping changes). */
  private static String[] words(String table) {
    return table.lines().skip(2).flatMap(l -> java.util.Arrays.stream(l.trim().split("\\s+"))).toArray(String[]::new);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
