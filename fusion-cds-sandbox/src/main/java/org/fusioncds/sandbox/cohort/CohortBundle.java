package org.fusioncds.sandbox.cohort;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One patient as a FHIR R4 transaction Bundle: entries with {@code urn:uuid:} full URLs
 * (name-based, so stable) and {@code PUT Type/id} requests with ids derived from the seed, so
 * loading a bundle twice leaves one copy of each resource. References point at the full URLs of the
 * same bundle.
 */
final class CohortBundle {

  /** Issuer of the synthetic patient identifiers (a UUID-derived OID, PS3.5 B.2). */
  static final String PATIENT_ID_ISSUER = "2.25.129917638091712469272491322394661378671";

  static final String SNOMED = "http://snomed.info/sct";
  static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";

  private static final java.time.format.DateTimeFormatter TIMESTAMP =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private final Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);

  private CohortBundle() {}

  static Bundle build(SyntheticPatient p) {
    CohortBundle b = new CohortBundle();
    Reference subject = b.add(patient(p), p.patientId());
    b.add(visit(p, subject), p.patientId() + "-visit");
    if (p.scene() != null) {
      b.add(CohortImagingStudy.build(p, subject), p.patientId() + "-xr");
    }
    List<Measurement> all = p.measurements().all();
    for (int i = 0; i < all.size(); i++) {
      b.add(CohortResources.observation(all.get(i), subject), p.patientId() + "-obs-" + (i + 1));
    }
    for (var onset : p.onsets().entrySet()) {
      String suffix = onset.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-');
      b.add(
          CohortResources.condition(onset.getKey(), onset.getValue(), subject),
          p.patientId() + "-" + suffix);
    }
    return b.bundle;
  }

  private Reference add(Resource r, String id) {
    String type = r.fhirType();
    r.setId(id);
    String fullUrl = fullUrl(type + "/" + id);
    bundle
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(r)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(type + "/" + id);
    return new Reference(fullUrl);
  }

  static String fullUrl(String typeAndId) {
    String name = "fusion-cds synthetic cohort " + typeAndId;
    return "urn:uuid:" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  private static Patient patient(SyntheticPatient p) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:oid:" + PATIENT_ID_ISSUER).setValue(p.patientId());
    patient
        .addName()
        .setUse(HumanName.NameUse.ANONYMOUS)
        .setFamily(SyntheticNames.family(p.patientId()))
        .addGiven(p.identity().number());
    patient.setGender(
        p.clinical().female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
    patient.setBirthDateElement(new DateType(p.birthDate().toString()));
    return patient;
  }

  /**
   * The visit at which the decision support is asked for: its start is the evaluation time of the
   * patient (the lab window's anchor when there is no image). Carries nothing about the label.
   */
  private static Encounter visit(SyntheticPatient p, Reference subject) {
    Encounter e = new Encounter();
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setClass_(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", "emergency"));
    e.setSubject(subject);
    e.getPeriod().setStartElement(dateTime(p.identity().visit()));
    return e;
  }

  static CodeableConcept concept(String system, String code, String display) {
    return new CodeableConcept(new Coding(system, code, display));
  }

  static DateTimeType dateTime(java.time.LocalDateTime t) {
    return new DateTimeType(TIMESTAMP.format(t) + "Z");
  }
}
