package org.fusioncds.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

/** The classical pipeline's card sections: imageFeatures and the fusion strategies. */
class ClassicCardTest {

  static final Path CLASSIC_CARD = Path.of("models", "cap-classic", "model-card.yaml");

  private static String classic() throws IOException {
    return Files.readString(CLASSIC_CARD);
  }

  private static FcdsException refused(String yaml) {
    return assertThrows(FcdsException.class, () -> ModelCards.parse(yaml, "test"));
  }

  @Test
  void loadsTheClassicCardWithItsFeatureColumns() {
    ModelCard card = ModelCards.load(CLASSIC_CARD);

    ModelCard.ImageFeatures f = card.imageFeatures();
    assertEquals("feature-rf", card.fusion().strategy());
    assertEquals(19, f.columns().size());
    assertEquals(List.of(1L, 19L), card.input(f.tensor()).shape());
    assertEquals("lbp_0", f.columns().get(6));
    assertEquals("mask_std", f.columns().get(18));
    assertEquals(16, f.levels());
    assertEquals(2, card.fusion().stacking().weights().size());
  }

  @Test
  void refusesAnUnknownImageFeatureNamingIt() throws IOException {
    String yaml = classic().replace("glcm_energy,", "glcm_entropy,");

    FcdsException e = refused(yaml);

    assertEquals(4301, e.code());
    assertTrue(e.getMessage().contains("'glcm_entropy'"), e.getMessage());
  }

  @Test
  void refusesAnLbpHistogramOfOtherThanEightNeighbours() throws IOException {
    FcdsException e = refused(classic().replace("\"lbp_hist(8)\"", "\"lbp_hist(16)\""));

    assertEquals(4301, e.code());
    assertTrue(e.getMessage().contains("lbp_hist(16)"), e.getMessage());
  }

  @Test
  void refusesAFeatureTensorOfAnotherWidth() throws IOException {
    String yaml = classic().replace("shape: [1, 19]", "shape: [1, 18]");

    FcdsException e = refused(yaml);

    assertEquals(4302, e.code());
    assertTrue(e.getMessage().contains("19 columns but tensor shape [1, 18]"), e.getMessage());
  }

  @Test
  void refusesGlcmLevelsOutsideTwoTo256() throws IOException {
    FcdsException e = refused(classic().replace("levels: 16", "levels: 1"));

    assertEquals(4302, e.code());
    assertTrue(e.getMessage().contains("levels must be 2–256, found 1"), e.getMessage());
  }

  @Test
  void refusesAMaskOutsideTheWindowedRange() throws IOException {
    FcdsException e =
        refused(classic().replace("mask: {min: 0.2, max: 0.5}", "mask: {min: 0.2, max: 1.5}"));

    assertEquals(4302, e.code());
    assertTrue(e.getMessage().contains("imageFeatures.mask"), e.getMessage());
  }

  @Test
  void refusesAnUnknownFusionStrategy() throws IOException {
    FcdsException e = refused(classic().replace("strategy: feature-rf", "strategy: boosting"));

    assertEquals(5401, e.code());
    assertTrue(e.getMessage().contains("'boosting'"), e.getMessage());
  }

  @Test
  void refusesStackingOverAnUnknownGraph() throws IOException {
    FcdsException e = refused(classic().replace("weights: {image_svm: ", "weights: {image_cnn: "));

    assertEquals(5402, e.code());
    assertTrue(e.getMessage().contains("'image_cnn'"), e.getMessage());
  }

  @Test
  void refusesAStackedStrategyWithoutItsLayer() throws IOException {
    String yaml =
        classic()
            .replace("strategy: feature-rf", "strategy: stacked")
            .replace("defaultGraph: rf", "defaultGraph: stacked")
            .replaceAll("(?m)^  stacking:.*\\n(    .*\\n)*", "");

    FcdsException e = refused(yaml);

    assertEquals(5402, e.code());
  }

  @Test
  void acceptsStackedAsTheDefaultGraph() throws IOException {
    String yaml =
        classic()
            .replace("strategy: feature-rf", "strategy: stacked")
            .replace("defaultGraph: rf", "defaultGraph: stacked");

    assertEquals("stacked", ModelCards.parse(yaml, "test").fusion().defaultGraph());
  }

  @Test
  void refusesAFeatureStrategyWhoseGraphDoesNotTakeTheFeatures() throws IOException {
    String yaml = classic().replace("defaultGraph: rf", "defaultGraph: tabular_rf");

    FcdsException e = refused(yaml);

    assertEquals(5402, e.code());
    assertTrue(e.getMessage().contains("feature-rf"), e.getMessage());
  }
}
