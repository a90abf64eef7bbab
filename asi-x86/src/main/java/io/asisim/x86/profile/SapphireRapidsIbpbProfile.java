package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code sapphire-rapids-ibpb}: Intel Sapphire Rapids with an IBPB forced on every asi_exit() (RFC benchmark config). Values and sources in the resource {@code sapphire-rapids-ibpb.properties}. */
@AutoService(Plugin.class)
@SuppressWarnings("rawtypes")
public final class SapphireRapidsIbpbProfile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "sapphire-rapids-ibpb";

  /** The descriptor, with this CPU's defaults as parameters. */
  public SapphireRapidsIbpbProfile() {
    super(Profiles.load(NAME));
  }

  @Override
  public String name() {
    return NAME;
  }
}
