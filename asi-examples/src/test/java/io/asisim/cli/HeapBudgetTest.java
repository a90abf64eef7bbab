package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --memory} larger than the heap can hold is a one-line error (exit 2) saying how much heap
 * it needs and how to give it, before anything is allocated (README, "--memory and the Java heap"):
 * in-process with an injected maximum heap, and end to end in a forked JVM with a small
 * {@code -Xmx}, where the same run with a machine that fits completes.
 */
class HeapBudgetTest {
  private static final String[] SHORT = {"--workload", "alloc-stress", "--set", "workload.alloc-stress.ops=200"};

  private static String[] run(String memory, String... more) {
    List<String> a = new ArrayList<>(List.of("run", "--memory", memory));
    a.addAll(List.of(SHORT));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  @Test
  void theBootEstimateIsSixTenthsOfAByteAFramePlusTheDenseTableAndTheMeasurementsFitUnderIt() {
    // measured (G1, JDK 17): 1T boots and runs at -Xmx96m (not 64m), 4T at 224m (not 192m), 1T
    // with the unmapped pool's bitmap at 128m (not 96m)
    assertThat(HeapBudget.perMachine(1L << 40) + (HeapBudget.BASE_MIB << 20)).isGreaterThan(128L << 20);
    assertThat(HeapBudget.perMachine(4L << 40) + (HeapBudget.BASE_MIB << 20)).isGreaterThan(224L << 20);
    // a machine up to 64 GiB keeps the dense frame table: 9 bytes a frame more
    assertThat(HeapBudget.perMachine(16L << 30)).isEqualTo((4L << 20) * 6 / 10 + (4L << 20) * 9);
    assertThat(HeapBudget.perMachine(1L << 40)).isEqualTo((1L << 28) * 6 / 10 + (16L << 20) * 9);
    assertThat(HeapBudget.perMachine(1L << 30)).isEqualTo((1L << 18) * 6 / 10 + (1L << 18) * 9);
    assertThat(HeapBudget.suggestedXmx((10L << 30) + 1)).isEqualTo("12g");
  }

  @Test
  void anInjectedSmallHeapRejectsALargeMachineInOneLine() {
    System.setProperty(HeapBudget.MAX_HEAP_PROPERTY, "64M");
    try {
      Cli cli = Cli.run(run("1T"));
      assertThat(cli.code).as(cli.err).isEqualTo(2);
      assertThat(cli.out).isEmpty();
      assertThat(cli.err).isEqualTo("asi-sim: --memory 1T needs about 0.3 GiB of Java heap to boot (0.6 bytes per "
          + "4 KiB frame, 9.6 up to 64 GiB), but this JVM may use only 0.1 GiB; give it more with "
          + "ASI_SIM_JAVA_OPTS=-Xmx2g (the launcher's default is -Xmx8g), or simulate less memory\n");
      // compare: the machines that run at once count together, and --threads 1 is offered
      Cli cmp = Cli.run("compare", "--memory", "256G", "--mapper", "exit,ephmap", "--threads", "4", "--workload",
          "alloc-stress", "--set", "workload.alloc-stress.ops=200");
      assertThat(cmp.code).as(cmp.err).isEqualTo(2);
      assertThat(cmp.err).startsWith("asi-sim: 4 machines at once (up to --memory 256G each) needs about 0.8 GiB")
          .contains("or run fewer at once with --threads 1").hasLineCount(1);
      // what fits runs
      assertThat(Cli.run(run("512M")).code).isZero();
    } finally {
      System.clearProperty(HeapBudget.MAX_HEAP_PROPERTY);
    }
  }

  @Test
  void aForkedJvmWithASmallHeapGetsTheErrorNotAnOutOfMemoryError() throws IOException, InterruptedException {
    Proc tooBig = fork("-Xmx64m", run("1T"));
    assertThat(tooBig.code).as(tooBig.err).isEqualTo(2);
    assertThat(tooBig.out).isEmpty();
    assertThat(tooBig.err).matches("asi-sim: --memory 1T needs about 0\\.3 GiB of Java heap to boot \\(0\\.6 bytes "
        + "per 4 KiB frame, 9\\.6 up to 64 GiB\\), but this JVM may use only 0\\.1 GiB; give it more with "
        + "ASI_SIM_JAVA_OPTS=-Xmx2g .*\n")
        .doesNotContain("OutOfMemoryError");
    Proc fits = fork("-Xmx64m", run("1G", "--format", "json"));
    assertThat(fits.code).as(fits.err).isZero();
    assertThat(fits.out).as("stdout is the JSON alone (no logging framework's status lines)").startsWith("{")
        .contains("\"metrics\"");
    assertThat(fits.err).as("the logging configuration parses").doesNotContain("logback").doesNotContain("SLF4J");
  }

  /**
   * A machine that boots in the heap but whose run splits more pageblocks than the heap holds
   * (order-0 allocations until 128G is full: 32M frames, 9 bytes each once split) ends with one
   * line, exit 2, and no output, not a stack trace.
   */
  @Test
  void aRunThatOutgrowsTheHeapAfterBootIsOneLine() throws IOException, InterruptedException {
    Proc p = fork("-Xmx216m", "run", "--memory", "128G", "--workload", "alloc-stress", "--set",
        "workload.alloc-stress.ops=40000000", "--set", "workload.alloc-stress.orders=0:1", "--format", "json");
    assertThat(p.code).as(p.err).isEqualTo(2);
    assertThat(p.out).isEmpty();
    assertThat(p.err).startsWith("asi-sim: out of Java heap part-way through a run (this JVM may use 0.2 GiB)")
        .contains("ASI_SIM_JAVA_OPTS=-Xmx2g").hasLineCount(1).doesNotContain("OutOfMemoryError");
  }

  /**
   * The other side: a 1 TiB machine boots and runs its default fio workload (a 1 GiB file in the
   * page cache, 4 jobs) and kernel-build in 512 MiB of heap (the boot estimate is 0.3 GiB; the
   * processes peak at 150-250 MB of RSS), because the frame table populates only split
   * pageblocks; the dense table of 9 bytes per frame needed 2.3 GiB.
   */
  @Test
  void aTerabyteMachineRunsInHalfAGibOfHeap() throws IOException, InterruptedException {
    Proc p = fork("-Xmx512m", "run", "--memory", "1T", "--workload", "fio-randread", "--set",
        "workload.fio-randread.ops=20000", "--format", "json");
    assertThat(p.code).as(p.err).isZero();
    assertThat(p.out).contains("\"metrics\"");
    // kernel-build holds all but its build memory in 2 MiB blocks (no pageblock split) and gets
    // its memory back where lowmem_reserve[] makes DMA32 unreachable (it did not fit at 1 TiB)
    Proc build = fork("-Xmx512m", "run", "--memory", "1T", "--workload", "kernel-build", "--set",
        "workload.kernel-build.ops=2000", "--format", "json");
    assertThat(build.code).as(build.err).isZero();
    assertThat(build.out).contains("\"metrics\"");
  }

  record Proc(int code, String out, String err) {}

  static Proc fork(String xmx, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        xmx, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("asi-sim-fork", ".err"); // a file: a full stderr pipe cannot stall the child
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the forked CLI did not finish in 120 s: " + cmd);
      }
      return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
