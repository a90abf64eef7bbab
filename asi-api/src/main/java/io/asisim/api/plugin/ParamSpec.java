package io.asisim.api.plugin;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A declared plugin parameter: name, type, default, valid range and a description. Descriptions of
 * cost constants cite their public source or say "estimate".
 *
 * @param name kebab-case name, used as {@code --set kind.plugin.name=value}
 * @param type value type
 * @param defaultValue default, in the textual form {@link #parse} accepts
 * @param min inclusive lower bound for INT, SIZE and DOUBLE (ignored otherwise)
 * @param max inclusive upper bound for INT, SIZE and DOUBLE (ignored otherwise)
 * @param choices valid words for CHOICE, empty otherwise
 * @param description one line; for costs, the source
 */
public record ParamSpec(
    String name,
    ParamType type,
    String defaultValue,
    double min,
    double max,
    List<String> choices,
    String description) {

  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    choices = List.copyOf(choices);
    if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("parameter name must be kebab-case: " + name);
    }
    // a default outside the declared range is a plugin bug: fail at declaration
    parse(type, min, max, choices, defaultValue);
  }

  /** An integer parameter in {@code [min, max]}. */
  public static ParamSpec integer(String name, long def, long min, long max, String description) {
    return new ParamSpec(name, ParamType.INT, Long.toString(def), min, max, List.of(), description);
  }

  /** A floating-point parameter in {@code [min, max]}. */
  public static ParamSpec decimal(String name, double def, double min, double max, String description) {
    return new ParamSpec(name, ParamType.DOUBLE, Double.toString(def), min, max, List.of(), description);
  }

  /** A boolean parameter. */
  public static ParamSpec bool(String name, boolean def, String description) {
    return new ParamSpec(name, ParamType.BOOLEAN, Boolean.toString(def), 0, 0, List.of(), description);
  }

  /** A byte-size parameter ({@code 4096}, {@code 64K}, {@code 2M}, {@code 16G}) in {@code [min, max]} bytes. */
  public static ParamSpec size(String name, String def, long min, long max, String description) {
    return new ParamSpec(name, ParamType.SIZE, def, min, max, List.of(), description);
  }

  /** A parameter taking one of {@code choices}. */
  public static ParamSpec choice(String name, String def, List<String> choices, String description) {
    return new ParamSpec(name, ParamType.CHOICE, def, 0, 0, choices, description);
  }

  /** A free-text parameter. */
  public static ParamSpec string(String name, String def, String description) {
    return new ParamSpec(name, ParamType.STRING, def, 0, 0, List.of(), description);
  }

  /**
   * Parses and validates a textual value.
   *
   * @return a {@link Long} (INT, SIZE), {@link Double}, {@link Boolean} or {@link String}
   * @throws IllegalArgumentException with a message saying what is valid
   */
  public Object parse(String text) {
    return parse(type, min, max, choices, text);
  }

  private static Object parse(ParamType type, double min, double max, List<String> choices, String text) {
    String v = text.trim();
    switch (type) {
      case INT: {
        long n;
        try {
          n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not an integer (valid: " + range(type, min, max, choices) + ")");
        }
        checkRange(type, min, max, choices, n, text);
        return n;
      }
      case SIZE: {
        long n = parseSize(v);
        checkRange(type, min, max, choices, n, text);
        return n;
      }
      case DOUBLE: {
        double d;
        try {
          d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not a number (valid: " + range(type, min, max, choices) + ")");
        }
        if (Double.isNaN(d) || d < min || d > max) {
          throw new IllegalArgumentException("'" + text + "' is out of range (valid: " + range(type, min, max, choices) + ")");
        }
        return d + 0.0; // -0 is 0: one value, one printed form
      }
      case BOOLEAN:
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("'" + text + "' is not a boolean (valid: true, false)");
      case CHOICE:
        if (choices.contains(v)) {
          return v;
        }
        throw new IllegalArgumentException("'" + text + "' is not valid (valid: " + String.join(", ", choices) + ")");
      case STRING:
      default:
        return text;
    }
  }

  private static void checkRange(ParamType type, double min, double max, List<String> choices, long n, String text) {
    if (n < min || n > max) {
      throw new IllegalArgumentException("'" + text + "' is out of range (valid: " + range(type, min, max, choices) + ")");
    }
  }

  /** Human description of the valid values, e.g. {@code 1..1000000} or {@code local, mm-global}. */
  public String range() {
    return range(type, min, max, choices);
  }

  private static String range(ParamType type, double min, double max, List<String> choices) {
    switch (type) {
      case INT:
        return fmtBound(min) + ".." + fmtBound(max);
      case SIZE:
        return formatSize((long) min) + ".." + formatSize((long) max);
      case DOUBLE:
        return min + ".." + max;
      case BOOLEAN:
        return "true, false";
      case CHOICE:
        return String.join(", ", choices);
      default:
        return "any text";
    }
  }

  private static String fmtBound(double b) {
    if (b >= Long.MAX_VALUE) {
      return "max";
    }
    if (b <= Long.MIN_VALUE) {
      return "min";
    }
    return Long.toString((long) b);
  }

  /**
   * Parses a byte size with an optional binary suffix K, M, G or T (also KiB, MiB, GiB, TiB, KB,
   * ...), as {@code --memory} and size parameters take it.
   */
  public static long parseSize(String text) {
    String v = text.trim().toUpperCase(Locale.ROOT);
    if (v.endsWith("IB")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("B") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) {
      v = v.substring(0, v.length() - 1);
    }
    long mult = 1;
    if (!v.isEmpty()) {
      char c = v.charAt(v.length() - 1);
      int shift = c == 'K' ? 10 : c == 'M' ? 20 : c == 'G' ? 30 : c == 'T' ? 40 : 0;
      if (shift > 0) {
        mult = 1L << shift;
        v = v.substring(0, v.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0 || n > Long.MAX_VALUE / mult) {
        throw new NumberFormatException();
      }
      return n * mult;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 4096, 64K, 2M, 16G)");
    }
  }

  /** Formats bytes with the largest exact binary suffix, e.g. {@code 16G}, {@code 4K}, {@code 1000}. */
  public static String formatSize(long bytes) {
    String[] suffix = {"T", "G", "M", "K"};
    int[] shift = {40, 30, 20, 10};
    for (int i = 0; i < suffix.length; i++) {
      long unit = 1L << shift[i];
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes / unit) + suffix[i];
      }
    }
    return Long.toString(bytes);
  }
}
