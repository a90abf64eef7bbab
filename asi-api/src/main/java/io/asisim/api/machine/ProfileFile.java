package io.asisim.api.machine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CPU profile written as a text file (docs/profiles.md): {@code key = value} lines where a key is
 * a {@link Cost#param()} (a non-negative integer) or a {@link CpuTrait#param()} ({@code true} /
 * {@code false}); {@code KEY.source = text} gives the value's source (shown by
 * {@code ./asi-sim plugins}); {@code base = NAME} inherits every value not given from another
 * profile; {@code description = text} is the one-line description. Lines starting with {@code #}
 * and blank lines are ignored. The built-in profiles are such files (resources of asi-x86) and a
 * user's file is selected with {@code --cpu-profile path/to/file.properties}.
 *
 * <p>Syntax errors name the file and line, what is wrong and what is valid
 * ({@link IllegalArgumentException}); whether the base exists and whether values are in range is
 * the loader's business, which has the base's declared parameters.
 */
public final class ProfileFile {
  /** The key naming the inherited profile. */
  public static final String BASE = "base";
  /** The key of the one-line description. */
  public static final String DESCRIPTION = "description";
  private static final String SOURCE = ".source";

  /**
   * One value of the file.
   *
   * @param key a cost or trait parameter name
   * @param value the text after {@code =}, trimmed
   * @param source the {@code KEY.source} text, or null
   * @param line 1-based line of the value
   */
  public record Entry(String key, String value, String source, int line) {}

  private final String file;
  private final String base;
  private final String description;
  private final Map<String, Entry> entries;

  private ProfileFile(String file, String base, String description, Map<String, Entry> entries) {
    this.file = file;
    this.base = base;
    this.description = description;
    this.entries = entries;
  }

  /** Every key a profile file may set: the cost parameters, then the trait parameters. */
  public static List<String> validKeys() {
    List<String> keys = new ArrayList<>();
    for (Cost c : Cost.values()) {
      keys.add(c.param());
    }
    for (CpuTrait t : CpuTrait.values()) {
      keys.add(t.param());
    }
    return keys;
  }

  /** Whether {@code key} is a trait parameter (boolean value). */
  public static boolean isTrait(String key) {
    for (CpuTrait t : CpuTrait.values()) {
      if (t.param().equals(key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses {@code lines} of the file named {@code file} (used in messages).
   *
   * @throws IllegalArgumentException {@code file:line: what (valid: ...)} on the first bad line, or
   *     {@code file: missing ...} when there is no base and a key is absent
   */
  public static ProfileFile parse(String file, List<String> lines) {
    List<String> valid = validKeys();
    String base = null;
    String description = null;
    Map<String, String[]> values = new LinkedHashMap<>(); // key -> {value, line}
    Map<String, String> sources = new LinkedHashMap<>();
    Map<String, Integer> sourceLines = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int n = i + 1;
      String l = lines.get(i).strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw error(file, n, "expected key = value, got '" + l + "'", "a cost or trait name, KEY.source, base, description");
      }
      String key = l.substring(0, eq).strip();
      String value = l.substring(eq + 1).strip();
      if (key.equals(BASE) || key.equals(DESCRIPTION)) {
        if ((key.equals(BASE) ? base : description) != null) {
          throw error(file, n, "'" + key + "' given twice", "one " + key + " line");
        }
        if (value.isEmpty()) {
          throw error(file, n, "empty " + key, key.equals(BASE) ? "a cpu-profile name, e.g. zen4" : "one line of text");
        }
        if (key.equals(BASE)) {
          base = value;
        } else {
          description = value;
        }
        continue;
      }
      if (key.endsWith(SOURCE)) {
        String of = key.substring(0, key.length() - SOURCE.length());
        if (!valid.contains(of)) {
          throw error(file, n, "source of unknown key '" + of + "'", String.join(", ", valid));
        }
        if (sources.put(of, value) != null) {
          throw error(file, n, "'" + key + "' given twice", "one source per key");
        }
        sourceLines.put(of, n);
        continue;
      }
      if (!valid.contains(key)) {
        throw error(file, n, "unknown key '" + key + "'", String.join(", ", valid) + ", base, description, KEY.source");
      }
      if (values.containsKey(key)) {
        throw error(file, n, "'" + key + "' given twice (first on line " + values.get(key)[1] + ")", "one value per key");
      }
      if (isTrait(key)) {
        if (!value.equals("true") && !value.equals("false")) {
          throw error(file, n, key + " = '" + value + "' is not a boolean", "true, false");
        }
      } else if (!value.matches("[0-9]{1,18}")) {
        throw error(file, n, key + " = '" + value + "' is not a non-negative integer", "0..999999999999999999 (cycles, entries, MHz or KiB)");
      }
      values.put(key, new String[] {value, Integer.toString(n)});
    }
    for (Map.Entry<String, Integer> s : sourceLines.entrySet()) {
      if (!values.containsKey(s.getKey()) && base == null) {
        throw error(file, s.getValue(), "source of '" + s.getKey() + "' without a value", "KEY = value before or after KEY.source");
      }
    }
    if (base == null) {
      List<String> missing = new ArrayList<>();
      for (String k : valid) {
        if (!values.containsKey(k)) {
          missing.add(k);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(file + ": missing " + String.join(", ", missing)
            + " (give every key, or base = NAME to inherit the others)");
      }
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    values.forEach((k, v) -> entries.put(k, new Entry(k, v[0], sources.get(k), Integer.parseInt(v[1]))));
    return new ProfileFile(file, base, description, Collections.unmodifiableMap(entries));
  }

  private static IllegalArgumentException error(String file, int line, String what, String valid) {
    return new IllegalArgumentException(file + ":" + line + ": " + what + " (valid: " + valid + ")");
  }

  /** The file name used in messages. */
  public String file() {
    return file;
  }

  /** The {@code base} profile name, or null. */
  public String base() {
    return base;
  }

  /** The {@code description}, or null. */
  public String description() {
    return description;
  }

  /** The values given, in file order. */
  public Map<String, Entry> entries() {
    return entries;
  }
}
