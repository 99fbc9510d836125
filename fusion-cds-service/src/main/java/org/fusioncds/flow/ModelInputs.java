package org.fusioncds.flow;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the assemble step ({@code InputAssembler}) built for one model and one patient: named
 * float32 tensors (masks included, in the card's input order), the versioned FHIR references (and
 * DICOM SOP Instance UID) of every input actually used, what was missing and why, and the study
 * time the window was anchored on. Crosses from assemble to inference (DESIGN.md).
 *
 * @param studyTime ImagingStudy.started, or the evaluation time when no study was eligible
 * @param assembleMillis wall time spent assembling
 */
public record ModelInputs(
    String modelId,
    String modelVersion,
    Map<String, Tensor> tensors,
    List<InputReference> references,
    List<Missing> missing,
    Instant studyTime,
    double assembleMillis) {

  public ModelInputs {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    references = List.copyOf(references);
    missing = List.copyOf(missing);
  }

  /**
   * The references of every input used, as text ({@code Type/id/_history/v} or {@code urn:oid:}).
   */
  public List<String> referenceStrings() {
    return references.stream().map(InputReference::reference).toList();
  }

  /** What was missing, e.g. {@code image} or {@code labs:crp}. */
  public List<String> missingNames() {
    return missing.stream().map(Missing::what).toList();
  }

  /** The tensor of that name, or null. */
  public Tensor tensor(String name) {
    return tensors.get(name);
  }

  /**
   * One input used. {@code reference} is {@code Type/id/_history/v} when the resource carried a
   * version id ({@code versioned} true), else the unversioned reference as the resource gave it
   * ({@code versioned} false). DICOM instances are {@code urn:oid:<SOP Instance UID>} (immutable,
   * so versioned).
   */
  public record InputReference(String reference, boolean versioned) {}

  /** An input that is missing: {@code what} is {@code image} or {@code <kind>:<feature>}. */
  public record Missing(String what, String reason) {}
}
