package org.fusioncds.assemble;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/** The resources of one patient read from a FHIR R4 Bundle (a cohort's transaction bundle). */
public record PatientRecord(
    Patient patient,
    List<ImagingStudy> studies,
    List<Observation> observations,
    List<Condition> conditions,
    List<Encounter> encounters) {

  /** Reads a Bundle file; exactly one Patient is expected (4501 otherwise). */
  public static PatientRecord read(Path bundleFile) {
    Bundle bundle;
    try (Reader r = Files.newBufferedReader(bundleFile, StandardCharsets.UTF_8)) {
      bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, r);
    } catch (IOException | DataFormatException e) {
      throw new FcdsException(
          ErrorCode.COHORT_BUNDLE_INVALID,
          "cohort bundle unreadable — " + bundleFile.getFileName(),
          e);
    }
    return of(bundle, bundleFile.getFileName().toString());
  }

  static PatientRecord of(Bundle bundle, String origin) {
    List<Patient> patients = new ArrayList<>();
    List<ImagingStudy> studies = new ArrayList<>();
    List<Observation> observations = new ArrayList<>();
    List<Condition> conditions = new ArrayList<>();
    List<Encounter> encounters = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      Resource r = e.getResource();
      if (r instanceof Patient p) {
        patients.add(p);
      } else if (r instanceof ImagingStudy s) {
        studies.add(s);
      } else if (r instanceof Observation o) {
        observations.add(o);
      } else if (r instanceof Condition c) {
        conditions.add(c);
      } else if (r instanceof Encounter v) {
        encounters.add(v);
      }
    }
    if (patients.size() != 1) {
      throw new FcdsException(
          ErrorCode.COHORT_BUNDLE_INVALID,
          "cohort bundle must hold one Patient, found " + patients.size() + " — " + origin);
    }
    return new PatientRecord(patients.get(0), studies, observations, conditions, encounters);
  }

  /**
   * When the decision support is asked for: the start of the latest encounter (the visit), or null
   * when the bundle has none.
   */
  public Instant visitTime() {
    return encounters.stream()
        .map(e -> e.getPeriod().getStart())
        .filter(java.util.Objects::nonNull)
        .map(java.util.Date::toInstant)
        .max(Instant::compareTo)
        .orElse(null);
  }

  /** The Patient's logical id ({@code urn:uuid:} stripped, as bundles carry it). */
  public String patientId() {
    String id = patient.getIdElement().getValue();
    if (id == null) {
      return "";
    }
    return id.startsWith("urn:uuid:") ? id.substring(9) : patient.getIdElement().getIdPart();
  }
}
