package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code zen4}: AMD EPYC 9004 Genoa (Zen 4). Values and sources in the resource {@code zen4.properties}. */
@AutoService(Plugin.class)
@SuppressWarnings("rawtypes")
public final class Zen4Profile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "zen4";

  /** The descriptor, with this CPU's defaults as parameters. */
  public Zen4Profile() {
    super(Profiles.load(NAME));
  }

  @Override
  public String name() {
    return NAME;
  }
}
