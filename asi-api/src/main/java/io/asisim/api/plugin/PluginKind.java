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
 * The registry of plugin kinds: one constant per kind, holding everything the runtime derives from
 * it — the stable kebab-case id (used in {@code --set kind.name.param} keys), the SPI type every
 * plugin of that kind must create, the plugin a variant gets when none is selected, and, for kinds a
 * user picks on the command line, the {@code --ID} option's value label and description.
 *
 * <p>Adding a kind is adding a constant here: the engine binds a {@code MapBinder} and a provider
 * of {@link #type()} per kind, defaults come from {@link #defaultName()}, the CLI derives its
 * {@code --ID} options from {@link #optionLabel()}, and plugins reach the selected implementation
 * with {@link SimContext#selected(PluginKind, Class)} (docs/architecture.md, "Adding a plugin kind").
 */
public enum PluginKind {
  ALLOCATOR("allocator", PageAllocator.class, "pageblock-migratetype", "A", "allocator strategy"),
  MAPPER("mapper", Mapper.class, "exit", "M", "temporary-mapping mechanism"),
  FLUSH("flush", FlushPolicy.class, "mm-global", "F", "TLB flush policy"),
  CONTEXT_SWITCH("context-switch", ContextSwitchPolicy.class, "exit-always", "C", "context-switch policy"),
  SENSITIVITY("sensitivity", SensitivityClassifier.class, "gfp-sensitive", "S", "sensitivity classifier"),
  CPU_PROFILE("cpu-profile", CpuProfile.class, "sapphire-rapids", "P", "CPU cost profile"),
  WORKLOAD("workload", Workload.class, "alloc-stress", "W", "workload plugin"),
  /** Chosen per trace ({@code replay --trace-format}, sniffed by default), not per variant: no option. */
  TRACE_FORMAT("trace-format", TraceFormat.class, "perf-script", null, "trace text format"),
  /** The simulated machine; its parameters are the knobs that are not CPU properties (e.g. CR3 NOFLUSH). */
  MACHINE("machine", Machine.class, "x86", null, "simulated machine");

  private final String id;
  private final Class<?> type;
  private final String defaultName;
  private final String optionLabel;
  private final String summary;

  PluginKind(String id, Class<?> type, String defaultName, String optionLabel, String summary) {
    this.id = id;
    this.type = type;
    this.defaultName = defaultName;
    this.optionLabel = optionLabel;
    this.summary = summary;
  }

  /** The kebab-case name of the kind, e.g. {@code context-switch}. */
  public String id() {
    return id;
  }

  /** The interface every implementation of this kind implements. */
  public Class<?> type() {
    return type;
  }

  /** The plugin selected for this kind when a variant names none, e.g. {@code exit} for {@link #MAPPER}. */
  public String defaultName() {
    return defaultName;
  }

  /**
   * The value label of the kind's {@code --ID} command-line option ({@code M} in {@code --mapper M}),
   * or {@code null} when the kind is not selected per variant on the command line.
   */
  public String optionLabel() {
    return optionLabel;
  }

  /** What a plugin of this kind is, in a few words, e.g. {@code TLB flush policy}. */
  public String summary() {
    return summary;
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
