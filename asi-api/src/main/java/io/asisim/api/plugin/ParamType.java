package io.asisim.api.plugin;

/** The value type of a declared plugin parameter. */
public enum ParamType {
  /** A 64-bit integer, optionally bounded. */
  INT,
  /** A floating-point number, optionally bounded. */
  DOUBLE,
  /** {@code true} or {@code false}. */
  BOOLEAN,
  /** A byte size: a number with an optional K/M/G/T suffix (powers of 1024), e.g. {@code 16G}. */
  SIZE,
  /** One of a fixed list of words. */
  CHOICE,
  /** Free text. */
  STRING
}
