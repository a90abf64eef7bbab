package io.asisim.sim.check;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import java.util.List;

/**
 * Test stand-in for {@code gfp-sensitive}, used only while the real classifier is not on the
 * classpath: {@code __GFP_SENSITIVE} or a user allocation ({@code __GFP_HARDWALL}, which every
 * {@code GFP_USER}-derived mask has and to which the RFC adds {@code __GFP_SENSITIVE}) is sensitive.
 * Not registered through ServiceLoader, so it never clashes with the real plugin.
 */
final class StandInClassifier implements Plugin<SensitivityClassifier> {
  @Override
  public PluginKind kind() {
    return PluginKind.SENSITIVITY;
  }

  @Override
  public String name() {
    return "gfp-sensitive";
  }

  @Override
  public String description() {
    return "test stand-in: __GFP_SENSITIVE or GFP_USER-derived is sensitive";
  }

  @Override
  public List<ParamSpec> params() {
    return List.of();
  }

  @Override
  public SensitivityClassifier create(Params params, SimContext ctx) {
    return gfp -> (gfp & (Gfp.__GFP_SENSITIVE | Gfp.__GFP_HARDWALL)) != 0 ? Sensitivity.SENSITIVE
        : Sensitivity.NONSENSITIVE;
  }
}
