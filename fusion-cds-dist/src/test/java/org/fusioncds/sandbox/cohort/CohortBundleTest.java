package org.fusioncds.sandbox.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortBundleTest {

  @TempDir static Path tmp;
  static Path cohort;
  static List<String[]> labels;

  @BeforeAll
  static void generate() {
    cohort = tmp.resolve("cohort");
    CohortGenerator.generate(40, 2025, cohort);
    labels = CohortFiles.labels(cohort);
  }

  @Test
  void everyBundleIsATransactionOfPutsWhoseReferencesResolveInside() {
    for (String[] row : labels) {
      Bundle b = CohortFiles.bundle(cohort, row[0]);
      assertEquals(Bundle.BundleType.TRANSACTION, b.getType());
      Set<String> fullUrls = new HashSet<>();
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        assertTrue(e.getFullUrl().startsWith("urn:uuid:"), e.getFullUrl());
        assertEquals(Bundle.HTTPVerb.PUT, e.getRequest().getMethod());
        String type = e.getResource().fhirType();
        assertEquals(
            type + "/" + e.getResource().getIdElement().getIdPart(), e.getRequest().getUrl());
        fullUrls.add(e.getFullUrl());
      }
      assertEquals(b.getEntry().size(), fullUrls.size(), "full URLs are unique");
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        for (Reference r : references(e.getResource())) {
          assertTrue(fullUrls.contains(r.getReference()), r.getReference());
        }
      }
    }
  }

  @Test
  void patientIsSyntheticAndLogicalIdsAreStable() {
    String[] row = labels.get(7);
    Patient p = CohortFiles.resources(CohortFiles.bundle(cohort, row[0]), Patient.class).get(0);

    assertEquals(row[0], p.getIdElement().getIdPart());
    assertEquals(SyntheticNames.family(row[0]), p.getNameFirstRep().getFamily());
    assertEquals(HumanName.NameUse.ANONYMOUS, p.getNameFirstRep().getUse());
    assertEquals("P0007", p.getNameFirstRep().getGivenAsSingleString());
    assertNotNull(p.getGender());
    assertNotNull(p.getBirthDate());
  }

  @Test
  void observationsCarryLoincUcumCategoryAndTime() {
    int seen = 0;
    for (String[] row : labels) {
      for (Observation o :
          CohortFiles.resources(CohortFiles.bundle(cohort, row[0]), Observation.class)) {
        assertEquals(Observation.ObservationStatus.FINAL, o.getStatus());
        assertEquals("http://loinc.org", o.getCode().getCodingFirstRep().getSystem());
        String category = o.getCategoryFirstRep().getCodingFirstRep().getCode();
        assertTrue(Set.of("laboratory", "vital-signs").contains(category), category);
        Quantity q = o.getValueQuantity();
        assertEquals("http://unitsofmeasure.org", q.getSystem());
        assertFalse(q.getCode().isEmpty());
        assertNotNull(q.getValue());
        assertTrue(o.hasEffectiveDateTimeType());
        seen++;
      }
    }
    assertTrue(seen > 100, "observations seen: " + seen);
  }

  @Test
  void conditionsAreActiveConfirmedAndCodedInSnomedAndIcd10cm() {
    int seen = 0;
    for (String[] row : labels) {
      for (Condition c :
          CohortFiles.resources(CohortFiles.bundle(cohort, row[0]), Condition.class)) {
        assertEquals("active", c.getClinicalStatus().getCodingFirstRep().getCode());
        assertEquals("confirmed", c.getVerificationStatus().getCodingFirstRep().getCode());
        assertEquals(CohortBundle.SNOMED, c.getCode().getCoding().get(0).getSystem());
        assertEquals(CohortBundle.ICD10CM, c.getCode().getCoding().get(1).getSystem());
        assertTrue(c.hasOnsetDateTimeType());
        assertFalse("233604007".equals(c.getCode().getCoding().get(0).getCode()), "no label");
        seen++;
      }
    }
    assertTrue(seen > 0);
  }

  @Test
  void imagingStudyMatchesItsDicomFileAndThePatient() throws Exception {
    int imaged = 0;
    for (String[] row : labels) {
      Bundle b = CohortFiles.bundle(cohort, row[0]);
      ImagingStudy s = CohortFiles.study(b);
      if (s == null) {
        assertEquals("", row[1], "no image, no study UID in labels.csv");
        continue;
      }
      imaged++;
      Patient p = CohortFiles.resources(b, Patient.class).get(0);
      try (DicomFile f = DicomReader.read(CohortFiles.dicom(cohort, s))) {
        assertStudyMatches(s, p, f.dataset());
      }
      assertEquals(row[1], f(s.getIdentifierFirstRep().getValue()));
    }
    assertTrue(imaged > 30, "imaged: " + imaged);
  }

  private static void assertStudyMatches(ImagingStudy s, Patient p, Dataset ds) {
    ImagingStudy.ImagingStudySeriesComponent series = s.getSeriesFirstRep();
    assertEquals("urn:dicom:uid", s.getIdentifierFirstRep().getSystem());
    assertEquals(f(s.getIdentifierFirstRep().getValue()), ds.getString(Tag.StudyInstanceUID));
    assertEquals(series.getUid(), ds.getString(Tag.SeriesInstanceUID));
    assertEquals(series.getInstanceFirstRep().getUid(), ds.getString(Tag.SOPInstanceUID));
    assertEquals(
        series.getInstanceFirstRep().getSopClass().getCode(),
        "urn:oid:" + ds.getString(Tag.SOPClassUID));
    assertEquals(s.getModalityFirstRep().getCode(), ds.getString(Tag.Modality));
    assertEquals("51185008", series.getBodySite().getCode());
    assertEquals(p.getIdElement().getIdPart(), ds.getString(Tag.PatientID));
    assertEquals(
        p.getNameFirstRep().getFamily() + "^" + p.getNameFirstRep().getGivenAsSingleString(),
        ds.getString(Tag.PatientName));
    assertEquals(
        p.getBirthDateElement().getValueAsString().replace("-", ""),
        ds.getString(Tag.PatientBirthDate));
    assertEquals(
        p.getGender().toCode().substring(0, 1).toUpperCase(), ds.getString(Tag.PatientSex));
    String started = s.getStartedElement().getValueAsString(); // yyyy-MM-ddTHH:mm:ssZ
    assertEquals(started.substring(0, 10).replace("-", ""), ds.getString(Tag.StudyDate));
    assertEquals(started.substring(11, 19).replace(":", ""), ds.getString(Tag.StudyTime));
    for (String uid : List.of(ds.getString(Tag.StudyInstanceUID), series.getUid())) {
      assertTrue(uid.matches("2\\.25\\.(0|[1-9][0-9]*)") && uid.length() <= 64, uid);
    }
  }

  @Test
  void labelsMatchThePatientFilesOneToOne() throws Exception {
    try (var files = Files.list(cohort.resolve("fhir"))) {
      Set<String> ids = new HashSet<>();
      files.forEach(f -> ids.add(f.getFileName().toString().replace(".json", "")));
      Set<String> labelled = new HashSet<>();
      for (String[] row : labels) {
        labelled.add(row[0]);
        assertTrue(Set.of("0", "1").contains(row[2]), row[2]);
      }
      assertEquals(ids, labelled);
      assertEquals(40, labels.size());
    }
  }

  private static String f(String urnOid) {
    return urnOid.substring("urn:oid:".length());
  }

  private static List<Reference> references(Base resource) {
    List<Reference> out = new java.util.ArrayList<>();
    collect(resource, out);
    return out;
  }

  private static void collect(Base b, List<Reference> out) {
    if (b instanceof Reference r && r.hasReference()) {
      out.add(r);
    }
    for (org.hl7.fhir.r4.model.Property p : b.children()) {
      for (Base v : p.getValues()) {
        collect(v, out);
      }
    }
  }
}
