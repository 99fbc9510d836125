package org.fusioncds.assemble;

import org.fusioncds.flow.ModelInputs.InputReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/** Versioned FHIR R4 references ({@code Type/id/_history/v}) of the resources used. */
final class References {

  private References() {}

  static InputReference of(Resource r) {
    IdType id = r.getIdElement();
    String value = id.getValue();
    if (value == null || value.isBlank()) {
      return new InputReference(r.fhirType() + "/(no id)", false);
    }
    if (value.startsWith("urn:")) {
      return new InputReference(value, false);
    }
    String version = id.hasVersionIdPart() ? id.getVersionIdPart() : r.getMeta().getVersionId();
    String base = r.fhirType() + "/" + id.getIdPart();
    return version == null || version.isBlank()
        ? new InputReference(base, false)
        : new InputReference(base + "/_history/" + version, true);
  }

  /** A DICOM instance by its SOP Instance UID (immutable). */
  static InputReference dicom(String sopInstanceUid) {
    return new InputReference("urn:oid:" + sopInstanceUid, true);
  }
}
