package io.asisim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.report.RunSpecs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.CheckViolationException;
import io.asisim.sim.api.BuildInfo;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Runner;
import java.io.IOException;
import java.net.InetAddress;
import org.apache.spark.api.java.function.Function;

/**
 * One run on an executor: a spec (JSON, {@link RunSpecs#toJson}) in, a record out
 * ({@link RunSpecs#record}), or an error record when the run ends in a bad input or a checker
 * violation, so the driver ends the sweep with the same one-line error and exit code a local run
 * gives. First it checks that this JVM has the driver's build (version and commit) and plugin set
 * ({@link PluginSet}): results of other code are never mixed into a sweep.
 */
final class RunTask implements Function<String, String> {
  private static final long serialVersionUID = 1L;
  private static PluginRegistry registry;
  private static String plugins;

  private final String driverPlugins;
  private final String driverBuild;

  /** @param driverBuild the driver's {@link #build} */
  RunTask(String driverPlugins, String driverBuild) {
    this.driverPlugins = driverPlugins;
    this.driverBuild = driverBuild;
  }

  /** A build as executors compare it: version and commit, e.g. {@code 0.1.0-SNAPSHOT (git 1d18454...)}. */
  static String build(BuildInfo b) {
    return b.toolVersion() + " (git " + b.gitCommit() + ")";
  }

  /** The registry of this JVM, discovered once (with the task's class loader: jars shipped by --jars). */
  private static synchronized PluginRegistry registry() {
    if (registry == null) {
      registry = PluginRegistry.discover();
      plugins = PluginSet.of(registry);
    }
    return registry;
  }

  @Override
  public String call(String spec) throws IOException {
    PluginRegistry reg = registry();
    String here = build(BuildInfo.current());
    if (!here.equals(driverBuild)) {
      return error("bad-input", "executor " + host() + " runs asi-sim " + here + ", the driver " + driverBuild
          + ": ship the driver's jars (--jars)");
    }
    if (!plugins.equals(driverPlugins)) {
      return error("bad-input", "executor " + host() + " has another plugin set than the driver: "
          + PluginSet.firstDifference(driverPlugins, plugins) + " (ship every plugin jar with --jars)");
    }
    try {
      JsonNode s = RunSpecs.MAPPER.readTree(spec);
      VariantConfig c = RunSpecs.fromJson(s, reg);
      return RunSpecs.record(new Runner(reg).run(c), BuildInfo.current()).toString();
    } catch (CheckViolationException e) {
      return error("violation", e.getMessage());
    } catch (BadInputException e) {
      return error("bad-input", e.getMessage());
    }
  }

  /** This executor's host name, for the errors only (it may need a DNS lookup). */
  private static String host() throws IOException {
    return InetAddress.getLocalHost().getHostName();
  }

  private static String error(String kind, String message) {
    ObjectNode o = RunSpecs.MAPPER.createObjectNode();
    o.put("error", kind);
    o.put("message", message);
    return o.toString();
  }
}
