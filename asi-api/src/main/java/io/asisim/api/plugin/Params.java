package io.asisim.api.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated parameter values of one plugin instance, defaults applied. Getters fail fast on a
 * name the plugin did not declare, which is always a plugin bug.
 */
public final class Params {
  private final String owner;
  private final Map<String, Object> values;

  private Params(String owner, Map<String, Object> values) {
    this.owner = owner;
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Resolves the declared parameters of {@code plugin} from textual overrides.
   *
   * @param overrides parameter name to textual value; every key must be declared
   * @throws IllegalArgumentException naming the key, the value and what is valid
   */
  public static Params resolve(Plugin<?> plugin, Map<String, String> overrides) {
    String prefix = plugin.kind().id() + "." + plugin.name() + ".";
    Map<String, Object> vals = new LinkedHashMap<>();
    for (ParamSpec p : plugin.params()) {
      String text = overrides.getOrDefault(p.name(), p.defaultValue());
      try {
        vals.put(p.name(), p.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(prefix + p.name() + ": " + e.getMessage());
      }
    }
    for (String key : overrides.keySet()) {
      if (!vals.containsKey(key)) {
        StringBuilder known = new StringBuilder();
        for (ParamSpec p : plugin.params()) {
          known.append(known.length() == 0 ? "" : ", ").append(p.name());
        }
        throw new IllegalArgumentException("unknown parameter '" + prefix + key + "' (valid: "
            + (known.length() == 0 ? "none" : known) + ")");
      }
    }
    return new Params(prefix, vals);
  }

  /** Parameters for code that builds a plugin directly, e.g. in tests: defaults plus overrides. */
  public static Params of(Plugin<?> plugin, String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("key/value pairs expected");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return resolve(plugin, m);
  }

  private Object get(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("undeclared parameter " + owner + name);
    }
    return v;
  }

  /** An INT or SIZE parameter. */
  public long getLong(String name) {
    return (Long) get(name);
  }

  /** An INT parameter that fits an int (declare the range accordingly). */
  public int getInt(String name) {
    return Math.toIntExact(getLong(name));
  }

  /** A DOUBLE parameter. */
  public double getDouble(String name) {
    return (Double) get(name);
  }

  /** A BOOLEAN parameter. */
  public boolean getBoolean(String name) {
    return (Boolean) get(name);
  }

  /** A CHOICE or STRING parameter. */
  public String getString(String name) {
    return (String) get(name);
  }

  /** All values in declaration order, for reports. */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return owner + values;
  }
}
