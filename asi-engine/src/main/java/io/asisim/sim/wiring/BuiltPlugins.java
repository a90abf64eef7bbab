package io.asisim.sim.wiring;

import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugins one variant has built, by class, so that an exception escaping a run can be blamed
 * on the plugin whose code threw it ({@link #blame}): the top-most stack frame in a class of a
 * built plugin (its implementation, the implementation's own superclasses outside the SPI, or its
 * descriptor) names it. One per variant injector; filled by {@link PluginFactory}.
 */
public final class BuiltPlugins {
  /** Class name to "kind plugin 'name'". */
  private final Map<String, String> byClass = new LinkedHashMap<>();

  synchronized void record(PluginKind kind, Plugin<?> plugin, Object impl) {
    String label = label(kind, plugin.name());
    byClass.putIfAbsent(plugin.getClass().getName(), label);
    for (Class<?> c = impl.getClass(); c != null && !c.getName().startsWith("java.")
        && !c.getName().startsWith("io.asisim.api."); c = c.getSuperclass()) {
      byClass.putIfAbsent(c.getName(), label);
    }
  }

  /** How messages name a plugin: {@code flush plugin 'precise'}. */
  static String label(PluginKind kind, String name) {
    return kind.id() + " plugin '" + name + "'";
  }

  /**
   * The plugin {@code t} was thrown from: the first frame (from the throw point down, causes
   * included) whose class, or the class it is nested in, is one of the built plugins'; null when
   * none is.
   */
  public synchronized String blame(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      for (StackTraceElement f : c.getStackTrace()) {
        String cls = f.getClassName();
        int nested = cls.indexOf('$');
        String label = byClass.get(nested < 0 ? cls : cls.substring(0, nested));
        if (label == null && nested >= 0) {
          label = byClass.get(cls);
        }
        if (label != null) {
          return label;
        }
      }
    }
    return null;
  }
}
