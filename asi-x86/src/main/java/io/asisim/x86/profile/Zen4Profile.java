package io.asisim.x86.profile;

import com.google.auto.service.AutoService;
import io.asisim.api.plugin.Plugin;

/** CPU profile {@code zen4}: AMD EPYC 9004 Genoa (Zen 4). Values and sources in {@link Profiles#zen4()}. */
@AutoService(Plugin.class)
public final class Zen4Profile extends CpuProfilePlugin {
  /** The plugin name. */
  public static final String NAME = "zen4";

  public Zen4Profile() {
    super(Profiles.zen4());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "AMD EPYC 9004 Genoa (Zen 4)";
  }
}
