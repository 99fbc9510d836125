package org.fusioncds.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fusioncds.model.ModelCards;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ModelInterestTest {

  private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";

  private final ModelInterest radiograph =
      ModelInterest.of(ModelCards.load(Path.of("models/cap-fusion/model-card.yaml")));
  private final ModelInterest ct =
      ModelInterest.of(ModelCards.load(Path.of("models/nodule-ct/model-card.yaml")));

  @Test
  void aStudyIsWantedByTheModelsOfItsModalityOnly() {
    ImagingStudy chestCt = new ImagingStudy();
    chestCt.addModality(new Coding(DCM, "CT", null));
    ImagingStudy radiographSeriesOnly = new ImagingStudy();
    radiographSeriesOnly.addSeries().setModality(new Coding(DCM, "DX", null));
    ImagingStudy noModality = new ImagingStudy();

    assertTrue(ct.wants(chestCt));
    assertFalse(radiograph.wants(chestCt));
    assertTrue(radiograph.wants(radiographSeriesOnly), "a series' modality counts");
    assertFalse(ct.wants(radiographSeriesOnly));
    assertFalse(ct.wants(noModality));
    assertFalse(radiograph.wants(noModality));
  }

  @Test
  void aLabIsWantedByTheModelsThatReadItsLoincCode() {
    Observation wbc = lab("http://loinc.org", "6690-2");
    Observation cea = lab("http://loinc.org", "2039-6");
    Observation ceaOtherSystem = lab("http://example.org/local-codes", "2039-6");

    assertTrue(radiograph.wants(wbc));
    assertFalse(ct.wants(wbc));
    assertTrue(ct.wants(cea));
    assertFalse(radiograph.wants(cea));
    assertFalse(ct.wants(ceaOtherSystem), "the code's system must be LOINC");
    assertFalse(ct.wants(new Patient()), "only studies and labs");
  }

  @Test
  void catchUpSearchesNameTheCardsModalitiesAndCodes() {
    assertEquals(
        "ImagingStudy?modality=CT&_lastUpdated=gt2026-12-04T03:00:00Z&_elements=subject&_count=200",
        ct.studiesSince("2026-12-04T03:00:00Z"));
    assertEquals(
        "Observation?code=http://loinc.org|2039-6&_lastUpdated=gt2026-12-04T03:00:00Z"
            + "&_elements=subject&_count=200",
        ct.labsSince("2026-12-04T03:00:00Z").orElseThrow());
    assertTrue(radiograph.loincCodes().containsAll(List.of("6690-2", "1988-5", "33959-8")));
    assertTrue(
        new ModelInterest("m", "1", List.of("MR"), List.of()).labsSince("x").isEmpty(),
        "a card without labs searches none");
  }

  private static Observation lab(String system, String code) {
    Observation o = new Observation();
    o.getCode().addCoding().setSystem(system).setCode(code);
    return o;
  }
}
