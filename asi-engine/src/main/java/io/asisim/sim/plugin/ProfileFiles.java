package io.asisim.sim.plugin;

import io.asisim.api.machine.Cost;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.CpuTrait;
import io.asisim.api.machine.ProfileFile;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.sim.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A user's CPU profile file ({@code --cpu-profile path/to/file.properties}, format in
 * docs/profiles.md and {@link ProfileFile}) as a {@code cpu-profile} plugin: the {@code base}
 * profile (default: the default cpu-profile, then every key must be given) with its parameter
 * defaults replaced by the file's values. Bad input is a one-line {@link BadInputException}
 * naming the file and line.
 */
final class ProfileFiles {
  private ProfileFiles() {}

  /** Whether a cpu-profile name is a file: it contains '/' or ends in {@code .properties}. */
  static boolean isPath(String name) {
    return name.contains("/") || name.endsWith(".properties");
  }

  /** Loads the file {@code name} against the built-in profiles of {@code registry}. */
  static Plugin<CpuProfile> load(String name, PluginRegistry registry) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(name), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BadInputException("cpu-profile file " + name + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw new BadInputException("cpu-profile file " + name + ": cannot read: " + e.getMessage());
    }
    ProfileFile f;
    try {
      f = ProfileFile.parse(name, lines);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    String baseName = f.base() != null ? f.base() : PluginKind.CPU_PROFILE.defaultName();
    if (isPath(baseName) || !registry.has(PluginKind.CPU_PROFILE, baseName)) {
      throw new BadInputException(name + ": base = " + baseName + " is not a built-in cpu-profile (valid: "
          + registry.ofKind(PluginKind.CPU_PROFILE).keySet().stream().filter(n -> !isPath(n))
              .collect(Collectors.joining(", ")) + ")");
    }
    Plugin<?> base = registry.get(PluginKind.CPU_PROFILE, baseName);
    Set<String> declared = base.params().stream().map(ParamSpec::name).collect(Collectors.toSet());
    for (ProfileFile.Entry e : f.entries().values()) {
      if (!declared.contains(e.key())) {
        throw new BadInputException(name + ":" + e.line() + ": base " + baseName + " has no parameter '" + e.key()
            + "' (valid: " + String.join(", ", declared.stream().sorted().toList()) + ")");
      }
    }
    List<ParamSpec> params = new ArrayList<>();
    for (ParamSpec s : base.params()) {
      ProfileFile.Entry e = f.entries().get(s.name());
      if (e == null) {
        params.add(s);
        continue;
      }
      try {
        s.parse(e.value());
      } catch (IllegalArgumentException ex) {
        throw new BadInputException(name + ":" + e.line() + ": " + s.name() + " = " + e.value() + ": "
            + ex.getMessage() + " (valid: " + s.range() + ")");
      }
      String source = e.source() != null ? e.source() : name + ":" + e.line();
      params.add(new ParamSpec(s.name(), s.type(), e.value(), s.min(), s.max(), s.choices(), source));
    }
    String description = f.description() != null ? f.description() : "profile file " + name + " (base " + baseName + ")";
    return new FileProfile(name, description, base, List.copyOf(params));
  }

  /** The plugin of one profile file: the base's {@code create()} under the file's name. */
  private record FileProfile(String name, String description, Plugin<?> base, List<ParamSpec> params)
      implements Plugin<CpuProfile> {
    @Override
    public PluginKind kind() {
      return PluginKind.CPU_PROFILE;
    }

    @Override
    public CpuProfile create(Params p, SimContext ctx) {
      CpuProfile inner = (CpuProfile) base.create(p, ctx);
      String n = name;
      return new CpuProfile() {
        @Override
        public String name() {
          return n;
        }

        @Override
        public long get(Cost key) {
          return inner.get(key);
        }

        @Override
        public boolean has(CpuTrait trait) {
          return inner.has(trait);
        }
      };
    }
  }
}
