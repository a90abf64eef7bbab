package io.asisim.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a sweep file (docs/sweeps.md) with the line and column it starts at, so that every
 * error names its place: a scalar's text, a list, or a map in file order. Read with Jackson's
 * streaming parser — YAML (jackson-dataformat-yaml) or, for a {@code .json} file, JSON — because
 * Jackson's tree model drops locations. A key given twice in one map is an error, not a silent
 * override.
 *
 * @param file the file, for messages
 * @param line 1-based
 * @param column 1-based
 * @param text a scalar's text, or null for a list or a map
 * @param list a list's items, or null
 * @param map a map's entries in file order, or null
 */
record SweepNode(Path file, int line, int column, String text, List<SweepNode> list, Map<String, SweepNode> map) {

  /** Reads {@code file}: one document holding a map. */
  static SweepNode read(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file, r);
    } catch (NoSuchFileException e) {
      throw new BadInputException("--sweep " + file + ": no such file");
    } catch (IOException e) {
      throw new BadInputException("--sweep " + file + ": cannot read it: " + e.getMessage());
    }
  }

  /** Reads a sweep file's text from {@code r}; {@code file} names it (YAML unless it ends in {@code .json}). */
  static SweepNode read(Path file, Reader r) {
    JsonFactory f = file.getFileName().toString().endsWith(".json") ? new JsonFactory() : new YAMLFactory();
    try (JsonParser p = f.createParser(r)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new BadInputException(file + ": empty sweep file (docs/sweeps.md)");
      }
      SweepNode root = read(file, p);
      if (root.map == null) {
        throw root.error("a sweep file holds a map (keys such as plugins:, samples:; docs/sweeps.md)");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new BadInputException(file + (l == null ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr()) + ": "
          + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new BadInputException("--sweep " + file + ": cannot read it: " + e.getMessage());
    }
  }

  private static SweepNode read(Path file, JsonParser p) throws IOException {
    JsonLocation l = p.currentTokenLocation();
    int line = l.getLineNr();
    int col = l.getColumnNr();
    switch (p.currentToken()) {
      case START_OBJECT: {
        Map<String, SweepNode> m = new LinkedHashMap<>();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          JsonLocation kl = p.currentTokenLocation();
          String key = oneLine(file, kl.getLineNr(), kl.getColumnNr(), p.currentName());
          p.nextToken();
          SweepNode v = read(file, p);
          if (m.put(key, v) != null) {
            throw new BadInputException(file + ":" + kl.getLineNr() + ":" + kl.getColumnNr() + ": " + key
                + " given twice in one map");
          }
        }
        return new SweepNode(file, line, col, null, null, Collections.unmodifiableMap(m));
      }
      case START_ARRAY: {
        List<SweepNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(file, p));
        }
        return new SweepNode(file, line, col, null, List.copyOf(items), null);
      }
      case VALUE_NULL:
        throw new BadInputException(file + ":" + line + ":" + col + ": an empty value (give a value or leave the key out)");
      default:
        return new SweepNode(file, line, col, oneLine(file, line, col, p.getText()), null, null);
    }
  }

  /** No key or value takes a line break or a control character, and each is echoed in one-line errors. */
  private static String oneLine(Path file, int line, int col, String text) {
    if (text.chars().anyMatch(Character::isISOControl)) {
      throw new BadInputException(file + ":" + line + ":" + col + ": a key or value with a line break or a control "
          + "character (every one here is one line)");
    }
    return text;
  }

  /**
   * A parser's message on one line: SnakeYAML's is context, source excerpt and caret, problem, each
   * with its own {@code in 'reader', line L} line; the place is already in front of the message.
   */
  private static String oneLine(String s) {
    if (s == null) {
      return "not a valid sweep file";
    }
    StringBuilder sb = new StringBuilder();
    for (String l : s.split("\n")) {
      if (l.isBlank() || l.startsWith(" in ") || l.startsWith("    ")) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : ": ").append(l.trim());
    }
    return sb.length() == 0 ? "not a valid sweep file" : sb.toString();
  }

  /** Longest error message kept whole; a longer one echoes a long value and is shortened in the middle. */
  static final int MAX_MESSAGE = 1000;

  /** A one-line bad input at this node: {@code FILE:LINE:COL: what}. */
  BadInputException error(String what) {
    String w = what.length() <= MAX_MESSAGE ? what
        : what.substring(0, MAX_MESSAGE / 2) + " ... " + what.substring(what.length() - MAX_MESSAGE / 2);
    return new BadInputException(file + ":" + line + ":" + column + ": " + w);
  }

  boolean isScalar() {
    return text != null;
  }

  /** This scalar's text, or an error naming {@code what} it should be. */
  String scalar(String what) {
    if (text == null) {
      throw error(what + ": expected a single value, not a " + (list != null ? "list" : "map"));
    }
    return text;
  }

  /** The items of a list, or this one scalar as a list of one; an error for a map. */
  List<SweepNode> items(String what) {
    if (map != null) {
      throw error(what + ": expected a value or a list of values, not a map");
    }
    if (list != null && list.isEmpty()) {
      throw error(what + ": an empty list");
    }
    return list != null ? list : List.of(this);
  }

  /** This map's entries; an error naming {@code what} otherwise. */
  Map<String, SweepNode> entries(String what) {
    if (map == null) {
      throw error(what + ": expected a map (KEY: VALUE lines)");
    }
    return map;
  }
}
