package io.asisim.api.plugin;

import io.asisim.api.kernel.ContextSwitchPolicy;
import io.asisim.api.kernel.Workload;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.mapper.FlushPolicy;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.trace.TraceFormat;
import java.util.Locale;

/**
 * The kinds of plugin. Each kind has a stable kebab-case name (used in {@code --set kind.name.param}
 * keys and in CLI options) and the type every plugin of that kind must create.
 */
public enum PluginKind {
  ALLOCATOR("allocator", PageAllocator.class),
  MAPPER("mapper", Mapper.class),
  FLUSH("flush", FlushPolicy.class),
  CONTEXT_SWITCH("context-switch", ContextSwitchPolicy.class),
  SENSITIVITY("sensitivity", SensitivityClassifier.class),
  CPU_PROFILE("cpu-profile", CpuProfile.class),
  WORKLOAD("workload", Workload.class),
  TRACE_FORMAT("trace-format", TraceFormat.class),
  /** The simulated machine; its parameters are the knobs that are not CPU properties (e.g. CR3 NOFLUSH). */
  MACHINE("machine", Machine.class);

  private final String id;
  private final Class<?> type;

  PluginKind(String id, Class<?> type) {
    this.id = id;
    this.type = type;
  }

  /** The kebab-case name of the kind, e.g. {@code context-switch}. */
  public String id() {
    return id;
  }

  /** The interface every implementation of this kind implements. */
  public Class<?> type() {
    return type;
  }

  /** Looks a kind up by its {@link #id()}; case-insensitive. */
  public static PluginKind fromId(String id) {
    String want = id.toLowerCase(Locale.ROOT);
    for (PluginKind k : values()) {
      if (k.id.equals(want)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown plugin kind '" + id + "' (valid: " + validIds() + ")");
  }

  /** The ids of all kinds, comma separated, for error messages. */
  public static String validIds() {
    StringBuilder sb = new StringBuilder();
    for (PluginKind k : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(k.id);
    }
    return sb.toString();
  }
}
