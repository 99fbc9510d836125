package org.fusioncds.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.fusioncds.inference.TestModels;
import org.junit.jupiter.api.Test;

class ModelCardTest {

  private static String example() throws IOException {
    return Files.readString(TestModels.EXAMPLE_CARD);
  }

  @Test
  void loadsTheExampleCard() {
    ModelCard card = ModelCards.load(TestModels.EXAMPLE_CARD);

    assertEquals("cap-fusion", card.id());
    assertEquals("233604007", card.finding().code());
    assertEquals("Synthetic data — not for clinical use", card.warning());
    assertEquals(List.of("CR", "DX"), card.study().modalities());
    assertEquals(List.of(1L, 1L, 128L, 128L), card.input("image").shape());
    assertEquals(12, card.features().size());
    assertEquals("fused", card.fusion().defaultGraph());
    assertEquals(3, card.graphs().size());
  }

  @Test
  void theStudySectionWordsTheNotEvaluableCard() throws IOException {
    String yaml =
        example()
            .replace("modalities: [CR, DX]", "modalities: [CT]")
            .replace("description: chest radiograph", "description: chest CT")
            .replace("bodyPart: chest", "bodyPart: thorax")
            .replace("maxAgeHours: 48", "maxAgeHours: 72");

    ModelCard card = ModelCards.parse(yaml, "test");

    assertEquals("AI: no recent chest CT to analyse", card.notEvaluableSummary());
    assertEquals(
        "No imaging study of this patient matches the model's inputs (CT, thorax, within 72 h)."
            + " The model was not run.",
        card.notEvaluableDetail());
  }

  @Test
  void aCardWithoutWordsForItsStudyCallsItAnImagingStudy() throws IOException {
    String yaml =
        example()
            .replaceAll("(?m)^  description: .*\\n", "")
            .replaceAll("(?m)^  bodyPart: .*\\n", "");

    ModelCard card = ModelCards.parse(yaml, "test");

    assertEquals("AI: no recent imaging study to analyse", card.notEvaluableSummary());
    assertTrue(
        card.notEvaluableDetail()
            .startsWith(
                "No imaging study of this patient matches the model's inputs (CR/DX, within 48 h)"),
        card.notEvaluableDetail());
  }

  @Test
  void refusesCardWithoutThresholdNamingTheField() throws IOException {
    String yaml = example().replace("    threshold: 0.5\n", "");

    FcdsException e = assertThrows(FcdsException.class, () -> ModelCards.parse(yaml, "test"));

    assertEquals(5002, e.code());
    assertTrue(e.getMessage().contains("outputs[0].threshold"), e.getMessage());
  }

  @Test
  void overrideReasonsAreFullCodingsWithNoCodeTwice() throws IOException {
    ModelCard card = ModelCards.parse(example(), "test");
    assertEquals(5, card.overrideReasons().size());
    assertEquals("Other (see comment)", card.overrideReasons().get(4).display());

    String noDisplay = example().replace(", display: \"Other (see comment)\"", "");
    FcdsException missing =
        assertThrows(FcdsException.class, () -> ModelCards.parse(noDisplay, "test"));
    assertEquals(5002, missing.code());
    assertTrue(missing.getMessage().contains("overrideReasons[4].display"), missing.getMessage());

    String twice = example().replace("code: other,", "code: clinical-picture,");
    FcdsException dup = assertThrows(FcdsException.class, () -> ModelCards.parse(twice, "test"));
    assertEquals(5002, dup.code());
    assertTrue(dup.getMessage().contains("overrideReasons[4]"), dup.getMessage());
    assertTrue(dup.getMessage().contains("clinical-picture' twice"), dup.getMessage());
  }

  @Test
  void refusesGraphReferringToUnknownTensor() throws IOException {
    String yaml = example().replace("inputs: [image]\n", "inputs: [picture]\n");

    FcdsException e = assertThrows(FcdsException.class, () -> ModelCards.parse(yaml, "test"));

    assertEquals(5003, e.code());
    assertTrue(e.getMessage().contains("graphs.image_only.inputs"), e.getMessage());
    assertTrue(e.getMessage().contains("picture"), e.getMessage());
  }

  @Test
  void refusesUnknownFieldNamingItsPath() throws IOException {
    String yaml = example().replace("  resize: area", "  resize: area\n  resample: nearest");

    FcdsException e = assertThrows(FcdsException.class, () -> ModelCards.parse(yaml, "test"));

    assertEquals(5002, e.code());
    assertTrue(e.getMessage().contains("image.resample"), e.getMessage());
  }

  @Test
  void refusesFeatureCountDifferentFromTabularWidth() throws IOException {
    String yaml =
        example()
            .replace("shape: [1, 12],          kind: tabular", "shape: [1, 11], kind: tabular");

    FcdsException e = assertThrows(FcdsException.class, () -> ModelCards.parse(yaml, "test"));

    assertEquals(5003, e.code());
    assertTrue(e.getMessage().contains("12 features but tabular shape width 11"), e.getMessage());
  }

  @Test
  void refusesObservationFeatureWithoutUnit() throws IOException {
    String yaml = example().replace("unit: \"mg/L\",    ", "");

    FcdsException e = assertThrows(FcdsException.class, () -> ModelCards.parse(yaml, "test"));

    assertEquals(5002, e.code());
    assertTrue(e.getMessage().contains("features[1].unit"), e.getMessage());
  }
}
