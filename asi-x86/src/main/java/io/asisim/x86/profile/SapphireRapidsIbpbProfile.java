package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code sapphire-rapids-ibpb}: Intel Sapphire Rapids with an IBPB forced on every asi_exit() (RFC benchmark config). Values and sources in {@link Profiles#sapphireRapidsIbpb()}. */
@AutoService(Plugin.class)
public final class SapphireRapidsIbpbProfile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "sapphire-rapids-ibpb";

  public SapphireRapidsIbpbProfile() {
    super(Profiles.sapphireRapidsIbpb());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Intel Sapphire Rapids with an IBPB forced on every asi_exit() (RFC benchmark config)";
  }
}
