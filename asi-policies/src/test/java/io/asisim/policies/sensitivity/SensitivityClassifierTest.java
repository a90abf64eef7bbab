package io.asisim.policies.sensitivity;

import static io.asisim.api.mm.Sensitivity.NONSENSITIVE;
import static io.asisim.api.mm.Sensitivity.SENSITIVE;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.mm.Gfp;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SensitivityClassifierTest {
  private final GfpSensitiveClassifier gfp = new GfpSensitiveClassifier();
  private final UserDataOnlyClassifier user = new UserDataOnlyClassifier();

  @Test
  void gfpSensitiveFollowsTheRfc() {
    assertThat(gfp.classify(Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE)).isEqualTo(SENSITIVE);
    assertThat(gfp.classify(Gfp.GFP_USER)).isEqualTo(SENSITIVE);
    assertThat(gfp.classify(Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_ZERO)).isEqualTo(SENSITIVE);
    assertThat(gfp.classify(Gfp.GFP_TRANSHUGE)).isEqualTo(SENSITIVE);
    // page-cache readahead mask of the shared trace: GFP_HIGHUSER_MOVABLE minus __GFP_FS
    assertThat(gfp.classify(Gfp.parse("GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL")))
        .isEqualTo(SENSITIVE);
    assertThat(gfp.classify(Gfp.GFP_KERNEL)).isEqualTo(NONSENSITIVE);
    assertThat(gfp.classify(Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_ZERO)).isEqualTo(NONSENSITIVE);
    assertThat(gfp.classify(Gfp.GFP_ATOMIC)).isEqualTo(NONSENSITIVE);
  }

  @Test
  void userDataOnlyIgnoresExplicitSensitivity() {
    assertThat(user.classify(Gfp.GFP_HIGHUSER_MOVABLE)).isEqualTo(SENSITIVE);
    assertThat(user.classify(Gfp.GFP_NOFS | Gfp.__GFP_MOVABLE)).isEqualTo(SENSITIVE);
    assertThat(user.classify(Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE)).isEqualTo(NONSENSITIVE);
    assertThat(user.classify(Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE)).isEqualTo(NONSENSITIVE);
  }

  @Test
  void pluginsAreDiscoverable() {
    TreeSet<String> names = new TreeSet<>();
    for (Plugin<?> p : ServiceLoader.load(Plugin.class)) {
      if (p.kind().id().equals("sensitivity")) {
        names.add(p.name());
        Object c = p.create(Params.of(p), null);
        assertThat(c).isInstanceOf(io.asisim.api.mm.SensitivityClassifier.class);
      }
    }
    assertThat(names).contains("all-sensitive", "gfp-sensitive", "user-data-only");
  }
}
