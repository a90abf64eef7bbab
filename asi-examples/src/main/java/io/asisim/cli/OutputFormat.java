package io.asisim.cli;

import io.asisim.sim.BadInputException;

/** Report formats; each command says which it supports. */
enum OutputFormat {
  table,
  markdown,
  /** {@code compare} only: boxed tables as in the ASI postings on the kernel mailing lists. */
  lkml,
  csv,
  json;

  /** {@code run} and {@code replay} print one result: a table or JSON, nothing else. */
  static void requireTableOrJson(OutputFormat format, String command) {
    if (format != table && format != json) {
      throw new BadInputException("--format " + format + ": " + command + " supports table, json");
    }
  }
}
