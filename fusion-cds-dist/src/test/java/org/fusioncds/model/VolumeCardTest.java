package org.fusioncds.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

/** The {@code volume:} section of a card: read from nodule-ct's card, and each part checked. */
class VolumeCardTest {

  private static String card() throws Exception {
    return Files.readString(Path.of("models/nodule-ct/model-card.yaml"));
  }

  private static FcdsException refused(String from, String to) throws Exception {
    String yaml = card();
    assertTrue(yaml.contains(from), from);
    return assertThrows(FcdsException.class, () -> ModelCards.parse(yaml.replace(from, to), "t"));
  }

  @Test
  void readsTheVolumeSectionOfTheNoduleCard() throws Exception {
    ModelCard c = ModelCards.parse(card(), "nodule-ct");
    ModelCard.VolumeSpec v = c.volume();
    assertEquals("volume", v.tensor());
    assertEquals("volume_present", v.presentTensor());
    assertEquals("LPS", v.orientation());
    assertEquals(List.of(4.0, 4.0, 5.0), v.spacingMm());
    assertEquals(List.of(72, 56, 48), v.size());
    assertEquals(-400.0, v.window().center());
    assertEquals(1600.0, v.window().width());
    assertEquals(null, c.image());
  }

  @Test
  void refusesASizeThatDisagreesWithTheTensorShape() throws Exception {
    FcdsException e = refused("size: [72, 56, 48]", "size: [72, 56, 16]");
    assertEquals(5003, e.code());
    assertTrue(e.getMessage().contains("[1, 1, 16, 56, 72]"), e.getMessage());
  }

  @Test
  void refusesAnOrientationThatIsNotThreePatientAxes() throws Exception {
    FcdsException e = refused("orientation: LPS", "orientation: LPL");
    assertEquals(5002, e.code());
    assertTrue(e.getMessage().contains("volume.orientation"), e.getMessage());
  }

  @Test
  void refusesANonPositiveSpacingOrWindow() throws Exception {
    assertEquals(5002, refused("spacingMm: [4.0, 4.0, 5.0]", "spacingMm: [4.0, 0, 5.0]").code());
    assertEquals(5002, refused("width: 1600}", "width: 0}").code());
    assertEquals(5002, refused("minCoverage: 0.6", "minCoverage: 1.5").code());
  }
}
