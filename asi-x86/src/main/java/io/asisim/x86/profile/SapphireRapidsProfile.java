package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code sapphire-rapids}: Intel Sapphire Rapids (Golden Cove), IBPB disabled as with clearcpuid=ibpb. Values and sources in the resource {@code sapphire-rapids.properties}. */
@AutoService(Plugin.class)
@SuppressWarnings("rawtypes")
public final class SapphireRapidsProfile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "sapphire-rapids";

  /** The descriptor, with this CPU's defaults as parameters. */
  public SapphireRapidsProfile() {
    super(Profiles.load(NAME));
  }

  @Override
  public String name() {
    return NAME;
  }
}
