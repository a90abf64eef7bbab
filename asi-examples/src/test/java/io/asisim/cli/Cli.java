package io.asisim.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures its streams and exit code. */
final class Cli {
  final int code;
  final String out;
  final String err;

  private Cli(int code, String out, String err) {
    this.code = code;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code args} with {@code loader} as the context class loader (plugin discovery). */
  static Cli run(ClassLoader loader, String... args) {
    Thread t = Thread.currentThread();
    ClassLoader prev = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
      return new Cli(code, out.toString(), err.toString());
    } finally {
      t.setContextClassLoader(prev);
    }
  }

  static Cli run(String... args) {
    return run(Cli.class.getClassLoader(), args);
  }
}
