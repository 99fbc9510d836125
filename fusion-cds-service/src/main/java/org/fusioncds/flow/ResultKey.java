package org.fusioncds.flow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The idempotency key of one AI result (DESIGN.md): SHA-256 over the model id, the model version
 * and the sorted versioned references of every input. It is the DiagnosticReport identifier, and
 * answers "was this already computed?".
 */
public record ResultKey(String value) {

  /** The identifier system of result keys on DiagnosticReport and Observation. */
  public static final String SYSTEM = "urn:fusion-cds:result-key";

  public static ResultKey of(String modelId, String modelVersion, List<String> inputReferences) {
    StringBuilder text = new StringBuilder(modelId).append('\n').append(modelVersion);
    inputReferences.stream().sorted().forEach(r -> text.append('\n').append(r));
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return new ResultKey(HexFormat.of().formatHex(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A FHIR id derived from the key (64 characters at most): for resources without identifier. */
  public String fhirId(String prefix) {
    return (prefix + "-" + value).substring(0, Math.min(64, prefix.length() + 1 + value.length()));
  }
}
