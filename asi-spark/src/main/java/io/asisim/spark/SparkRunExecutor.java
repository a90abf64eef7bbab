package io.asisim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.asisim.report.RunSpecs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.api.BuildInfo;
import io.asisim.sim.compare.RunExecutor;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import io.asisim.sim.run.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code compare --engine spark} (docs/sweeps.md): the runs of a comparison as a Spark job, one
 * partition per run, through the Java RDD API; the specs travel as JSON, the results come back as
 * records, in input order ({@code collect()} of a {@code map} keeps it), and everything else — the
 * plan, the statistics, every output — stays on the driver, so the JSON equals a local run's byte
 * for byte. The Spark context starts at the first run (a bad input found before costs no cluster)
 * and stops with {@link #close}. The runs go in jobs of {@link #BATCHES_PER_CORE} runs per executor
 * core, so that a result store keeps each job's runs as it ends. Files a run names (a trace) are read by the executor at the same
 * path: on a cluster they must be on a shared file system; a missing one fails the sweep with the
 * executor's one-line error. Executors report no ops progress: the bar moves as runs finish.
 */
final class SparkRunExecutor implements RunExecutor {
  /** Runs per executor core in one Spark job (see {@link #execute}). */
  static final int BATCHES_PER_CORE = 4;
  private final Runner runner;
  /** {@code --master}, else null: spark-submit's {@code spark.master}, else {@code local[threads]}. */
  private final String master;
  private final int threads;
  private final String jars;
  private JavaSparkContext context;

  SparkRunExecutor(Runner runner, int threads, Map<String, String> options) {
    this.runner = runner;
    this.master = options.get("master");
    this.threads = threads;
    this.jars = options.get("jars");
  }

  private JavaSparkContext context() {
    if (context == null) {
      SparkConf conf = new SparkConf().setAppName("asi-sim compare").set("spark.ui.enabled", "false");
      if (master != null) {
        conf.setMaster(master); // the command line wins over spark-submit's spark.master
      }
      conf.setIfMissing("spark.master", "local[" + threads + "]");
      String m = conf.get("spark.master");
      if (m.startsWith("local")) {
        // everything on this host: bind to loopback (a cluster's driver must stay reachable by name)
        conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      }
      if (m.startsWith("local-cluster")) {
        // executors are separate JVMs launched from this one: give them its class path
        conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
      }
      if (jars != null) {
        conf.set("spark.jars", jars); // plugin jars, fetched by every executor into its task class loader
      }
      context = new JavaSparkContext(conf);
    }
    return context;
  }

  @Override
  public List<RunResult> execute(List<VariantConfig> runs, Listener listener) {
    if (runs.isEmpty()) {
      return List.of();
    }
    List<String> specs = new ArrayList<>();
    for (VariantConfig v : runs) {
      specs.add(RunSpecs.toJson(v).toString());
    }
    RunTask task = new RunTask(PluginSet.of(runner.registry()), RunTask.build(BuildInfo.current()));
    JavaSparkContext sc = context();
    // jobs of a few runs per core: each job's results reach the listener (a result store) when it
    // ends, so a sweep killed midway loses at most the job in flight
    int batch = Math.max(1, BATCHES_PER_CORE * sc.defaultParallelism());
    List<RunResult> out = new ArrayList<>();
    for (int from = 0; from < specs.size(); from += batch) {
      List<String> part = specs.subList(from, Math.min(specs.size(), from + batch));
      List<String> records = sc.parallelize(part, part.size()).map(task).collect();
      for (int j = 0; j < records.size(); j++) {
        out.add(result(records.get(j), runs.get(from + j), from + j, listener));
      }
    }
    return out;
  }

  private static RunResult result(String record, VariantConfig run, int i, Listener listener) {
    JsonNode r = read(record);
    if (r.has("error")) {
      String m = r.get("message").asText();
      throw r.get("error").asText().equals("violation") ? new CheckViolationException(m) : new BadInputException(m);
    }
    if (!RunSpecs.holds(r, run)) {
      throw new IllegalStateException("run " + i + " came back with another spec");
    }
    RunResult result = RunSpecs.result(r, run);
    listener.finished(i, result);
    return result;
  }

  private static JsonNode read(String record) {
    try {
      return RunSpecs.MAPPER.readTree(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (context != null) {
      context.stop();
      context = null;
    }
  }
}
