package io.asisim.x86.profile;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuTrait;
import io.asisim.api.machine.ProfileFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The built-in CPU profiles, read from the {@code .properties} resources next to this class
 * ({@code io/asisim/x86/profile/NAME.properties}, format in docs/profiles.md and
 * {@link ProfileFile}): every value with its {@code KEY.source}, a {@code base} inherited first.
 * Values no public document states for that CPU are marked "estimate" with the reasoning; none was
 * chosen to reproduce any ASI benchmark.
 */
final class Profiles {
  private Profiles() {}

  /** The resource of profile {@code name}, parsed. */
  static ProfileFile file(String name) {
    String res = name + ".properties";
    try (InputStream in = Profiles.class.getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalStateException("no built-in cpu-profile resource " + res);
      }
      List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
          .collect(Collectors.toList());
      return ProfileFile.parse(res, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The defaults of built-in profile {@code name}, its base's first. */
  static ProfileSpec load(String name) {
    ProfileFile f = file(name);
    ProfileSpec spec = f.base() == null ? new ProfileSpec() : load(f.base()).copy();
    spec.description(f.description());
    for (ProfileFile.Entry e : f.entries().values()) {
      String source = e.source() != null ? e.source() : f.file() + ":" + e.line();
      if (ProfileFile.isTrait(e.key())) {
        spec.trait(trait(e.key()), Boolean.parseBoolean(e.value()), source);
      } else {
        spec.cost(cost(e.key()), Long.parseLong(e.value()), source);
      }
    }
    return spec;
  }

  private static Cost cost(String param) {
    for (Cost c : Cost.values()) {
      if (c.param().equals(param)) {
        return c;
      }
    }
    throw new IllegalArgumentException(param);
  }

  private static CpuTrait trait(String param) {
    for (CpuTrait t : CpuTrait.values()) {
      if (t.param().equals(param)) {
        return t;
      }
    }
    throw new IllegalArgumentException(param);
  }
}
