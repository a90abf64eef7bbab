package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code sapphire-rapids}: Intel Sapphire Rapids (Golden Cove), IBPB disabled as with clearcpuid=ibpb. Values and sources in {@link Profiles#sapphireRapids()}. */
@AutoService(Plugin.class)
public final class SapphireRapidsProfile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "sapphire-rapids";

  public SapphireRapidsProfile() {
    super(Profiles.sapphireRapids());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Intel Sapphire Rapids (Golden Cove), IBPB disabled as with clearcpuid=ibpb";
  }
}
