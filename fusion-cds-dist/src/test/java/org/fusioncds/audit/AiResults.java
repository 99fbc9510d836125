package org.fusioncds.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;

/** Write-back requests as the service builds them after a model run, for the compliance tests. */
final class AiResults {

  static final String SNOMED = "http://snomed.info/sct";
  static final String LOINC = "http://loinc.org";

  private AiResults() {}

  /** The model's graph SHA-256, as the Device carries it: a hash of the model id's bytes. */
  static String sha256(String modelId) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(md.digest((modelId + " graph bytes").getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ReportRequest.Model model(String modelId, String version) {
    return new ReportRequest.Model(
        modelId,
        version,
        modelId + " model",
        modelId + ".onnx",
        sha256(modelId),
        "Research use only: not validated for clinical decisions.");
  }

  /**
   * One AI result.
   *
   * @param inputs versioned references ({@code Type/id/_history/n}) or {@code urn:oid:} UIDs
   */
  static ReportRequest request(
      String patientId,
      ReportRequest.Model model,
      Instant issued,
      String imagingStudy,
      List<String> inputs,
      List<String> missing,
      String requester) {
    ReportRequest.Finding pneumonia =
        new ReportRequest.Finding(
            "cap", new ReportRequest.Coding(SNOMED, "233604007", "Pneumonia"), 0.87, 0.5, true);
    return new ReportRequest(
        ResultKey.of(model.id(), model.version(), inputs),
        patientId,
        imagingStudy,
        issued.minusSeconds(90),
        issued,
        model,
        new ReportRequest.Coding(LOINC, "18748-4", "Diagnostic imaging study"),
        List.of(pneumonia),
        inputs,
        missing,
        "Organization/hospital-1",
        requester,
        null,
        null);
  }
}
