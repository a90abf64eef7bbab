package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code asi-sim replay} run end to end on small traces: what its summary and its metrics say. */
class ReplayEndToEndTest {
  private static final Path TRACES = Path.of("../asi-engine/src/test/resources/traces");
  private static final Path PROC = Path.of("../asi-pagealloc/src/test/resources/proc");

  private static JsonNode json(String... args) throws Exception {
    Cli cli = Cli.run(args);
    assertThat(cli.code).as(cli.err).isZero();
    return new ObjectMapper().readTree(cli.out);
  }

  /** The first sample's value of {@code metric} in the first replayed variant. */
  private static long metric(JsonNode replay, String metric) {
    return replay.get("replay").get("variants").get(1).get("samples").get(0).get(metric).get("value").asLong();
  }

  @Test
  void theSummaryAndTheTraceMetricsCountTheSameSkippedOtherAndLostEvents() throws Exception {
    // cp-docs: 146 well-formed kmem events that are not replayed (zone_locked, pcpu_drain)
    JsonNode cp = json("replay", TRACES.resolve("cp-docs-6.18.perf.txt.gz").toString(), "--memory", "1G",
        "--allocator", "pageblock-migratetype", "--format", "json");
    assertThat(cp.get("trace").get("other_events").asLong()).isEqualTo(146);
    assertThat(metric(cp, "trace_other_events")).isEqualTo(146);
    // one line with an order above MAX_PAGE_ORDER: skipped
    JsonNode bad = json("replay", "src/test/resources/bad-inputs/huge-order.perf.txt", "--memory", "256M",
        "--allocator", "pageblock-migratetype", "--format", "json");
    assertThat(bad.get("trace").get("skipped_lines").asLong()).isEqualTo(1);
    assertThat(metric(bad, "trace_skipped_lines")).isEqualTo(1);
    // trace-cmd's [N EVENTS DROPPED] lines
    JsonNode tc = json("replay", TRACES.resolve("trace-cmd-report-3.1.6.txt.gz").toString(), "--memory", "1G",
        "--allocator", "pageblock-migratetype", "--format", "json");
    assertThat(tc.get("trace").get("lost_events").asLong()).isEqualTo(221776);
    assertThat(metric(tc, "trace_lost_events")).isEqualTo(221776);
  }

  /**
   * The real capture of a mix under reclaim (calibration/data/vm-20261207: 3 s, 318 697 events,
   * docs/calibration.md "Fragmentation under pressure") replayed from the pagetypeinfo taken just
   * before it: each of its 64 351 frees of pages allocated before the capture frees a block of the
   * seeded allocated memory, none is left unmatched, and like the real kernel (perf stat: 0
   * mm_page_alloc_extfrag among 77 789 allocations) the buddy allocator takes no fallback.
   */
  @Test
  void aRealCaptureFreesWhatWasAllocatedBeforeItAndFallsBackAsRarelyAsTheRealKernel() throws Exception {
    Path data = Path.of("../calibration/data/vm-20261207");
    Path pti = PROC.resolve("pagetypeinfo-6.18-vm-pressure.txt"); // data/pagetypeinfo.before.xz, decompressed
    JsonNode r = json("replay", data.resolve("extfrag.perf.txt.xz").toString(), "--initial-state", pti.toString(),
        "--allocator", "buddy", "--format", "json");
    assertThat(metric(r, "trace_adopted_frees")).isEqualTo(64351);
    assertThat(metric(r, "trace_unmatched_frees")).isZero();
    assertThat(metric(r, "alloc_fallbacks")).isZero();
    assertThat(metric(r, "alloc_fallback_claims")).isZero();
    // what still fails waited for reclaim in the real kernel (allocstall_movable, pgsteal_direct)
    assertThat(metric(r, "alloc_failures")).isLessThan(metric(r, "alloc_requests") / 50);
    // without a seeded state nothing can be adopted: the frees stay unmatched
    JsonNode plain = json("replay", data.resolve("extfrag.perf.txt.xz").toString(), "--memory", "1G",
        "--allocator", "buddy", "--format", "json");
    assertThat(plain.get("replay").get("variants").get(1).get("samples").get(0).has("trace_adopted_frees")).isFalse();
    assertThat(metric(plain, "trace_unmatched_frees")).isEqualTo(64351);
  }

  /**
   * A real burst of unmovable allocations under page-cache pressure (calibration/data/vm-20261207/
   * pipe-burst): the real kernel changed the owner of 41 pageblocks for 66 180 allocations; the
   * ASI-off model, replayed from the state just before, must stay within 25 % of that rate
   * (docs/calibration.md, "An unmovable burst under page-cache pressure").
   */
  @Test
  void ownershipChangesPerAllocatedPageOfARealBurstWithinAQuarter() throws Exception {
    JsonNode r = json("replay", "../calibration/data/vm-20261207/pipe-burst/burst.perf.txt.xz", "--initial-state",
        PROC.resolve("pagetypeinfo-6.18-vm-pipe-burst.txt").toString(), "--allocator", "buddy", "--format", "json");
    long requests = metric(r, "alloc_requests");
    long claims = metric(r, "alloc_fallback_claims");
    assertThat(requests).isEqualTo(66180);
    assertThat(metric(r, "trace_adopted_frees")).isEqualTo(25909);
    assertThat(metric(r, "alloc_failures")).isZero();
    assertThat(claims).isEqualTo(50);
    double real = 41.0 / 66180;
    assertThat((double) claims / requests).isBetween(real * 0.75, real * 1.25);
  }

  @Test
  void initialStateSeedsEveryAllocatorAndSizesMemoryLikeTheSixFlagWorkaround() throws Exception {
    String file = PROC.resolve("pagetypeinfo-6.18-vm.txt").toString();
    String trace = TRACES.resolve("ftrace-noirq-6.18.txt").toString();
    Cli seeded = Cli.run("replay", trace, "--initial-state", file, "--format", "json");
    assertThat(seeded.code).as(seeded.err).isZero();
    Cli workaround = Cli.run("replay", trace, "--memory", "5504M", "--format", "json",
        "--set", "allocator.buddy.initial-state=" + file,
        "--set", "allocator.pageblock-migratetype.initial-state=" + file,
        "--set", "allocator.unmapped-pool.initial-state=" + file);
    assertThat(seeded.out).isEqualTo(workaround.out);
    JsonNode variant = new ObjectMapper().readTree(seeded.out).get("replay").get("variants").get(1);
    assertThat(variant.get("config").get("memory").asText()).isEqualTo("5504M");
    assertThat(seeded.out).as("seeded from the file, not the default boot state")
        .isNotEqualTo(Cli.run("replay", trace, "--memory", "5504M", "--format", "json").out);

    Cli wrongSize = Cli.run("replay", trace, "--initial-state", file, "--memory", "3G");
    assertThat(wrongSize.code).isEqualTo(2);
    assertThat(wrongSize.err).isEqualTo("asi-sim: --initial-state " + file + " implies --memory 5504M, not 3G\n");
  }
}
