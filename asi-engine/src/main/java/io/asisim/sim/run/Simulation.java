package io.asisim.sim.run;

import com.google.inject.ProvisionException;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.Machine;
import io.asisim.api.metrics.Counter;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.metrics.StandardMetrics;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.PluginFailureException;
import io.asisim.sim.check.Checker;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.kernel.SimKernel;
import io.asisim.sim.wiring.BuiltPlugins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that runs one booted variant's workload ({@link Boot} built the variant).
 *
 * <p>Checking: with {@code --check} ({@link VariantConfig#checkEvery()} N &gt; 0) the functional
 * invariants of {@link Checker} run after workload set-up, after every N ops and after tear-down,
 * and a violation ends the run with a {@link CheckViolationException}. The checks after set-up,
 * after tear-down and once every {@link VariantConfig#checkFullEvery()} ops look at the whole
 * machine; the others at what changed ({@link Checker#checkChanged()}); an
 * {@link IllegalStateException} escaping an op (the allocator's {@code bad_page()}-style rejection
 * of a double free, a plugin's own {@code BUG_ON}) is reported the same way, as
 * {@code CONFIG_DEBUG_VM} turns such states into a BUG. Leak exposures are scanned at the same
 * points under {@code --check}, and in every other run every {@link VariantConfig#exposureEvery()} ops (see
 * docs/checker.md for the overhead that interval was chosen by).
 */
final class Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
  /**
   * Overrides {@link VariantConfig#exposureEvery()} for every run when set: the JVM property
   * {@code asisim.exposure-every} (0 turns the scans off; for overhead measurements).
   */
  static final long EXPOSURE_EVERY_OVERRIDE = Long.getLong("asisim.exposure-every", -1);

  private final VariantConfig config;
  private final Machine machine;
  private final PageAllocator allocator;
  private final Metrics metrics;
  private final Workload workload;
  private final SimKernel kernel;
  private CheckMode mode = CheckMode.INCREMENTAL;
  /** Ops since the last full check. */
  private long sinceFull;
  private final BuiltPlugins plugins;
  /** The op running: -1 in set-up, ops in tear-down; for naming where a plugin failed. */
  private long current = -1;

  Simulation(BootedVariant v) {
    this.plugins = v.plugins();
    this.config = v.config();
    this.machine = v.machine();
    this.allocator = v.allocator();
    this.metrics = v.metrics();
    this.workload = v.workload();
    this.kernel = v.kernel();
  }

  RunResult run(ProgressListener progress) {
    return run(progress, null);
  }

  /** Runs; {@code atEnd} sees the allocator after the last op, before tear-down. */
  RunResult run(ProgressListener progress, java.util.function.Consumer<PageAllocator> atEnd) {
    return run(progress, atEnd, true);
  }

  /**
   * Runs; {@code settle} false makes every exposure scan check every TLB entry (the reference the
   * settled scans must agree with, byte for byte: {@code SettledExposureScanTest}).
   */
  RunResult run(ProgressListener progress, java.util.function.Consumer<PageAllocator> atEnd, boolean settle) {
    return run(progress, atEnd, settle, CheckMode.INCREMENTAL);
  }

  /** How the functional checks between the full ones run. */
  enum CheckMode {
    /** On what changed; the whole machine every {@link VariantConfig#checkFullEvery()} ops. */
    INCREMENTAL,
    /** Every check on the whole machine (the reference the incremental checks are tested against). */
    FULL,
    /**
     * Each check incremental, then full: a violation only the full check finds ends the run as
     * {@code checker disagreement} (the agreement test).
     */
    BOTH
  }

  RunResult run(ProgressListener progress, java.util.function.Consumer<PageAllocator> atEnd, boolean settle,
      CheckMode mode) {
    this.mode = mode;
    try {
      return runOps(progress, atEnd, settle);
    } catch (BadInputException | CheckViolationException | ProvisionException e) {
      throw e; // already one line, or unwrapped by the Runner
    } catch (RuntimeException e) {
      throw blamed(e);
    }
  }

  /**
   * An exception a plugin's code threw during the run becomes a one-line
   * {@link PluginFailureException} naming the plugin and the op; one the simulator's own code threw
   * stays as it is (a bug: the CLI prints its stack trace).
   */
  private RuntimeException blamed(RuntimeException e) {
    String who = plugins.blame(e);
    if (who == null) {
      return e;
    }
    String when = current < 0 ? "in workload set-up" : current >= workload.ops() ? "in workload tear-down"
        : "during op " + current;
    LOG.debug("{} failed {}", who, when, e);
    return new PluginFailureException(who + " failed " + when + ": " + PluginFailureException.describe(e)
        + " (--verbose logs the stack trace)", e);
  }

  private RunResult runOps(ProgressListener progress, java.util.function.Consumer<PageAllocator> atEnd,
      boolean settle) {
    long every = config.checkEvery();
    long exposureEvery = EXPOSURE_EVERY_OVERRIDE >= 0 ? EXPOSURE_EVERY_OVERRIDE : config.exposureEvery();
    long scanEvery = every > 0 ? every : exposureEvery > 0 ? exposureEvery : Long.MAX_VALUE;
    Checker checker = new Checker(machine, allocator, kernel.view(), metrics, every > 0, settle);
    setUp(every);
    long ops = workload.ops(); // after set-up: a workload may size its run by the state it built
    long reportEvery = Math.max(1, ops / 200);
    check(checker, every, -1);
    boolean scans = scanEvery != Long.MAX_VALUE;
    if (scans) {
      checker.scanExposures(); // exposures set-up left are open from here: only their time counts
    }
    // measure the ops only: set-up (e.g. fio laying out its file) is not part of the result
    Map<String, Long> base = snapshot();
    long[] baseCycles = cycles();
    long[] baseSteps = taskSteps();
    long t0 = System.nanoTime();
    for (long i = 0; i < ops; i++) {
      current = i;
      step(i, every);
      if ((i + 1) % scanEvery == 0) {
        check(checker, every, i);
        checker.scanExposures();
      }
      if ((i + 1) % reportEvery == 0) {
        progress.progress(i + 1, ops);
      }
    }
    // exposures still open at the end count up to now
    if (scans) {
      checker.scanExposures();
      checker.closeExposures();
    }
    // the result covers the ops; tear-down (closing files, exits) runs after it is taken
    allocator.finish();
    long hostNanos = System.nanoTime() - t0;
    RunResult result = collect(ops, base, baseCycles, baseSteps, hostNanos, t0);
    if (atEnd != null) {
      atEnd.accept(allocator);
    }
    current = ops;
    workload.tearDown(kernel);
    check(checker, every, ops);
    return result;
  }

  /**
   * Workload set-up sizes itself against the machine (files, processes); when it cannot — memory
   * smaller than the workload needs, a parameter the machine contradicts — it throws
   * {@link IllegalArgumentException}, and that is a bad input (exit 2, one line), not a simulator
   * bug. An {@link IllegalStateException} is a kernel BUG (a {@code BUG_ON} of the model, such as
   * {@code switch_mm_irqs_off()} while restricted) and is reported as one, as during the ops:
   * an invariant violation under {@code --check}, otherwise the failure of the plugin it came from.
   */
  private void setUp(long every) {
    try {
      workload.setUp(kernel);
    } catch (IllegalArgumentException e) {
      String who = plugins.blame(e);
      if (who != null && !who.startsWith(PluginKind.WORKLOAD.id() + " ")) {
        throw blamed(e); // another plugin (a mapper, a policy) failed while the workload set up
      }
      throw new BadInputException("workload '" + config.selected(PluginKind.WORKLOAD)
          + "' does not fit this machine (" + config.machine().memoryBytes() / (1 << 20) + " MiB, "
          + config.machine().cpus() + " CPUs): " + e.getMessage());
    } catch (IllegalStateException e) {
      if (every <= 0) {
        throw blamed(e);
      }
      metrics.counter(StandardMetrics.INVARIANT_VIOLATIONS).inc();
      throw new CheckViolationException("invariant violated: kernel BUG: " + e.getMessage()
          + " (during workload set-up)");
    }
  }

  private void step(long i, long every) {
    if (every <= 0) {
      workload.step(kernel, i);
      return;
    }
    try {
      workload.step(kernel, i);
    } catch (IllegalStateException e) {
      metrics.counter(StandardMetrics.INVARIANT_VIOLATIONS).inc();
      throw new CheckViolationException("invariant violated: kernel BUG: " + e.getMessage() + " (during op " + i
          + ", sim time " + Math.round(simTimeNs()) + " ns)");
    }
  }

  private Map<String, Long> snapshot() {
    Map<String, Long> m = new java.util.HashMap<>();
    for (Map.Entry<String, Counter> e : metrics.all().entrySet()) {
      if (!e.getValue().isGauge()) {
        m.put(e.getKey(), e.getValue().get());
      }
    }
    return m;
  }

  private long[] taskSteps() {
    long[] c = new long[machine.nrCpus()];
    for (int i = 0; i < c.length; i++) {
      c[i] = kernel.view().taskSteps(i);
    }
    return c;
  }

  private long[] cycles() {
    long[] c = new long[machine.nrCpus()];
    for (int i = 0; i < c.length; i++) {
      c[i] = machine.cycles(i);
    }
    return c;
  }

  /** Runs the functional checks; a violation ends the run (exit 3). */
  private void check(Checker checker, long every, long op) {
    if (every <= 0) {
      return;
    }
    sinceFull += op < 0 || op >= workload.ops() ? 0 : every;
    boolean full = mode == CheckMode.FULL || op < 0 || op >= workload.ops() || sinceFull >= config.checkFullEvery();
    String violation;
    if (full) {
      sinceFull = 0;
      violation = checker.checkFunctional();
    } else {
      violation = checker.checkChanged();
      if (violation == null && mode == CheckMode.BOTH) {
        String missed = checker.checkFunctional();
        if (missed != null) {
          violation = "checker disagreement: the full check found what the incremental one did not: " + missed;
        }
      }
    }
    if (violation != null) {
      metrics.counter(StandardMetrics.INVARIANT_VIOLATIONS).inc();
      String where = op < 0 ? "after workload set-up" : op >= workload.ops() ? "after workload tear-down" : "after op " + op;
      throw new CheckViolationException("invariant violated: " + violation + " (" + where
          + ", sim time " + Math.round(simTimeNs()) + " ns)");
    }
  }

  private double simTimeNs() {
    long max = 0;
    for (int c = 0; c < machine.nrCpus(); c++) {
      max = Math.max(max, machine.cycles(c));
    }
    return machine.profile().cyclesToNs(max);
  }

  /**
   * Metrics of the measured interval: counters minus their value after set-up, gauges as they are.
   * {@code sim_time_ns} is the work-conserving makespan: the busy cycles of the CPUs that ran tasks
   * divided by their number, so that which CPU the scheduler stand-in happened to load most (a few
   * percent of noise) does not move it; the busiest CPU and the spread are reported beside it. A
   * CPU that ran no task (idle, woken only by shootdown IPIs or for a kernel thread) is left out of
   * its sum and count: counting it made a one-job workload look faster the more idle CPUs its
   * variant interrupted. Its cycles stay in {@code cycles_per_op} (all CPUs), and it counts for
   * {@code sim_time_busiest_cpu_ns} and {@code cpu_busy_spread}, which describe every CPU that was busy. A direct allocation or free
   * on a CPU (trace replay, alloc-stress) counts as task work there; a workload with none of these
   * uses every CPU that was busy.
   */
  private RunResult collect(long ops, Map<String, Long> base, long[] baseCycles, long[] baseSteps, long hostNanos,
      long firstOpNanos) {
    long total = 0;
    long maxCpu = 0;
    long minCpu = Long.MAX_VALUE;
    long taskTotal = 0;
    int ran = 0;
    int ranTasks = 0;
    for (int c = 0; c < machine.nrCpus(); c++) {
      long used = machine.cycles(c) - baseCycles[c];
      total += used;
      maxCpu = Math.max(maxCpu, used);
      if (used > 0) {
        ran++;
        minCpu = Math.min(minCpu, used);
      }
      if (kernel.view().taskSteps(c) != baseSteps[c]) {
        ranTasks++;
        taskTotal += used;
      }
    }
    metrics.counter(StandardMetrics.INVARIANT_VIOLATIONS); // present (zero) in every result
    double mean = ranTasks > 0 ? (double) taskTotal / ranTasks : ran == 0 ? 0 : (double) total / ran;
    double simNs = mean * 1000.0 / machine.profile().get(io.asisim.api.machine.Cost.CLOCK_MHZ);
    double allMean = ran == 0 ? 0 : (double) total / ran;
    double spread = ran == 0 || allMean == 0 ? 0 : (maxCpu - minCpu) / allMean;
    List<MetricValue> out = new ArrayList<>();
    out.add(new MetricValue(StandardMetrics.OPS, ops, true));
    for (Map.Entry<String, Counter> e : metrics.all().entrySet()) {
      Counter c = e.getValue();
      long v = c.isGauge() ? c.get() : c.get() - base.getOrDefault(e.getKey(), 0L);
      out.add(new MetricValue(c.descriptor(), v, true));
    }
    out.add(new MetricValue(StandardMetrics.SIM_TIME_NS, Math.rint(simNs), true));
    out.add(new MetricValue(StandardMetrics.SIM_TIME_BUSIEST_CPU_NS, Math.rint(machine.profile().cyclesToNs(maxCpu)), true));
    out.add(new MetricValue(StandardMetrics.CPU_BUSY_SPREAD, spread, false));
    out.add(new MetricValue(StandardMetrics.THROUGHPUT, simNs > 0 ? ops / (simNs / 1e9) : 0, false));
    out.add(new MetricValue(StandardMetrics.CYCLES_PER_OP, ops > 0 ? (double) total / ops : 0, false));
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return new RunResult(config, out, hostNanos, firstOpNanos);
  }
}
