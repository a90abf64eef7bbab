package io.asisim.policies.sensitivity;

import com.google.auto.service.AutoService;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;

/** The sensitivity classifier plugins ({@code gfp-sensitive}, {@code all-sensitive}, {@code user-data-only}). */
public final class SensitivityPlugins {
  private SensitivityPlugins() {}

  private abstract static class Base implements Plugin<SensitivityClassifier> {
    @Override
    public PluginKind kind() {
      return PluginKind.SENSITIVITY;
    }
  }

  /** {@code gfp-sensitive}: {@link GfpSensitiveClassifier}. */
  @AutoService(Plugin.class)
  public static final class GfpSensitive extends Base {
    @Override
    public String name() {
      return "gfp-sensitive";
    }

    @Override
    public String description() {
      return "sensitive iff __GFP_SENSITIVE, which the ASI RFC adds to GFP_USER (so also any GFP_USER-derived mask)";
    }

    @Override
    public java.util.List<ParamSpec> params() {
      return java.util.List.of(ParamSpec.choice("slab", "reclaimable", GfpSensitiveClassifier.SLAB_CHOICES,
          "which slab caches the kernel creates with __GFP_SENSITIVE: reclaimable (SLAB_RECLAIM_ACCOUNT: dentries, inodes,"
              + " radix-tree nodes; the posted series' [RFC HACKS] patch), none, all"));
    }

    @Override
    public SensitivityClassifier create(Params params, SimContext ctx) {
      return new GfpSensitiveClassifier(params.getString("slab"));
    }
  }

  /** {@code all-sensitive}: every allocation sensitive, the RFC's interim "gfp |= __GFP_SENSITIVE". */
  @AutoService(Plugin.class)
  public static final class AllSensitive extends Base {
    private static final SensitivityClassifier ALL = new SensitivityClassifier() {
      @Override
      public Sensitivity classify(int gfpMask) {
        return Sensitivity.SENSITIVE;
      }

      @Override
      public boolean sensitiveSlab(boolean reclaimable) {
        return true;
      }
    };

    @Override
    public String name() {
      return "all-sensitive";
    }

    @Override
    public String description() {
      return "every allocation sensitive, as the RFC's interim __alloc_pages() hack (gfp |= __GFP_SENSITIVE)";
    }

    @Override
    public SensitivityClassifier create(Params params, SimContext ctx) {
      return ALL;
    }
  }

  /** {@code user-data-only}: {@link UserDataOnlyClassifier}. */
  @AutoService(Plugin.class)
  public static final class UserDataOnly extends Base {
    @Override
    public String name() {
      return "user-data-only";
    }

    @Override
    public String description() {
      return "sensitive iff user or page-cache data: __GFP_HARDWALL (GFP_USER family) or __GFP_MOVABLE (LRU pages)";
    }

    @Override
    public SensitivityClassifier create(Params params, SimContext ctx) {
      return new UserDataOnlyClassifier();
    }
  }
}
