package org.fusioncds.report.form;

import java.time.Instant;
import java.util.List;

/**
 * What the report form shows, already worded: no FHIR resource and no patient name, only the
 * patient's reference, as the EHR shows it with any report.
 *
 * @param warning the model card's warning
 * @param keyImage the key image and its overlay, or null without an image
 * @param evaluation the model card's evaluation in sentences ({@link EvaluationSummary})
 */
record FormFacts(
    String title,
    String patient,
    String study,
    Instant studyTime,
    Instant issued,
    String resultKey,
    String provenanceId,
    String warning,
    List<Finding> findings,
    KeyImage.Images keyImage,
    String imageNote,
    List<InputRow> inputs,
    List<MissingRow> missing,
    Model model,
    List<String> evaluation) {

  FormFacts {
    findings = List.copyOf(findings);
    inputs = List.copyOf(inputs);
    missing = List.copyOf(missing);
    evaluation = List.copyOf(evaluation);
  }

  /** One model output: the finding, probability, threshold, decision, indicator. */
  record Finding(
      String display, double probability, double threshold, boolean positive, String indicator) {}

  /**
   * One input the model used: its name, the value as recorded, unit, time, versioned reference;
   * {@code brief} is the same input as the card's detail names it ({@code "WBC 14.2 10*3/uL (3.0 h
   * before the image)"}), or null for the image (named apart).
   */
  record InputRow(
      String name, String value, String unit, String time, String reference, String brief) {}

  /** One input the model expected and did not get, and why. */
  record MissingRow(String name, String reason) {}

  /** The model: card id, version, the graph that ran and its SHA-256, the intended use. */
  record Model(
      String id, String version, String name, String graph, String sha256, String intendedUse) {}
}
