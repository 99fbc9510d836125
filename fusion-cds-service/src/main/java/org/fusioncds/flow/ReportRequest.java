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
 * @param readable the inputs as a person reads them (the card's detail), or null when only the
 *     references are known (a report read back from the FHIR server)
 * @param asOf the time the card's recency rules were applied at (a backfill job's study time, else
 *     the evaluation's "now"); null: not recorded (a report read back, a test's request)
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
    Readable readable,
    Instant asOf) {

  public ReportRequest {
    findings = List.copyOf(findings);
    inputs = List.copyOf(inputs);
    missing = List.copyOf(missing);
  }

  /**
   * The inputs as the card names them: each used value with its unit as recorded and its time
   * relative to the image ({@code "WBC 14.2 10*3/uL (3.0 h before the image)"}), and the image (its
   * description and time), no reference and nothing of the patient beyond what the EHR shows.
   *
   * @param image the image line ({@code "chest radiograph of 2026-12-03 08:12 UTC"}), or null when
   *     no image was used
   */
  public record Readable(List<String> used, String image) {
    public Readable {
      used = List.copyOf(used);
    }
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
