package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
      "compare --asi off --mapper exit,ephmap|compare --asi off: nothing to compare; every comparison runs its --asi off baseline itself",
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

  /** Every command, the top level (empty) and each subcommand, found from the command line itself. */
  static java.util.stream.Stream<String> commands() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(""),
        Main.commandLine().getSubcommands().keySet().stream());
  }

  /** picocli reports a bad format string in a description on System.err (an unescaped '%' did). */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("commands")
  void helpPrintsNoPicocliWarning(String command) {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Cli cli;
    try {
      cli = command.isEmpty() ? Cli.run("--help") : Cli.run(command, "--help");
    } finally {
      System.setErr(saved);
    }
    assertThat(cli.code).isZero();
    assertThat(cli.out).contains("Usage:");
    assertThat(captured.toString(StandardCharsets.UTF_8)).as(command + " --help").doesNotContain("WARN");
  }

  @Test
  void checkEveryWithoutCheckIsAOneLineWarning() {
    Cli cli = Cli.run("run", "--workload", "fio-randread", "--check-every", "10", "--memory", "256M",
        "--set", "workload.fio-randread.ops=100", "--set", "workload.fio-randread.file-size=1M");
    assertThat(cli.code).isZero();
    assertThat(cli.err).startsWith("asi-sim: warning: --check-every has no effect without --check\n");
    Cli checked = Cli.run("run", "--workload", "fio-randread", "--check", "--check-every", "10", "--memory", "256M",
        "--set", "workload.fio-randread.ops=100", "--set", "workload.fio-randread.file-size=1M");
    assertThat(checked.err).doesNotContain("warning");
  }

  /** pagetypeinfo runs the checker only with a workload: after boot alone --check would do nothing. */
  @Test
  void pagetypeinfoCheckWithoutAWorkloadIsAOneLineWarning() {
    Cli cli = Cli.run("pagetypeinfo", "--check", "--memory", "256M");
    assertThat(cli.code).isZero();
    assertThat(cli.err).isEqualTo("asi-sim: warning: --check has no effect without --workload "
        + "(pagetypeinfo then prints the state right after boot)\n");
    assertThat(cli.out).startsWith("Page block order:");
    Cli withWorkload = Cli.run("pagetypeinfo", "--check", "--memory", "256M", "--workload", "alloc-stress",
        "--set", "workload.alloc-stress.ops=200");
    assertThat(withWorkload.code).isZero();
    assertThat(withWorkload.err).doesNotContain("warning");
  }
}
