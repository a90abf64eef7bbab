package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.fixtures.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin that throws is a one-line error naming its kind and name, exit 2, nothing
 * on stdout (docs/contracts.md, exit codes): from its factory, and from its code during a run;
 * under {@code --check} an {@link IllegalStateException} from an op stays a kernel BUG, exit 3
 * (docs/checker.md).
 */
class PluginFailureTest {
  @TempDir
  static Path tmp;
  private static ClassLoader loader;

  /**
   * {@code flush.throwing.when=create|run}; {@code run} throws {@code what} (a NullPointerException
   * or an IllegalStateException) on transient map number {@code after} + 1; until then it is
   * {@code mm-global}.
   */
  private static final String THROWING = "package throwing;\n"
      + "import io.asisim.api.plugin.*;\n"
      + "import io.asisim.api.mapper.*;\n"
      + "import java.util.List;\n"
      + "public final class ThrowingFlush implements Plugin<FlushPolicy> {\n"
      + "  public PluginKind kind() { return PluginKind.FLUSH; }\n"
      + "  public String name() { return \"throwing\"; }\n"
      + "  public String description() { return \"throws from its factory or its first transient map\"; }\n"
      + "  public List<ParamSpec> params() { return List.of(ParamSpec.choice(\"when\", \"create\", List.of(\"create\", \"run\"), \"when\"),\n"
      + "      ParamSpec.choice(\"what\", \"npe\", List.of(\"npe\", \"ise\"), \"what\"),\n"
      + "      ParamSpec.integer(\"after\", 0, 0, 1000000, \"transient maps that succeed first\")); }\n"
      + "  public FlushPolicy create(Params p, SimContext c) {\n"
      + "    if (p.getString(\"when\").equals(\"create\")) { throw new UnsupportedOperationException(\"no factory\\nsecond line\"); }\n"
      + "    boolean npe = p.getString(\"what\").equals(\"npe\");\n"
      + "    long[] left = {p.getLong(\"after\")};\n"
      + "    FlushPolicy real = c.build(PluginKind.FLUSH, \"mm-global\", FlushPolicy.class);\n"
      + "    return new FlushPolicy() {\n"
      + "      public void onTransientMap(int cpu, long mm, long va, long pfn) { if (left[0]-- <= 0) { fail(npe); } real.onTransientMap(cpu, mm, va, pfn); }\n"
      + "      public void onTransientUnmap(int cpu, long mm, long va, long pfn) { real.onTransientUnmap(cpu, mm, va, pfn); }\n"
      + "      public void beforeReuse(int cpu, long mm, long va) { real.beforeReuse(cpu, mm, va); }\n"
      + "      public void onAccessLost(int cpu, long mm, long pfn) { real.onAccessLost(cpu, mm, pfn); }\n"
      + "      public void onMmExit(int cpu, long mm) { real.onMmExit(cpu, mm); }\n"
      + "      public void onLocalFullFlush(int cpu) { real.onLocalFullFlush(cpu); }\n"
      + "      public void onGlobalFlush(int cpu, long start, long pages) { real.onGlobalFlush(cpu, start, pages); }\n"
      + "      public void forEachPending(AliasVisitor v) { real.forEachPending(v); }\n"
      + "    };\n"
      + "  }\n"
      + "  static void fail(boolean npe) {\n"
      + "    if (npe) { String s = null; s.length(); }\n"
      + "    throw new IllegalStateException(\"slot table corrupt\");\n"
      + "  }\n"
      + "}\n";

  private static final String[] FIO = {"run", "--workload", "fio-randread", "--mapper", "ephmap", "--flush", "throwing",
      "--cpus", "2", "--memory", "128M", "--set", "workload.fio-randread.file-size=256K",
      "--set", "workload.fio-randread.ops=50"};

  @BeforeAll
  static void setUp() throws IOException {
    Path jar = PluginJars.build(Files.createDirectories(tmp.resolve("throwing")), "throwing.ThrowingFlush", THROWING);
    loader = TestLoaders.loader(jar);
  }

  private static String[] with(String... more) {
    String[] a = java.util.Arrays.copyOf(FIO, FIO.length + more.length);
    System.arraycopy(more, 0, a, FIO.length, more.length);
    return a;
  }

  @Test
  void aFactoryThatThrowsIsOneLineNamingThePlugin() {
    Cli cli = Cli.run(loader, with("--set", "flush.throwing.when=create"));
    assertThat(cli.code).as(cli.err).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).isEqualTo("asi-sim: flush plugin 'throwing' failed to start: "
        + "UnsupportedOperationException: no factory second line\n");
  }

  @Test
  void aPluginThatThrowsDuringTheRunIsOneLineNamingThePluginAndTheOp() {
    // fio lays its file out at set-up through the mapper's aliases: 100 maps get past it (as below)
    Cli cli = Cli.run(loader, with("--set", "flush.throwing.when=run", "--set", "flush.throwing.after=100"));
    assertThat(cli.code).as(cli.err).isEqualTo(2);
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).matches("asi-sim: flush plugin 'throwing' failed during op \\d+: "
        + "NullPointerException: .*\\(--verbose logs the stack trace\\)\n");
  }

  @Test
  void underCheckAnIllegalStateFromAnOpStaysAKernelBug() {
    String[] ise = {"--set", "flush.throwing.when=run", "--set", "flush.throwing.what=ise", "--set",
        "flush.throwing.after=100"};
    Cli plain = Cli.run(loader, with(ise));
    assertThat(plain.code).as(plain.err).isEqualTo(2);
    assertThat(plain.err).matches("asi-sim: flush plugin 'throwing' failed during op \\d+: "
        + "IllegalStateException: slot table corrupt \\(--verbose logs the stack trace\\)\n");
    String[] checked = java.util.Arrays.copyOf(ise, ise.length + 1);
    checked[ise.length] = "--check";
    Cli check = Cli.run(loader, with(checked));
    assertThat(check.code).as(check.err).isEqualTo(3);
    assertThat(check.out).isEmpty();
    assertThat(check.err).matches("asi-sim: invariant violated: kernel BUG: slot table corrupt \\(during op \\d+, "
        + "sim time \\d+ ns\\)\n");
  }

  @Test
  void aPluginFailingInWorkloadSetUpIsNotBlamedOnTheWorkload() {
    Cli cli = Cli.run(loader, with("--set", "flush.throwing.when=run", "--set", "flush.throwing.what=ise"));
    assertThat(cli.code).as(cli.err).isEqualTo(2);
    assertThat(cli.err).isEqualTo("asi-sim: flush plugin 'throwing' failed in workload set-up: "
        + "IllegalStateException: slot table corrupt (--verbose logs the stack trace)\n");
  }
}
