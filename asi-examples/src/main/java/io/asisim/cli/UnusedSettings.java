package io.asisim.cli;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.VariantConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds {@code --set kind.name.param=value} assignments for a plugin that no variant selects: the
 * value is valid but would change nothing, which a user comparing designs would not notice.
 */
final class UnusedSettings {
  private UnusedSettings() {}

  /**
   * One warning line per assignment (already validated by {@code Settings.parse}) whose plugin no
   * variant in {@code variants} uses. The plain buddy allocator counts as used: every comparison
   * runs its {@code --asi off} baseline with it.
   */
  static List<String> warnings(List<String> assignments, List<VariantConfig> variants) {
    List<String> out = new ArrayList<>();
    for (String a : assignments) {
      int eq = a.indexOf('=');
      String[] key = a.substring(0, eq).trim().split("\\.", -1);
      PluginKind kind = PluginKind.fromId(key[0]);
      String name = key[1];
      if (!used(kind, name, variants)) {
        out.add("asi-sim: warning: --set " + a.trim() + " has no effect: no variant selects " + kind.id() + " '"
            + name + "'" + (kind.optionLabel() != null ? " (--" + kind.id() + ")" : ""));
      }
    }
    return out;
  }

  private static boolean used(PluginKind kind, String name, List<VariantConfig> variants) {
    if (kind == PluginKind.TRACE_FORMAT) {
      return true; // chosen per trace file (sniffed), not per variant
    }
    if (kind == PluginKind.ALLOCATOR && name.equals(VariantConfig.ASI_OFF_ALLOCATOR)) {
      return true;
    }
    for (VariantConfig v : variants) {
      if (v.uses(kind, name)) {
        return true;
      }
    }
    return false;
  }
}
