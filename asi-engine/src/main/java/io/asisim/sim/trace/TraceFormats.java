package io.asisim.sim.trace;

import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.api.trace.TraceFormat;
import io.asisim.sim.BadInputException;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trace formats a trace can be read with: the plugins of kind {@code trace-format} of a
 * registry, by name, plus {@value #AUTO}, which sniffs the format with each plugin's
 * {@link TraceFormat#recognizes}. A third-party format jar on the classpath is one of them.
 */
public final class TraceFormats {
  /** The choice that sniffs the format from the first event lines. */
  public static final String AUTO = "auto";

  private static final TraceFormats BUILT_IN =
      of(PluginRegistry.of(List.of(new PerfScriptFormatPlugin(), new TraceCmdFormatPlugin())));

  private final Map<String, Plugin<?>> plugins;

  private TraceFormats(Map<String, Plugin<?>> plugins) {
    this.plugins = new TreeMap<>(plugins);
  }

  /** The trace formats of {@code registry}. */
  public static TraceFormats of(PluginRegistry registry) {
    return of(registry.ofKind(PluginKind.TRACE_FORMAT));
  }

  /** The trace-format plugins of {@code plugins} (a kind's plugins by name). */
  public static TraceFormats of(Map<String, Plugin<?>> plugins) {
    return new TraceFormats(plugins);
  }

  /** The formats this module ships: {@code perf-script} and {@code trace-cmd}. */
  public static TraceFormats builtIn() {
    return BUILT_IN;
  }

  /** The format names, in name order (the order sniffing tries them in). */
  public List<String> names() {
    return List.copyOf(plugins.keySet());
  }

  /** {@value #AUTO} and every format name: what {@code --trace-format} accepts. */
  public List<String> choices() {
    List<String> c = new ArrayList<>();
    c.add(AUTO);
    c.addAll(plugins.keySet());
    return c;
  }

  /**
   * Fails unless {@code choice} is {@value #AUTO} or a format name.
   *
   * @param what how to name the setting in the message, e.g. {@code --trace-format}
   */
  public void require(String what, String choice) {
    if (!choice.equals(AUTO) && !plugins.containsKey(choice)) {
      throw new BadInputException(what + " '" + choice + "' (valid: " + String.join(", ", choices()) + ")"
          + io.asisim.sim.Suggestions.didYouMean(choice, choices()));
    }
  }

  /**
   * A new instance of format {@code name}, with its declared parameter defaults. {@code ctx} is the
   * variant being built, or {@code null} when a trace is read before any variant exists (a format
   * reads text; it needs nothing of a variant).
   */
  public TraceFormat create(String name, SimContext ctx) {
    require("trace format", name);
    if (name.equals(AUTO)) {
      throw new IllegalArgumentException("'auto' is not a format: sniff first");
    }
    Plugin<?> p = plugins.get(name);
    Object f;
    try {
      f = p.create(Params.resolve(p, Map.of()), ctx);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("trace-format '" + name + "': " + e.getMessage(), e);
    }
    if (!(f instanceof TraceFormat)) {
      throw new BadInputException("trace-format plugin '" + name + "' (" + p.getClass().getName() + ") created "
          + (f == null ? "null" : f.getClass().getName()) + ", not a TraceFormat");
    }
    return (TraceFormat) f;
  }
}
