package io.asisim.cli;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.plugin.PluginRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class loaders for CLI tests: the test classpath plus, only while the real {@code gfp-sensitive}
 * classifier is not on it, a throw-away stand-in jar of that name, plus any extra plugin jars.
 */
final class StandIn {
  private StandIn() {}

  static final String CLASSIFIER = "package standin;\n"
      + "import io.asisim.api.plugin.*;\n"
      + "import io.asisim.api.mm.*;\n"
      + "import java.util.List;\n"
      + "public final class GfpSensitive implements Plugin<SensitivityClassifier> {\n"
      + "  public PluginKind kind() { return PluginKind.SENSITIVITY; }\n"
      + "  public String name() { return \"gfp-sensitive\"; }\n"
      + "  public String description() { return \"test stand-in: __GFP_SENSITIVE or GFP_USER-derived\"; }\n"
      + "  public List<ParamSpec> params() { return List.of(); }\n"
      + "  public SensitivityClassifier create(Params p, SimContext c) {\n"
      + "    return g -> (g & (Gfp.__GFP_SENSITIVE | Gfp.__GFP_HARDWALL)) != 0 ? Sensitivity.SENSITIVE : Sensitivity.NONSENSITIVE;\n"
      + "  }\n"
      + "}\n";

  static ClassLoader loader(Path dir, Path... extraJars) throws IOException {
    List<Path> jars = new ArrayList<>(List.of(extraJars));
    if (!PluginRegistry.discover(StandIn.class.getClassLoader()).has(PluginKind.SENSITIVITY, "gfp-sensitive")) {
      Path d = Files.createDirectories(dir.resolve("standin"));
      jars.add(PluginJars.build(d, "standin.GfpSensitive", CLASSIFIER));
    }
    return jars.isEmpty() ? StandIn.class.getClassLoader() : PluginJars.loader(jars);
  }
}
