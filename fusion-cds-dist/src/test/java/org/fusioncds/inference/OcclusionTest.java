package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

/** The occlusion map's masking; the map of the real demo model is in ReportFormsTest. */
class OcclusionTest {

  @Test
  void hidesExactlyOneCellOfEveryChannelPlane() {
    float[] image = new float[2 * 8 * 8];
    java.util.Arrays.fill(image, 1f);

    float[] hidden = Occlusion.hide(image, 8, 8, 4, 1, 2, -3f);

    int changed = 0;
    for (int p = 0; p < 2; p++) {
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean inCell = y >= 2 && y < 4 && x >= 4 && x < 6;
          assertEquals(
              inCell ? -3f : 1f, hidden[p * 64 + y * 8 + x], "plane " + p + " " + y + "," + x);
          changed += inCell ? 1 : 0;
        }
      }
    }
    assertEquals(8, changed);
    assertEquals(1f, image[2 * 8 + 4], "the input is not changed");
  }

  @Test
  void refusesAGridOutOfRange() {
    FcdsException e = assertThrows(FcdsException.class, () -> new Occlusion(null, 33));

    assertEquals(5106, e.code());
    assertEquals("FCDS-5106: inference.explain.grid must be 0..32 — 33", e.getMessage());
  }
}
