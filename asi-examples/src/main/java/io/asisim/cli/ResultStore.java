package io.asisim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asisim.report.RunSpecs;
import io.asisim.sim.BadInputException;
import io.asisim.sim.api.BuildInfo;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.run.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A directory of finished runs (docs/sweeps.md, "Result store"): {@code runs/KEY.json} per run,
 * keyed by {@link RunSpecs#key}, each written whole to a temporary file, forced to disk and renamed
 * into place, so a killed sweep leaves only whole records (and temporary files, which are ignored
 * and removed); and {@code sweep.json}, the comparison's sections and selection, from which
 * {@code compare --from-results} rebuilds the report alone. Records remember the build that wrote
 * them: results of another build are never mixed in.
 */
final class ResultStore {
  static final String MANIFEST = "sweep.json";
  private static final String FORMAT = "asi-sim-results";
  private final Path dir;
  private final Path runs;
  private final BuildInfo build = BuildInfo.current();

  private ResultStore(Path dir) {
    this.dir = dir;
    this.runs = dir.resolve("runs");
  }

  /** A store to add runs to ({@code --results}); nothing is touched on disk before {@link #claim}. */
  static ResultStore at(Path dir) {
    return new ResultStore(dir);
  }

  /** Opens {@code dir} to read only ({@code --from-results}). */
  static ResultStore existing(Path dir) {
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new BadInputException("--from-results " + dir + ": not a result store (no " + MANIFEST
          + "; make one with compare ... --results " + dir + ")");
    }
    return new ResultStore(dir);
  }

  Path dir() {
    return dir;
  }

  /**
   * Keeps {@code manifest} as this store's sweep, or checks that it is the one already kept; creates
   * the directory if needed and removes the temporary files a killed sweep left.
   */
  void claim(ObjectNode manifest) {
    Path m = dir.resolve(MANIFEST);
    byte[] text = (manifest.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(runs);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(runs, ".*.tmp")) {
        for (Path p : ds) {
          Files.deleteIfExists(p);
        }
      }
      if (Files.exists(m)) {
        if (!java.util.Arrays.equals(Files.readAllBytes(m), text)) {
          throw new BadInputException("--results " + dir + ": it holds the runs of another comparison (its " + MANIFEST
              + " differs); resume with the same sweep, or use another directory");
        }
        return;
      }
      OutputDir.writeAtomically(m, text, true);
    } catch (IOException e) {
      throw new BadInputException("--results " + dir + ": cannot use it as a result store (" + OutputDir.reason(e) + ")");
    }
  }

  JsonNode manifest() {
    Path m = dir.resolve(MANIFEST);
    try {
      JsonNode n = RunSpecs.MAPPER.readTree(m.toFile());
      if (!FORMAT.equals(n.path("format").asText())) {
        throw new BadInputException(m + ": not an asi-sim result store manifest");
      }
      return n;
    } catch (IOException e) {
      throw new BadInputException(m + ": cannot read it: " + e.getMessage());
    }
  }

  /** A new manifest holding what {@link #claim} keeps. */
  static ObjectNode newManifest() {
    ObjectNode o = RunSpecs.MAPPER.createObjectNode();
    o.put("format", FORMAT);
    o.put("version", 1);
    return o;
  }

  /** Whether a record of {@code run} is in the store (its file exists; {@link #load} judges it). */
  boolean holds(String key) {
    return Files.isRegularFile(runs.resolve(key + ".json"));
  }

  /** The stored result of {@code run}, or null; a record of another build or spec is an error. */
  RunResult load(VariantConfig run, String key) {
    Path p = runs.resolve(key + ".json");
    JsonNode r;
    try {
      r = RunSpecs.MAPPER.readTree(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new BadInputException(p + ": unreadable run record: " + e.getMessage());
    }
    if (!build.gitCommit().equals(r.path("git_commit").asText()) || !build.toolVersion().equals(r.path("tool_version").asText())) {
      throw new BadInputException(p + ": written by asi-sim " + r.path("tool_version").asText() + " (git "
          + r.path("git_commit").asText() + "), this is " + build.toolVersion() + " (git " + build.gitCommit()
          + "): results of different builds are not mixed; use another --results directory");
    }
    if (!RunSpecs.holds(r, run)) {
      throw new BadInputException(p + ": its spec is not the run its name says (a damaged or edited record)");
    }
    return RunSpecs.result(r, run);
  }

  /** Keeps {@code result} as the record {@code key}: whole or not at all. */
  void store(String key, RunResult result) {
    ObjectNode r = RunSpecs.record(result, build);
    try {
      OutputDir.writeAtomically(runs.resolve(key + ".json"), (r.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8),
          true);
    } catch (IOException e) {
      throw new BadInputException("--results " + dir + ": cannot write a run record (" + OutputDir.reason(e) + ")");
    }
  }
}
