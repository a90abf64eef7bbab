package io.asisim.cli;

/** Report formats; each command says which it supports. */
enum OutputFormat {
  table,
  markdown,
  csv,
  json
}
