package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad invocations: exit 2, exactly one line on stderr saying what and what is valid, nothing on stdout. */
class CliErrorsTest {
  private static final String WORKLOADS = PluginRegistry.discover().validNames(PluginKind.WORKLOAD);

  @Test
  void unknownWorkloadListsTheValidOnes() {
    Cli cli = Cli.run("run", "--workload", "no-such-thing");
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).isEqualTo("asi-sim: --workload: unknown workload 'no-such-thing' (valid: " + WORKLOADS + ")\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "run --mapper nope|--mapper: unknown mapper 'nope' (valid: ",
      "run --asi maybe|--asi 'maybe': valid values are on, off",
      "run --cpus 0|--cpus '0': must be an integer 1..256",
      "run --memory 3G7|--memory '3G7' is not a size (e.g. 4096, 64K, 2M, 16G)",
      "run --memory 65M|--memory '65M': must be a multiple of 2M from 64M to 4T",
      "run --allocator buddy,unmapped-pool|--allocator 'buddy,unmapped-pool': run takes one value (compare takes comma lists)",
      "run --set nonsense|--set 'nonsense': expected <kind>.<name>.<param>=<value>",
      "run --set gadget.x.y=1|--set gadget.x.y: unknown plugin kind 'gadget' (valid: allocator, mapper, flush, context-switch, sensitivity, cpu-profile, workload, trace-format, machine)",
      "run --set mapper.nope.slots=1|--set mapper.nope.slots: unknown mapper 'nope' (valid: ",
      "run --format csv|--format csv: run supports table, json",
      "compare --samples 0|--samples 0: must be 1..1000",
      "run --check --check-every 0|--check-every 0: must be >= 1",
  })
  void badInputIsOneLineAndExit2(String args, String message) {
    Cli cli = Cli.run(args.split(" "));
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).startsWith("asi-sim: " + message).endsWith("\n");
    assertThat(cli.err.strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void unknownOptionIsOneLine() {
    Cli cli = Cli.run("run", "--frobnicate");
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.err.strip()).isEqualTo("asi-sim: Unknown option: '--frobnicate' (see 'asi-sim run --help')");
  }
}
