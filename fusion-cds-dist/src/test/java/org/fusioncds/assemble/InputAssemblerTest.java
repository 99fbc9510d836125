package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.ModelInputs.InputReference;
import org.fusioncds.flow.ModelInputs.Missing;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputAssemblerTest {

  static final ModelCard CARD = ModelCards.load(Path.of("models/cap-fusion/model-card.yaml"));
  static final Instant STUDY = Instant.parse("2016-04-03T06:58:56Z");
  static final String LOINC = "http://loinc.org";
  static final String ICD10 = "http://hl7.org/fhir/sid/icd-10-cm";

  @TempDir Path dir;
  private final InputAssembler assembler = new InputAssembler(CARD);

  static Observation obs(String id, String loinc, double value, String ucum, Duration fromStudy) {
    Observation o = new Observation();
    o.setId(id);
    o.setStatus(ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding(LOINC, loinc, null)));
    o.setEffective(new DateTimeType(Date.from(STUDY.plus(fromStudy))));
    o.setValue(
        new Quantity()
            .setValue(BigDecimal.valueOf(value))
            .setSystem("http://unitsofmeasure.org")
            .setCode(ucum));
    return o;
  }

  static Condition condition(String id, String system, String code, String status, String onset) {
    Condition c = new Condition();
    c.setId(id);
    c.setCode(new CodeableConcept(new Coding(system, code, null)));
    c.setClinicalStatus(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", status, null)));
    c.setOnset(new DateTimeType(onset));
    return c;
  }

  /** Michele's Synthea record plus labs and conditions around her chest CR study. */
  static AssemblyInput michele(DicomImage image, Instant evaluationTime) {
    PatientRecord rec = SyntheaFixture.michele();
    List<Observation> obs = new ArrayList<>(rec.observations());
    obs.add(obs("Observation/wbc-old/_history/1", "6690-2", 5.0, "10*9/L", Duration.ofHours(-48)));
    obs.add(obs("Observation/wbc1/_history/2", "6690-2", 11.3, "10*9/L", Duration.ofHours(-2)));
    Observation prelim = obs("Observation/wbc-pre", "6690-2", 30, "10*3/uL", Duration.ofHours(-1));
    prelim.setStatus(ObservationStatus.PRELIMINARY);
    obs.add(prelim);
    obs.add(obs("Observation/crp1/_history/1", "1988-5", 5.2, "mg/dL", Duration.ofHours(-10)));
    obs.add(obs("Observation/temp1/_history/3", "8310-5", 101.3, "[degF]", Duration.ofHours(-1)));
    obs.add(obs("Observation/pct1/_history/1", "33959-8", 0.4, "mmol/L", Duration.ofHours(-5)));
    obs.add(obs("Observation/spo2/_history/1", "2708-6", 93, "%", Duration.ofHours(3)));
    obs.add(obs("Observation/spo2-late/_history/1", "2708-6", 80, "%", Duration.ofHours(8)));
    List<Condition> conds = new ArrayList<>(rec.conditions());
    conds.add(condition("Condition/hf/_history/4", ICD10, "I50.9", "active", "2010-01-01"));
    Condition copd =
        condition(
            "Condition/copd/_history/1",
            "http://snomed.info/sct",
            "13645005",
            "resolved",
            "2000-01-01");
    copd.setAbatement(new DateTimeType("2012-01-01"));
    conds.add(copd);
    conds.add(condition("Condition/dm/_history/1", ICD10, "E11.9", "active", "2017-01-01"));
    return new AssemblyInput(rec.patient(), rec.studies(), obs, conds, image, evaluationTime);
  }

  private static Map<String, String> missing(ModelInputs in) {
    return in.missing().stream().collect(Collectors.toMap(Missing::what, Missing::reason));
  }

  @Test
  void buildsTheTabularColumnsTheCardDeclares() {
    ModelInputs in = assembler.assemble(michele(null, null));

    float[] t = in.tensor("tabular").data();
    float[] mask = in.tensor("tabular_mask").data();
    assertEquals((float) ((11.3 - 8.5) / 3.5), t[0], 1e-6); // wbc: latest final, 10*9/L = 10*3/uL
    assertEquals((float) ((52 - 40.0) / 60), t[1], 1e-6); // crp: 5.2 mg/dL = 52 mg/L
    assertEquals(0f, t[2]); // pct: mmol/L not convertible → fill
    assertEquals((float) ((38.5 - 37.4) / 0.9), t[3], 1e-5); // temp: 101.3 [degF] = 38.5 Cel
    assertEquals(0f, t[4]); // rr: none
    assertEquals((float) ((93 - 95.0) / 3), t[5], 1e-6); // spo2 3 h after, the 8 h one outside
    assertEquals((float) ((74 - 60.0) / 18), t[6], 1e-6); // age 74 at 2016-04-03
    assertEquals(0f, t[7]); // female
    assertEquals(0f, t[8]); // copd abated 2012
    assertEquals(0f, t[9]); // t2dm onset after the study
    assertEquals(0f, t[10]);
    assertEquals(1f, t[11]); // heart failure by ICD-10-CM prefix I50
    assertEquals(List.of(1f, 1f, 0f, 1f, 0f, 1f, 1f, 1f, 1f, 1f, 1f, 1f), boxed(mask));
    assertEquals("unit 'mmol/L' not convertible to 'ng/mL'", missing(in).get("labs:pct"));
    assertEquals("no usable observation within the window", missing(in).get("labs:rr"));
  }

  @Test
  void anObservationDatedOnlyByItsReleaseIsNotInTheWindow() {
    AssemblyInput michele = michele(null, null);
    Observation dated =
        obs("Observation/rr1/_history/1", "9279-1", 28, "/min", Duration.ofHours(-1));
    Observation released = obs("Observation/rr2/_history/1", "9279-1", 30, "/min", Duration.ZERO);
    released.setIssued(Date.from(STUDY.minus(Duration.ofHours(1))));
    released.setEffective(null);

    List<Observation> withDated = new ArrayList<>(michele.observations());
    withDated.add(dated);
    List<Observation> withReleased = new ArrayList<>(michele.observations());
    withReleased.add(released);

    float[] t = assembler.assemble(with(michele, withDated)).tensor("tabular").data();
    assertEquals((float) ((28 - 18.0) / 4), t[4], 1e-6); // rr: effective an hour before
    ModelInputs in = assembler.assemble(with(michele, withReleased));
    assertEquals("no usable observation within the window", missing(in).get("labs:rr"));
  }

  private static AssemblyInput with(AssemblyInput in, List<Observation> observations) {
    return new AssemblyInput(
        in.patient(), in.studies(), observations, in.conditions(), null, in.evaluationTime());
  }

  private static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>();
    for (float f : v) {
      out.add(f);
    }
    return out;
  }

  @Test
  void listsTheVersionedReferencesOfTheInputsUsed() {
    ModelInputs in = assembler.assemble(michele(null, null));

    List<InputReference> refs = in.references();
    assertTrue(
        refs.contains(new InputReference("Observation/wbc1/_history/2", true)), refs.toString());
    assertTrue(refs.contains(new InputReference("Observation/temp1/_history/3", true)));
    assertTrue(refs.contains(new InputReference("Condition/hf/_history/4", true)));
    assertTrue(
        refs.contains(new InputReference("urn:uuid:e5228594-ee00-48a9-86fc-589430554d23", false)));
    assertTrue(
        refs.stream()
            .noneMatch(r -> r.reference().contains("wbc-old") || r.reference().contains("copd")));
  }

  @Test
  void usesTheImageOfTheLatestEligibleStudy() {
    Path cr = SyntheaFixture.crWithStudyUid(SyntheaFixture.MICHELE_CR_UID, dir.resolve("cr.dcm"));
    DicomImage image = SyntheaFixture.image(cr);

    ModelInputs in = assembler.assemble(michele(image, null));

    assertEquals(STUDY, in.studyTime());
    assertEquals(1f, in.tensor("image_present").data()[0]);
    float[] px = in.tensor("image").data();
    ImagePreprocessor p16 = new ImagePreprocessor(withSize(CARD.image(), 16));
    float[] native16 = p16.apply(image.dataset(), image.frame());
    for (int r = 0; r < 128; r += 7) {
      for (int c = 0; c < 128; c += 5) {
        assertEquals(native16[(r / 8) * 16 + c / 8], px[r * 128 + c], 1e-5, r + "," + c);
      }
    }
    assertTrue(in.references().stream().anyMatch(ref -> ref.reference().startsWith("urn:oid:")));
    assertTrue(in.missing().stream().noneMatch(m -> m.what().equals("image")));
  }

  private static ModelCard.ImageSpec withSize(ModelCard.ImageSpec s, int n) {
    return new ModelCard.ImageSpec(
        s.tensor(),
        s.presentTensor(),
        s.modalityLut(),
        s.window(),
        n,
        n,
        s.resize(),
        s.mean(),
        s.std(),
        s.fill());
  }

  @Test
  void imageOfAnotherStudyIsMissingNeverUsed() {
    DicomImage other =
        SyntheaFixture.image(org.fusioncds.testing.TestData.path(SyntheaFixture.CR_16));

    ModelInputs in = assembler.assemble(michele(other, null));

    assertEquals(0f, in.tensor("image_present").data()[0]);
    for (float v : in.tensor("image").data()) {
      assertEquals(0f, v);
    }
    assertEquals(
        "DICOM Study Instance UID differs from the selected ImagingStudy",
        missing(in).get("image"));
  }

  @Test
  void studyOlderThanTheCardAllowsIsNotUsed() {
    Instant now = STUDY.plus(Duration.ofHours(49));

    ModelInputs in = assembler.assemble(michele(null, now));

    assertEquals(now, in.studyTime());
    assertEquals("no eligible ImagingStudy", missing(in).get("image"));
    // the window now ends 6 h after the evaluation time: the SpO2 taken 8 h after the study counts
    assertEquals((float) ((80 - 95.0) / 3), in.tensor("tabular").data()[5], 1e-6);
  }

  @Test
  void refusesAssemblyWithoutPatientOrAnchor() {
    AssemblyInput noPatient = new AssemblyInput(null, List.of(), List.of(), List.of(), null, STUDY);
    AssemblyInput noAnchor =
        new AssemblyInput(
            SyntheaFixture.michele().patient(), List.of(), List.of(), List.of(), null, null);

    assertEquals(
        4101, assertThrows(FcdsException.class, () -> assembler.assemble(noPatient)).code());
    assertEquals(
        4102, assertThrows(FcdsException.class, () -> assembler.assemble(noAnchor)).code());
  }
}
