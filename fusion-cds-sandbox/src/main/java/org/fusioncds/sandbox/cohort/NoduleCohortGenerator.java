package org.fusioncds.sandbox.cohort;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Writes the synthetic pulmonary-nodule cohort of the {@code nodule-ct} model (not clinical data):
 * per patient a FHIR R4 transaction Bundle (Patient, Encounter, ImagingStudy of a chest CT, a CEA
 * Observation, smoker and COPD Conditions), a chest CT series of {@link NoduleCt#SLICES} slices,
 * one instance per slice ({@code dicom/<study>/<instance>.dcm}), and {@code labels.csv} (label 1 =
 * malignant nodule). The generative process is in {@code models/nodule-ct/COHORT.md}; the same seed
 * gives the same bytes.
 */
public final class NoduleCohortGenerator {

  static final String LOINC = "http://loinc.org";
  static final String CEA_LOINC = "2039-6";

  private NoduleCohortGenerator() {}

  /** Writes the cohort into {@code out} (created; must be empty) and returns its counts. */
  public static CohortSummary generate(int patients, long seed, Path out) {
    return generate(patients, seed, out, VisitFrame.YEAR_2025);
  }

  /** The same, with visits in another frame of time (the demo's: the day before now). */
  public static CohortSummary generate(int patients, long seed, Path out, VisitFrame frame) {
    if (patients < 1 || patients > CohortGenerator.MAX_PATIENTS) {
      throw new FcdsException(
          ErrorCode.COHORT_SIZE,
          "number of patients must be 1 to " + CohortGenerator.MAX_PATIENTS + " — " + patients);
    }
    long start = System.nanoTime();
    CohortFolders folders = CohortFolders.create(out);
    FhirContext fhir = FhirContext.forR4Cached();
    List<String[]> rows =
        IntStream.range(0, patients)
            .parallel()
            .mapToObj(i -> write(NodulePatient.draw(seed, i, frame), seed, folders, fhir))
            .toList();
    StringBuilder csv = new StringBuilder("patient_id,study_uid,label\n");
    int positives = 0;
    int imaged = 0;
    int withoutLabs = 0;
    for (String[] r : rows) {
      csv.append(r[0]).append(',').append(r[1]).append(',').append(r[2]).append('\n');
      positives += r[2].equals("1") ? 1 : 0;
      imaged += r[1].isEmpty() ? 0 : 1;
      withoutLabs += r[3].equals("1") ? 1 : 0;
    }
    folders.write(folders.labels(), csv.toString().getBytes(StandardCharsets.UTF_8));
    return new CohortSummary(
        patients, positives, imaged, withoutLabs, (System.nanoTime() - start) / 1_000_000);
  }

  private static String[] write(
      NodulePatient p, long seed, CohortFolders folders, FhirContext fhir) {
    String json = fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle(p));
    folders.write(folders.bundle(p.patientId()), json.getBytes(StandardCharsets.UTF_8));
    String studyUid = "";
    if (p.identity().imaged()) {
      studyUid = p.identity().studyUid();
      NoduleCt ct = new NoduleCt(p, Rng.of(seed, p.index(), Rng.Stream.PIXELS));
      for (int k = 0; k < NoduleCt.SLICES; k++) {
        DicomWriter.write(ct.slice(k), folders.image(studyUid, ct.instanceUid(k)));
      }
    }
    return new String[] {
      p.patientId(), studyUid, p.malignant() ? "1" : "0", p.cea() == null ? "1" : "0"
    };
  }

  /** One patient as a transaction Bundle (PUT Type/id, stable urn:uuid full URLs). */
  static Bundle bundle(NodulePatient p) {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String pid = p.patientId();
    Reference subject = add(b, patient(p), pid);
    Encounter e = new Encounter();
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setClass_(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    e.setSubject(subject);
    e.getPeriod().setStartElement(CohortBundle.dateTime(p.identity().visit()));
    add(b, e, pid + "-visit");
    if (p.identity().imaged()) {
      add(b, imagingStudy(p, subject), pid + "-ct");
    }
    if (p.cea() != null) {
      add(b, cea(p, subject), pid + "-obs-1");
    }
    if (p.smokerSince() != null) {
      add(
          b,
          condition(
              subject,
              p.smokerSince(),
              new Coding(CohortBundle.SNOMED, "77176002", "Smoker"),
              new Coding(
                  CohortBundle.ICD10CM,
                  "F17.210",
                  "Nicotine dependence, cigarettes, uncomplicated")),
          pid + "-smoker");
    }
    if (p.copdSince() != null) {
      add(
          b,
          condition(
              subject,
              p.copdSince(),
              new Coding(CohortBundle.SNOMED, "13645005", "Chronic obstructive lung disease"),
              new Coding(
                  CohortBundle.ICD10CM,
                  "J44.9",
                  "Chronic obstructive pulmonary disease, unspecified")),
          pid + "-copd");
    }
    return b;
  }

  private static Reference add(Bundle bundle, Resource r, String id) {
    r.setId(id);
    String fullUrl = CohortBundle.fullUrl(r.fhirType() + "/" + id);
    bundle
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(r)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(r.fhirType() + "/" + id);
    return new Reference(fullUrl);
  }

  private static Patient patient(NodulePatient p) {
    Patient patient = new Patient();
    patient
        .addIdentifier()
        .setSystem("urn:oid:" + CohortBundle.PATIENT_ID_ISSUER)
        .setValue(p.patientId());
    patient
        .addName()
        .setUse(HumanName.NameUse.ANONYMOUS)
        .setFamily(SyntheticNames.family(p.patientId()))
        .addGiven(p.identity().number());
    patient.setGender(p.female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
    patient.setBirthDateElement(new DateType(p.birthDate().toString()));
    return patient;
  }

  private static ImagingStudy imagingStudy(NodulePatient p, Reference subject) {
    Identity id = p.identity();
    Coding ct = new Coding(CohortImagingStudy.DCM, "CT", "Computed Tomography");
    ImagingStudy s = new ImagingStudy();
    s.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + id.studyUid());
    s.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
    s.addModality(ct);
    s.setSubject(subject);
    s.setStartedElement(CohortBundle.dateTime(id.visit()));
    s.setNumberOfSeries(1).setNumberOfInstances(NoduleCt.SLICES).setDescription(NoduleCt.STUDY);
    ImagingStudy.ImagingStudySeriesComponent series = s.addSeries();
    series.setUid(id.seriesUid()).setNumber(1).setModality(ct.copy());
    series.setDescription(NoduleCt.SERIES).setNumberOfInstances(NoduleCt.SLICES);
    series.setBodySite(new Coding(CohortBundle.SNOMED, "51185008", "Thoracic structure"));
    series.setStartedElement(CohortBundle.dateTime(id.visit()));
    for (int k = 0; k < NoduleCt.SLICES; k++) {
      series
          .addInstance()
          .setUid(NoduleCt.instanceUid(id, k))
          .setSopClass(
              new Coding("urn:ietf:rfc:3986", "urn:oid:" + NoduleCt.CT_IMAGE_STORAGE, null))
          .setNumber(k + 1);
    }
    return s;
  }

  private static Observation cea(NodulePatient p, Reference subject) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.addCategory(
        CohortBundle.concept(CohortResources.OBSERVATION_CATEGORY, "laboratory", "Laboratory"));
    String display = "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma";
    o.setCode(CohortBundle.concept(LOINC, CEA_LOINC, display));
    o.getCode().setText("CEA");
    o.setSubject(subject);
    o.setEffective(CohortBundle.dateTime(p.ceaTime()));
    boolean ugL = p.ceaInMicrogramsPerLitre();
    o.setValue(
        new Quantity()
            .setValue(new java.math.BigDecimal(String.format(Locale.ROOT, "%.1f", p.cea())))
            .setUnit(ugL ? "ug/L" : "ng/mL")
            .setSystem(CohortResources.UCUM)
            .setCode(ugL ? "ug/L" : "ng/mL"));
    return o;
  }

  private static Condition condition(
      Reference subject, LocalDate onset, Coding snomed, Coding icd) {
    Condition c = new Condition();
    c.setClinicalStatus(
        CohortBundle.concept(CohortResources.CONDITION_CLINICAL, "active", "Active"));
    c.setVerificationStatus(
        CohortBundle.concept(CohortResources.CONDITION_VERIFICATION, "confirmed", "Confirmed"));
    c.addCategory(
        CohortBundle.concept(
            CohortResources.CONDITION_CATEGORY, "problem-list-item", "Problem List Item"));
    CodeableConcept code = new CodeableConcept();
    code.addCoding(snomed);
    code.addCoding(icd);
    code.setText(snomed.getDisplay());
    c.setCode(code);
    c.setSubject(subject);
    c.setOnset(new DateTimeType(onset.toString()));
    return c;
  }
}
