package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code skylake-l1tf}: Intel Skylake-SP, affected by L1TF (L1D flush on asi_enter). Values and sources in the resource {@code skylake-l1tf.properties}. */
@AutoService(Plugin.class)
@SuppressWarnings("rawtypes")
public final class SkylakeL1tfProfile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "skylake-l1tf";

  /** The descriptor, with this CPU's defaults as parameters. */
  public SkylakeL1tfProfile() {
    super(Profiles.load(NAME));
  }

  @Override
  public String name() {
    return NAME;
  }
}
