package io.asisim.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Sensitivity;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.PluginKind;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a sensitivity classifier (kind {@code sensitivity}): a total, pure function of
 * the GFP mask — every mask the kernel can print (each {@code __GFP_*} bit, each {@code GFP_*}
 * composite, random combinations of the defined bits) gets an answer, the same answer every time
 * and from every instance — plus the author's own expectations ({@link #expectations()}).
 */
public abstract class SensitivityClassifierContract extends PluginContract {

  @Override
  protected final PluginKind expectedKind() {
    return PluginKind.SENSITIVITY;
  }

  /** Masks whose answer the author vouches for, e.g. {@code GFP_HIGHUSER_MOVABLE -> SENSITIVE}. */
  protected abstract Map<Integer, Sensitivity> expectations();

  private SensitivityClassifier create() {
    return new VariantObjects(TestVariants.builder().select(PluginKind.SENSITIVITY, plugin().name())
        .setAll(PluginKind.SENSITIVITY, plugin().name(), params()).build(), registry()).get(SensitivityClassifier.class);
  }

  /** Every named constant of {@link Gfp} whose name starts with GFP_ or __GFP_. */
  static List<Integer> namedMasks() {
    List<Integer> out = new ArrayList<>();
    for (Field f : Gfp.class.getFields()) {
      if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())
          && (f.getName().startsWith("GFP_") || f.getName().startsWith("__GFP_"))) {
        try {
          out.add(f.getInt(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  @Test
  void answersEveryMaskTheSameWay() {
    SensitivityClassifier a = create();
    SensitivityClassifier b = create();
    int defined = 0;
    for (int m : namedMasks()) {
      defined |= m;
    }
    List<Integer> masks = new ArrayList<>(namedMasks());
    masks.add(0);
    for (int bit = 0; bit < 32; bit++) {
      if ((defined & (1 << bit)) != 0) {
        masks.add(1 << bit);
      }
    }
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 50_000; i++) {
      masks.add(rnd.nextInt() & defined);
    }
    for (int m : masks) {
      Sensitivity s = a.classify(m);
      assertThat(s).as("classify(%s)", Gfp.format(m)).isNotNull();
      assertThat(a.classify(m)).as("pure: %s", Gfp.format(m)).isEqualTo(s);
      assertThat(b.classify(m)).as("same in another instance: %s", Gfp.format(m)).isEqualTo(s);
    }
  }

  @Test
  void meetsTheAuthorsExpectations() {
    SensitivityClassifier c = create();
    assertThat(expectations()).as("at least one expectation").isNotEmpty();
    expectations().forEach((m, want) -> assertThat(c.classify(m)).as(Gfp.format(m)).isEqualTo(want));
  }
}
