package org.fusioncds.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCards;
import org.fusioncds.report.form.FormSamples;
import org.hl7.fhir.r4.model.Bundle;

/** A realistic write-back request, as the service builds it after one cap-fusion run. */
public final class ReportRequests {

  public static final String SNOMED = "http://snomed.info/sct";
  public static final String LOINC = "http://loinc.org";

  private ReportRequests() {}

  public static ReportRequest capFusion() {
    List<String> inputs =
        List.of("ImagingStudy/x/_history/1", "Observation/y/_history/2", "urn:oid:1.2.3");
    ReportRequest.Model model =
        new ReportRequest.Model(
            "cap-fusion",
            "0.1.0",
            "CAP fusion",
            "model.onnx",
            sha256("cap-fusion graph bytes"),
            "Research use only: not validated for clinical decisions.");
    ReportRequest.Finding pneumonia =
        new ReportRequest.Finding(
            "cap", new ReportRequest.Coding(SNOMED, "233604007", "Pneumonia"), 0.87, 0.5, true);
    return new ReportRequest(
        ResultKey.of(model.id(), model.version(), inputs),
        "patient-1",
        "ImagingStudy/x/_history/1",
        Instant.parse("2026-11-20T08:15:00Z"),
        Instant.parse("2026-11-20T08:16:30Z"),
        model,
        new ReportRequest.Coding(LOINC, "18748-4", "Diagnostic imaging study"),
        List.of(pneumonia),
        inputs,
        List.of("labs:pct"),
        "Organization/hospital-1",
        "Practitioner/dr-1",
        null,
        null);
  }

  /** The committed cap-fusion model card file, as the write-back puts it on the FHIR server. */
  public static ModelCardDocument cardDocument() {
    Path file = Path.of("models/cap-fusion/model-card.yaml");
    return ModelCardDocument.read(ModelCards.load(file), file);
  }

  /**
   * The write-back transaction of {@link #capFusion()}, with the real model card, small real forms
   * and key image.
   */
  public static Bundle transaction() {
    return ReportBundleBuilder.build(
        capFusion(), cardDocument(), FormSamples.minimal(), "http://fhir.test/fhir");
  }

  private static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
