package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds throw-away plugin jars at test time, outside the test classpath: compiles Java source
 * against the classpath, adds a {@code META-INF/services} entry and packs a jar, as a third-party
 * plugin author's build would.
 */
final class PluginJars {
  private PluginJars() {}

  /** Compiles {@code className} from {@code source} and returns a jar registering it as a Plugin. */
  static Path build(Path dir, String className, String source) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    Path file = src.resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(file.getParent());
    Files.createDirectories(classes);
    Files.writeString(file, source, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-proc:none", "-classpath", System.getProperty("java.class.path"), "-d",
        classes.toString(), file.toString());
    assertThat(rc).as("javac of " + className).isZero();
    Path jar = dir.resolve(className.replace('.', '-') + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      try (var walk = Files.walk(classes)) {
        for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
          out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
          Files.copy(p, out);
          out.closeEntry();
        }
      }
      out.putNextEntry(new JarEntry("META-INF/services/io.asisim.api.plugin.Plugin"));
      OutputStream o = out;
      o.write((className + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  /** A loader that sees the test classpath plus {@code jars}. */
  static URLClassLoader loader(List<Path> jars) throws IOException {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      urls[i] = jars.get(i).toUri().toURL();
    }
    return new URLClassLoader(urls, PluginJars.class.getClassLoader());
  }

  /** Source of a workload plugin {@code pkg.Cls} named {@code name} whose ops are a parameter. */
  static String workloadSource(String pkg, String cls, String name) {
    return "package " + pkg + ";\n"
        + "import io.asisim.api.plugin.*;\n"
        + "import io.asisim.api.kernel.*;\n"
        + "import java.util.List;\n"
        + "public final class " + cls + " implements Plugin<Workload> {\n"
        + "  public PluginKind kind() { return PluginKind.WORKLOAD; }\n"
        + "  public String name() { return \"" + name + "\"; }\n"
        + "  public String description() { return \"throw-away test workload: allocates and frees one page per op\"; }\n"
        + "  public List<ParamSpec> params() { return List.of(ParamSpec.integer(\"ops\", 10, 1, 1000, \"ops to run\"),\n"
        + "      ParamSpec.integer(\"order\", 0, 0, 10, \"allocation order\")); }\n"
        + "  public Workload create(Params p, SimContext ctx) {\n"
        + "    long ops = p.getLong(\"ops\"); int order = p.getInt(\"order\");\n"
        + "    return new Workload() {\n"
        + "      public long ops() { return ops; }\n"
        + "      public void step(Kernel k, long i) {\n"
        + "        long pfn = k.allocPages((int) (i % k.nrCpus()), order, 0xcc0);\n"
        + "        if (pfn >= 0) k.freePages((int) (i % k.nrCpus()), pfn, order);\n"
        + "      }\n"
        + "    };\n"
        + "  }\n"
        + "}\n";
  }
}
