package io.asisim.api.mm;

/**
 * Whether memory may be mapped in the ASI restricted address space. Sensitive memory (user data,
 * page cache, anything that could leak it) is absent from it; touching it while restricted exits
 * ASI.
 */
public enum Sensitivity {
  NONSENSITIVE,
  SENSITIVE;

  /** The other class. */
  public Sensitivity other() {
    return this == SENSITIVE ? NONSENSITIVE : SENSITIVE;
  }
}
