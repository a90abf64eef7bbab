package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asisim.fixtures.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check} through the CLI (exit 0 clean, exit 3 on a violation) and determinism of results. */
class CheckAndDeterminismTest {
  @TempDir
  static Path tmp;
  private static ClassLoader loader;
  private static ClassLoader brokenLoader;

  /**
   * A mapper that maps every alias at this CPU's first mm-local slot and never flushes: the second
   * page of an 8 KiB pread() reads the first page again through the stale TLB entry.
   */
  private static final String BROKEN_MAPPER = "package broken;\n"
      + "import io.asisim.api.plugin.*;\n"
      + "import io.asisim.api.mapper.*;\n"
      + "import io.asisim.api.machine.*;\n"
      + "import java.util.List;\n"
      + "public final class NoFlushSlot implements Plugin<Mapper> {\n"
      + "  public PluginKind kind() { return PluginKind.MAPPER; }\n"
      + "  public String name() { return \"no-flush-slot\"; }\n"
      + "  public String description() { return \"broken: reuses one mm-local slot without any TLB flush\"; }\n"
      + "  public List<ParamSpec> params() { return List.of(); }\n"
      + "  public Mapper create(Params p, SimContext c) {\n"
      + "    AddressSpaces as = c.machine().addressSpaces();\n"
      + "    return new Mapper() {\n"
      + "      public long map(int cpu, long mm, long pfn) { long va = as.mmLocalSlotVa(cpu, 0); as.mapMmLocal(cpu, mm, va, pfn); return va; }\n"
      + "      public void unmap(int cpu, long mm, long va) { as.unmapMmLocal(cpu, mm, va); }\n"
      + "    };\n"
      + "  }\n"
      + "}\n";

  @BeforeAll
  static void setUp() throws IOException {
    loader = TestLoaders.loader();
    Path jar = PluginJars.build(Files.createDirectories(tmp.resolve("broken")), "broken.NoFlushSlot", BROKEN_MAPPER);
    brokenLoader = TestLoaders.loader(jar);
  }

  private static final String[] FIO = {"--workload", "fio-randread", "--cpus", "2", "--memory", "128M",
      "--set", "workload.fio-randread.jobs=2", "--set", "workload.fio-randread.file-size=256K",
      "--set", "workload.fio-randread.block-size=8K", "--set", "workload.fio-randread.ops=200"};

  private static String[] args(String[] head, String[] tail) {
    String[] a = new String[head.length + tail.length];
    System.arraycopy(head, 0, a, 0, head.length);
    System.arraycopy(tail, 0, a, head.length, tail.length);
    return a;
  }

  private static JsonNode metrics(Cli cli) throws IOException {
    assertThat(cli.code).as(cli.err).isZero();
    return new ObjectMapper().readTree(cli.out).get("metrics");
  }

  @Test
  void cleanRunUnderCheckExitsZeroWithNoViolations() throws IOException {
    JsonNode m = metrics(Cli.run(loader, args(new String[] {"run", "--mapper", "ephmap", "--flush", "mm-global",
        "--check", "--format", "json"}, FIO)));
    assertThat(m.get("invariant_violations").get("value").asLong()).isZero();
    assertThat(m.get("leak_exposures").get("value").asLong()).isZero();
    assertThat(m.get("transient_maps").get("value").asLong()).as("two pages per pread, 200 preads").isEqualTo(400);
  }

  @Test
  void violationExitsThreeWithTheInvariantOpAndTime() {
    Cli cli = Cli.run(brokenLoader, args(new String[] {"run", "--mapper", "no-flush-slot", "--check",
        "--set", "machine.x86.cr3-noflush=true"}, FIO));
    assertThat(cli.code).as(cli.err).isEqualTo(3);
    assertThat(cli.out).isEmpty();
    // fio lays its file out at set-up: page A is zeroed through the slot, unmapped without a flush,
    // then page B is mapped there; the CPU still caches slot -> A (NOFLUSH CR3 writes keep it), so
    // zeroing B writes A. The first check, right after set-up, reports it.
    assertThat(cli.err).matches("asi-sim: invariant violated: alias translation: cpu \\d accessed alias va 0x[0-9a-f]+ "
        + "made for pfn \\d+ and reached pfn \\d+ through a stale TLB entry \\(after workload set-up, sim time \\d+ ns\\)\n");
    // without --check the same run completes: the checker is what catches it
    Cli unchecked = Cli.run(brokenLoader, args(new String[] {"run", "--mapper", "no-flush-slot",
        "--set", "machine.x86.cr3-noflush=true"}, FIO));
    assertThat(unchecked.code).as(unchecked.err).isZero();
  }

  @Test
  void checkingDoesNotPerturbTheSimulation() throws IOException {
    String[] common = {"run", "--workload", "kernel-build", "--mapper", "vmalloc", "--flush", "local", "--cpus", "4",
        "--memory", "256M", "--seed", "5", "--set", "workload.kernel-build.ops=2000", "--set",
        "workload.kernel-build.jobs=6", "--set", "workload.kernel-build.build-memory=64M", "--format", "json"};
    JsonNode plain = metrics(Cli.run(loader, common));
    JsonNode checked = metrics(Cli.run(loader, args(common, new String[] {"--check", "--check-every", "7"})));
    int compared = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = plain.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("leak_exposure")) {
        continue; // scanned every 7 ops instead of every 4096: finer sampling sees more episodes
      }
      assertThat(checked.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      compared++;
    }
    assertThat(compared).isGreaterThan(30);
  }

  @Test
  void compareIsByteIdenticalSequentialAndParallelAndAcrossRepeats() {
    String[] cmp = {"compare", "--workload", "fio-randread,kernel-build", "--mapper", "exit,ephmap", "--cpus", "2",
        "--memory", "128M", "--samples", "2", "--set", "workload.fio-randread.ops=300", "--set",
        "workload.fio-randread.file-size=512K", "--set", "workload.kernel-build.ops=600", "--set",
        "workload.kernel-build.jobs=3", "--set", "workload.kernel-build.build-memory=32M", "--format", "json"};
    Cli seq = Cli.run(loader, args(cmp, new String[] {"--threads", "1"}));
    Cli par = Cli.run(loader, args(cmp, new String[] {"--threads", "2"}));
    Cli again = Cli.run(loader, args(cmp, new String[] {"--threads", "2"}));
    assertThat(seq.code).as(seq.err).isZero();
    assertThat(par.out).isEqualTo(seq.out);
    assertThat(again.out).isEqualTo(par.out);
    assertThat(seq.out).contains("\"leak_exposures\"");
  }
}
