package io.asisim.cli;

import io.asisim.fixtures.PluginJars;
import java.nio.file.Path;

/** Class loaders for CLI tests: the test class path, plus extra plugin jars when there are any. */
final class TestLoaders {
  private TestLoaders() {}

  static ClassLoader loader(Path... extraJars) throws java.io.IOException {
    return extraJars.length == 0 ? TestLoaders.class.getClassLoader() : PluginJars.loader(java.util.List.of(extraJars));
  }
}
