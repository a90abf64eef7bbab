package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Surprises that are not errors are said in one line: a misspelled name gets the closest valid
 * one, and a {@code --set} that no variant uses is a warning, not silence.
 */
class CliGuidanceTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "comapre|Unmatched argument at index 0: 'comapre'; did you mean 'compare'? (see 'asi-sim --help')",
      "run --maper exit|Unknown options: '--maper', 'exit'; did you mean '--mapper'? (see 'asi-sim run --help')",
      "run --mapper ephmp|--mapper: unknown mapper 'ephmp' (valid: ephmap, exit, kmap-local, mermap, vmalloc); did you mean 'ephmap'?",
      "compare --flush mm-globl|--flush: unknown flush 'mm-globl' (valid: eager-global, local, mm-global, precise); did you mean 'mm-global'?",
      "run --set mapr.ephmap.slots=2|--set mapr.ephmap.slots: unknown plugin kind 'mapr' (valid: allocator, mapper, flush, context-switch, sensitivity, cpu-profile, workload, trace-format, machine); did you mean 'mapper'?",
      "run --set mapper.ephmp.slots=2|--set mapper.ephmp.slots: unknown mapper 'ephmp' (valid: ephmap, exit, kmap-local, mermap, vmalloc); did you mean 'ephmap'?",
      "run --set mapper.ephmap.slot=2|--set: unknown parameter 'mapper.ephmap.slot' (valid: slots); did you mean 'slots'?",
      "run --site-mapper pagecache-raed=ephmap|--site-mapper 'pagecache-raed=ephmap': unknown access site 'pagecache-raed' (valid: pagecache-read, pagecache-write, zeroing, cow, do-cow-fault, pipe, migrate); did you mean 'pagecache-read'?",
  })
  void aMisspelledNameSuggestsTheClosestValidOne(String args, String message) {
    Cli cli = Cli.run(args.split(" "));
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).isEqualTo("asi-sim: " + message + "\n");
  }

  @Test
  void aNameFarFromEveryValidOneGetsNoGuess() {
    Cli cli = Cli.run("run", "--mapper", "nope");
    assertThat(cli.err).isEqualTo("asi-sim: --mapper: unknown mapper 'nope' (valid: ephmap, exit, kmap-local, mermap, vmalloc)\n");
  }

  @Test
  void aSetForAPluginNoVariantSelectsIsAOneLineWarning() {
    Cli cli = Cli.run("run", "--workload", "alloc-stress", "--memory", "256M", "--set", "workload.alloc-stress.ops=10",
        "--set", "mapper.ephmap.slots=2");
    assertThat(cli.code).as(cli.err).isZero();
    assertThat(cli.err.lines().filter(l -> l.contains("warning"))).containsExactly(
        "asi-sim: warning: --set mapper.ephmap.slots=2 has no effect: no variant selects mapper 'ephmap' (--mapper)");
    // selected in one variant of a comparison, or as a site's mapper: used, no warning
    Cli used = Cli.run("compare", "--workload", "alloc-stress", "--memory", "256M", "--samples", "1",
        "--set", "workload.alloc-stress.ops=10", "--mapper", "exit,ephmap", "--set", "mapper.ephmap.slots=2");
    assertThat(used.code).as(used.err).isZero();
    assertThat(used.err).doesNotContain("warning");
    Cli site = Cli.run("run", "--workload", "alloc-stress", "--memory", "256M", "--set", "workload.alloc-stress.ops=10",
        "--site-mapper", "zeroing=ephmap", "--set", "mapper.ephmap.slots=2");
    assertThat(site.err).doesNotContain("warning");
  }
}
