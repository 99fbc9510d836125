package org.fusioncds.report.form;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.junit.jupiter.api.Test;

class EvaluationSummaryTest {

  @Test
  void theRadiographCardsFiguresReadAsSentencesWithTheirIntervals() {
    ModelCard card = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));
    String text = String.join("\n", EvaluationSummary.lines(card.evaluation()));

    assertTrue(text.contains("Tested on: synthetic, 1000 patients, seed 303"), text);
    assertTrue(text.contains("this model 0.915 (95 % CI 0.895–0.933)"), text);
    assertTrue(text.contains("image alone 0.833 (95 % CI 0.803–0.861)"), text);
    assertTrue(text.contains("clinical data alone 0.843"), text);
    assertTrue(text.contains("sensitivity 67 %, specificity 93 %, accuracy 86 %, F1 0.733"), text);
    assertTrue(text.contains("off by 0.023 on average"), text);
    assertTrue(text.contains("without image 0.873; without labs 0.913"), text);
    assertTrue(text.contains("AUROC over unseen cohorts (synthetic, 10 cohorts of 500"), text);
    assertFalse(text.contains("paired_difference"), "the raw keys stay on the model card: " + text);
    assertFalse(text.contains("_"), "no key is printed as a key: " + text);
  }

  @Test
  void theVolumeCardsUnseenCohortsAndLimitationAreSaid() {
    ModelCard card = ModelCards.load(Path.of("models/nodule-ct/model-card.yaml"));
    String text = String.join("\n", EvaluationSummary.lines(card.evaluation()));

    assertTrue(text.contains("median: this model 0.850; image alone 0.751"), text);
    assertTrue(text.contains("this model's worst cohort 0.820"), text);
    assertTrue(text.contains("sensitivity 67 %, specificity 86 %"), text);
    assertTrue(text.contains("off by 0.037 on average"), text);
    assertTrue(text.contains("Limitation: The learned image model reaches AUROC 0.75"), text);
  }

  @Test
  void aCardWithoutEvaluationOrWithOnlyUnknownKeysSaysNothing() {
    assertEquals(List.of(), EvaluationSummary.lines(null));
    assertEquals(List.of(), EvaluationSummary.lines(Map.of("something_else", 1)));
    assertEquals(
        List.of(
            "AUROC (1 ranks every case above every non-case, 0.5 is chance): this model 0.900."),
        EvaluationSummary.lines(Map.of("auroc", Map.of("fused", 0.9), "auroc_ci95", "broken")));
  }
}
