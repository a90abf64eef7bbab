package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.Kernel;
import io.asisim.api.kernel.Workload;
import io.asisim.api.mm.Gfp;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kcompactd's proactive compaction under {@code --check}: a process fragments memory (every free
 * pageblock taken by the rest of the system, then every other page of its heap returned), then runs
 * user code for 2.1 s of simulated time while a second thread reads the heap from another CPU.
 * kcompactd wakes every 500 ms; the first time, the node's fragmentation score (99: all free memory
 * in single pages) is above the high mark (90), so it compacts in the background, moving heap pages
 * into the heap's holes, without a stall; the later wake-ups find the score below it. With all of
 * memory in unmovable kernel pages, every other one freed, the pass moves nothing, and kcompactd
 * waits 64 intervals (32 s), so it wakes once in the run. With {@code compaction-proactiveness=0} it never
 * wakes.
 */
class ProactiveCompactionCheckTest {
  private static final PluginRegistry REG = Registries.with(proactiveChurn());
  /** User time per op: 1 ms at the default profile's 2 GHz. */
  private static final long OP_CYCLES = 2_000_000;
  private static final long OPS = 2100;

  private static RunResult run(String allocator, boolean movable, int proactiveness) {
    return run(allocator, movable, proactiveness, 2);
  }

  private static RunResult run(String allocator, boolean movable, int proactiveness, int cpus) {
    Variants v = Variants.of("proactive-churn").pick(PluginKind.ALLOCATOR, allocator).asi(!allocator.equals("buddy"))
        .set("workload.proactive-churn.movable=" + movable)
        .set("allocator." + allocator + ".compaction-proactiveness=" + proactiveness)
        .memory(256L << 20).cpus(cpus).seed(1).checkEvery(64);
    return new Runner(REG).run(v.build(REG));
  }

  @Test
  void kcompactdCompactsAFragmentedNodeInTheBackground() {
    for (String allocator : new String[] {"buddy", "pageblock-migratetype"}) {
      RunResult on = run(allocator, true, 20);
      RunResult off = run(allocator, true, 0);
      for (RunResult r : List.of(on, off)) {
        assertThat(r.get("invariant_violations")).as(allocator).isZero();
        assertThat(r.get("leak_exposures")).as(allocator).isZero();
        assertThat(r.get("compact_stall")).as(allocator).isZero();
      }
      assertThat(off.get("pgmigrate_success")).as(allocator).isZero();
      assertThat(off.get("compact_daemon_migrate_scanned")).as(allocator).isZero();
      assertThat(on.get("pgmigrate_success")).as(allocator).isPositive();
      assertThat(on.get("compact_daemon_migrate_scanned")).as(allocator).isPositive()
          .isEqualTo(on.get("compact_migrate_scanned"));
      assertThat(on.get("compact_daemon_wake")).as("counted for kcompactd_do_work() only").isZero();
      // 2.1 s: timeouts at 0.5, 1.0, 1.5 and 2.0 s, each kcompactd wake-up two context switches
      assertThat(on.get("context_switches") - off.get("context_switches")).as(allocator).isEqualTo(8);
    }
  }

  /**
   * On one CPU kcompactd runs on that CPU between two steps. Its first pass moves heap pages, but
   * their old frames go to the one CPU's pcp list, whose {@code high} is the whole low watermark
   * ({@code zone_highsize()} splits it over the CPUs), so no free block grows, the score does not fall, and kcompactd waits 32 s: one wake-up in the run.
   */
  @Test
  void onOneCpuKcompactdRunsBetweenTheTasksSteps() {
    RunResult on = run("pageblock-migratetype", true, 20, 1);
    RunResult off = run("pageblock-migratetype", true, 0, 1);
    assertThat(on.get("invariant_violations")).isZero();
    assertThat(on.get("compact_stall")).isZero();
    assertThat(on.get("pgmigrate_success")).isPositive();
    assertThat(on.get("context_switches") - off.get("context_switches")).isEqualTo(2);
  }

  @Test
  void aPassThatMovesNothingWaitsSixtyFourIntervals() {
    RunResult on = run("buddy", false, 20);
    RunResult off = run("buddy", false, 0);
    assertThat(on.get("invariant_violations")).isZero();
    assertThat(on.get("compact_daemon_migrate_scanned")).isPositive();
    assertThat(on.get("pgmigrate_success")).isZero();
    assertThat(on.get("context_switches") - off.get("context_switches")).as("one wake-up in 2.1 s").isEqualTo(2);
  }

  /**
   * {@code proactive-churn}: a heap with every other page returned (or, {@code movable=false},
   * kernel pages with every other one freed), then user time, 1 ms per op, and a reader thread.
   */
  static Plugin<Workload> proactiveChurn() {
    return new Plugin<>() {
      @Override public PluginKind kind() { return PluginKind.WORKLOAD; }
      @Override public String name() { return "proactive-churn"; }
      @Override public String description() { return "fragmented memory, then user time: kcompactd's timeouts"; }
      @Override public List<ParamSpec> params() {
        return List.of(ParamSpec.bool("movable", true, "the holes are between heap pages (else kernel pages)"));
      }
      @Override public Workload create(Params p, SimContext ctx) {
        boolean movable = p.getBoolean("movable");
        int pages = 16384;
        return new Workload() {
          private int pid;
          private int reader;
          private long heap;

          @Override public long ops() { return OPS; }

          @Override public void setUp(Kernel k) {
            pid = k.spawn();
            heap = k.mmapAnon(pid, pages);
            if (movable) {
              for (int i = 0; i < pages; i++) {
                k.touch(pid, heap + ((long) i << 12), true);
              }
            }
            int cpu = k.cpuOf(pid);
            while (movable && k.allocPages(cpu, 9, Gfp.GFP_KERNEL | Gfp.__GFP_MEMALLOC) >= 0) {
              // every free pageblock held by the rest of the system
            }
            if (movable) {
              for (int i = 1; i < pages; i += 2) {
                k.madviseDontneed(pid, heap + ((long) i << 12), 1);
              }
            } else {
              long[] held = new long[1 << 17];
              int n = 0;
              for (long pfn; n < held.length && (pfn = k.allocPages(cpu, 0, Gfp.GFP_KERNEL | Gfp.__GFP_MEMALLOC)) >= 0; ) {
                held[n++] = pfn;
              }
              for (int i = 0; i < n; i++) {
                if ((held[i] & 1) != 0) {
                  k.freePages(cpu, held[i], 0);
                }
              }
            }
            reader = k.cloneThread(pid);
            if (k.cpuOf(reader) == k.cpuOf(pid)) {
              k.migrate(reader, (k.cpuOf(pid) + 1) % k.nrCpus());
            }
          }

          @Override public void step(Kernel k, long index) {
            k.runUser(pid, OP_CYCLES);
            if (movable) {
              k.touch(reader, heap + ((index * 2 % pages) << 12), false);
            }
          }
        };
      }
    };
  }
}
