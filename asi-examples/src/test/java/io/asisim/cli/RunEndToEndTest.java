package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** End-to-end runs through the CLI: exact counts on small hand-checked scenarios, and determinism. */
class RunEndToEndTest {
  private static JsonNode metrics(String... args) throws Exception {
    Cli cli = Cli.run(args);
    assertThat(cli.code).as(cli.err).isZero();
    return new ObjectMapper().readTree(cli.out).get("metrics");
  }

  private static long v(JsonNode m, String name) {
    return m.get(name).get("value").asLong();
  }

  @Test
  void fioWithTheExitMapperExitsOncePerRead() throws Exception {
    // one job reading a 16-page tmpfs file laid out before op 0: each pread() enters the kernel
    // restricted, touches the sensitive page-cache page through the direct map (not present in the
    // restricted map) -> #PF -> asi_exit(page_fault) at site pagecache_read; the copy then runs
    // unrestricted and the return to user re-enters: 2 CR3 writes per read, no context switch.
    JsonNode m = metrics("run", "--workload", "fio-randread", "--mapper", "exit", "--cpus", "2", "--memory", "256M",
        "--set", "workload.fio-randread.jobs=1", "--set", "workload.fio-randread.file-size=64K",
        "--set", "workload.fio-randread.ops=10", "--format", "json");
    assertThat(v(m, "ops")).isEqualTo(10);
    assertThat(v(m, "syscalls")).isEqualTo(10);
    assertThat(v(m, "asi_exits")).isEqualTo(10);
    assertThat(v(m, "asi_exits.page_fault")).isEqualTo(10);
    assertThat(v(m, "asi_exit_sites.pagecache_read")).isEqualTo(10);
    assertThat(v(m, "asi_enters")).isEqualTo(10);
    assertThat(v(m, "cr3_writes")).isEqualTo(20);
    assertThat(v(m, "context_switches")).isZero();
    assertThat(v(m, "alloc_requests")).isZero();
  }

  @Test
  void asiOffHasNoExitsAndIsFaster() throws Exception {
    // one job: no context switches, so with ASI off there is no CR3 write at all
    String[] common = {"run", "--workload", "fio-randread", "--cpus", "2", "--memory", "256M",
        "--set", "workload.fio-randread.jobs=1", "--set", "workload.fio-randread.file-size=1M", "--set", "workload.fio-randread.ops=500", "--format", "json"};
    JsonNode on = metrics(common);
    String[] offArgs = java.util.Arrays.copyOf(common, common.length + 2);
    offArgs[common.length] = "--asi";
    offArgs[common.length + 1] = "off";
    JsonNode off = metrics(offArgs);
    assertThat(v(off, "asi_exits")).isZero();
    assertThat(v(off, "cr3_writes")).isZero();
    assertThat(v(on, "asi_exits")).isEqualTo(500);
    assertThat(v(on, "asi_exits.page_fault")).isEqualTo(500);
    assertThat(off.get("throughput_ops_per_s").get("value").asDouble())
        .isGreaterThan(on.get("throughput_ops_per_s").get("value").asDouble());
  }

  @Test
  void aTaskSwitchedInResumesInUserSpaceAndStillFaults() throws Exception {
    // 4 jobs on 2 CPUs, round-robin: each pread() but the very first finds another task running on
    // its CPU. Leaving that task's mm exits ASI (context_switch); the preempted task resumes through
    // the return to user space (asi_enter), and its pread() then faults on the page-cache page like
    // any other (page_fault): 499 switches, 500 faults, 999 exits and as many enters.
    JsonNode m = metrics("run", "--workload", "fio-randread", "--cpus", "2", "--memory", "256M",
        "--set", "workload.fio-randread.jobs=4", "--set", "workload.fio-randread.file-size=1M",
        "--set", "workload.fio-randread.ops=500", "--format", "json");
    assertThat(v(m, "context_switches")).isEqualTo(499);
    assertThat(v(m, "asi_exits.context_switch")).isEqualTo(499);
    assertThat(v(m, "asi_exits.page_fault")).isEqualTo(500);
    assertThat(v(m, "asi_exits")).isEqualTo(999);
    assertThat(v(m, "asi_enters")).isEqualTo(999);
  }

  @Test
  void pagetypeinfoSeededFromARealMachineRendersItsBuddyinfoBack() throws Exception {
    java.nio.file.Path proc = java.nio.file.Path.of("../asi-pagealloc/src/test/resources/proc");
    Cli cli = Cli.run("pagetypeinfo", "--buddyinfo", "--initial-state",
        proc.resolve("pagetypeinfo-6.18-vm.txt").toString());
    assertThat(cli.code).as(cli.err).isZero();
    assertThat(cli.out).isEqualTo(java.nio.file.Files.readString(proc.resolve("buddyinfo-6.18-vm.txt")));
  }

  @Test
  void slabinfoOfAReplayedSlabTraceIsTheKernelsFormat() {
    String trace = "../asi-engine/src/test/resources/traces/find-tar-20k.perf.txt.xz";
    Cli cli = Cli.run("pagetypeinfo", "--slabinfo", "--memory", "1G", "--workload", "trace", "--set",
        "workload.trace.file=" + trace);
    assertThat(cli.code).as(cli.err).isZero();
    assertThat(cli.out).startsWith(io.asisim.sim.slab.SlabInfo.HEADER);
    // every cache line as cache_show() prints it: name, six numbers, the tunables and slabdata columns
    assertThat(cli.out.lines().skip(2)).isNotEmpty().allMatch(l -> l.matches(
        "\\S.{16,} +\\d+ +\\d+ +\\d+ +\\d+ +\\d+ : tunables +0 +0 +0 : slabdata +\\d+ +\\d+ +0"));
    assertThat(cli.out).contains("\nfilp ").contains("\ndentry ").contains("\nkmalloc-32 ");
    // a workload of the simulated kernel: its own caches, with the objects its processes and files left
    Cli kernel = Cli.run("pagetypeinfo", "--slabinfo", "--memory", "1G", "--cpus", "2", "--workload", "kernel-build",
        "--set", "workload.kernel-build.ops=2000");
    assertThat(kernel.code).as(kernel.err).isZero();
    assertThat(kernel.out).startsWith(io.asisim.sim.slab.SlabInfo.HEADER)
        .containsPattern("\ntask_struct +\\d+ +\\d+ +5888 +5 +8 : tunables")
        .containsPattern("\ndentry +[1-9]\\d* +\\d+ +192 +21 +1 : tunables")
        .containsPattern("\nradix_tree_node +[1-9]\\d* +\\d+ +584 +14 +2 : tunables");
    Cli vmstat = Cli.run("pagetypeinfo", "--vmstat", "--memory", "1G", "--cpus", "2", "--workload", "kernel-build",
        "--set", "workload.kernel-build.ops=2000");
    assertThat(vmstat.code).as(vmstat.err).isZero();
    // the kernel's line format and order: a subset of Linux 6.18's vmstat_text[]
    assertThat(vmstat.out.lines().toList()).allMatch(l -> l.matches("[a-z0-9_]+ \\d+"))
        .extracting(l -> l.substring(0, l.indexOf(' '))).isSubsetOf(io.asisim.sim.kernel.VmStat.names())
        .startsWith("nr_free_pages", "nr_slab_reclaimable", "nr_slab_unreclaimable");
    assertThat(vmstat.out).containsPattern("\npgfault [1-9]\\d*\n");
    Cli unusable = Cli.run("pagetypeinfo", "--unusable-index", "--memory", "1G");
    assertThat(unusable.code).as(unusable.err).isZero();
    assertThat(unusable.out.lines().toList()).as("populated zones, 11 orders, %d.%03d")
        .allMatch(l -> l.matches("Node 0, zone +\\S+( \\d\\.\\d{3}){11} "));
    Cli two = Cli.run("pagetypeinfo", "--vmstat", "--slabinfo", "--memory", "1G");
    assertThat(two.code).isEqualTo(2);
    assertThat(two.err).hasLineCount(1).contains("are different files: name one");
    Cli boot = Cli.run("pagetypeinfo", "--slabinfo", "--memory", "1G");
    assertThat(boot.code).isEqualTo(2);
    assertThat(boot.err).hasLineCount(1).contains("the slab caches fill while a workload runs");
  }

  @Test
  void aBootReservationTheFileHasNoRoomForIsOneLineNamingBothSizes() {
    // x86 reserves the first MiB (all this file's DMA zone shows not free: it fits) and loads the
    // image at 16 MiB, in DMA32: a 64 MiB image + its boot tables + 1024 spare table frames is
    // 16384 + 75 + 1024 = 17483 DMA32 frames, where the file shows only
    // 9419 not free
    Cli cli = Cli.run("pagetypeinfo", "--buddyinfo", "--initial-state",
        "../asi-pagealloc/src/test/resources/proc/pagetypeinfo-6.18-vm.txt",
        "--set", "machine.x86.kernel-image=64M", "--set", "machine.x86.spare-table-pages=1024");
    assertThat(cli.code).isEqualTo(2);
    assertThat(cli.err.lines()).hasSize(1);
    assertThat(cli.err).contains("zone DMA32: the machine's boot reservation holds 17483 of its frames (68.3 MiB), "
        + "more than the 9419 frames (36.8 MiB) the file shows not free there");
  }

  @Test
  void sameConfigAndSeedGiveByteIdenticalJson() {
    String[] args = {"run", "--workload", "kernel-build", "--cpus", "4", "--memory", "1G", "--seed", "7",
        "--set", "workload.kernel-build.ops=3000", "--set", "workload.kernel-build.jobs=6",
        "--set", "workload.kernel-build.build-memory=64M", "--format", "json"};
    Cli a = Cli.run(args);
    Cli b = Cli.run(args);
    assertThat(a.code).as(a.err).isZero();
    assertThat(a.out).isEqualTo(b.out);
    args[8] = "8";
    Cli c = Cli.run(args);
    assertThat(c.out).as("another seed gives another run").isNotEqualTo(a.out);
  }
}
