package org.fusioncds.flow;

import java.time.Instant;
import java.util.List;

/**
 * Everything the write-back needs about one AI result, independent of how it was computed.
 *
 * @param imagingStudy the versioned reference of the study the image came from, or null
 * @param inputs versioned references of every input used ({@code Type/id/_history/v}, or {@code
 *     urn:oid:} for DICOM instances)
 * @param missing the inputs that were absent, for example {@code image} or {@code labs:crp}
 * @param asOf the time the card's recency rules were applied at (a backfill job's study time, else
 *     the evaluation's "now"); null: not recorded
 */
public record ReportRequest(
    ResultKey key,
    String patientId,
    String imagingStudy,
    Instant studyTime,
    Instant issued,
    Model model,
    Coding reportCode,
    List<Finding> findings,
    List<String> inputs,
    List<String> missing,
    String organization,
    String requester,
    Instant asOf) {

  /** A request that records no "as of" time. */
  public ReportRequest(
      ResultKey key,
      String patientId,
      String imagingStudy,
      Instant studyTime,
      Instant issued,
      Model model,
      Coding reportCode,
      List<Finding> findings,
      List<String> inputs,
      List<String> missing,
      String organization,
      String requester) {
    this(
        key,
        patientId,
        imagingStudy,
        studyTime,
        issued,
        model,
        reportCode,
        findings,
        inputs,
        missing,
        organization,
        requester,
        null);
  }

  public ReportRequest {
    findings = List.copyOf(findings);
    inputs = List.copyOf(inputs);
    missing = List.copyOf(missing);
  }

  /** A code with its system and display. */
  public record Coding(String system, String code, String display) {}

  /** The model as a device: identity, version, graph hash, and its caveat. */
  public record Model(
      String id, String version, String name, String graph, String sha256, String disclaimer) {

    /** Device identifier value: id|version|sha256. */
    public String identifier() {
      return id + "|" + version + "|" + sha256;
    }
  }

  /** One model output: the finding, its probability, the threshold and the decision. */
  public record Finding(
      String outputName, Coding code, double probability, double threshold, boolean positive) {}
}
