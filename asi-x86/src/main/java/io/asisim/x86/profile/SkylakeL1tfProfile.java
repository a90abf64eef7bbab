package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code skylake-l1tf}: Intel Skylake-SP, affected by L1TF (L1D flush on asi_enter). Values and sources in {@link Profiles#skylakeL1tf()}. */
@AutoService(Plugin.class)
public final class SkylakeL1tfProfile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "skylake-l1tf";

  public SkylakeL1tfProfile() {
    super(Profiles.skylakeL1tf());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Intel Skylake-SP, affected by L1TF (L1D flush on asi_enter)";
  }
}
