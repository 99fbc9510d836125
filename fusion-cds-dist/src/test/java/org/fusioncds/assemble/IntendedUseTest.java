package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** The demo card's eligibility (18–120 years, PA or AP, 0.1–2 mm) against single cases. */
class IntendedUseTest {

  private static final Path CARD = Path.of("models", "cap-fusion", "model-card.yaml");
  private static final Instant STUDY = Instant.parse("2026-12-01T08:12:00Z");

  private static ModelCard card() {
    return ModelCards.load(CARD);
  }

  private static Patient born(String date) {
    Patient p = new Patient();
    p.setBirthDateElement(new DateType(date));
    return p;
  }

  private static DicomImage image(String view, String spacing) {
    Dataset ds = new Dataset();
    if (view != null) {
      ds.putString(Tag.ViewPosition, VR.CS, view);
    }
    if (spacing != null) {
      ds.putString(Tag.PixelSpacing, VR.DS, spacing, spacing);
    }
    return new DicomImage(ds, null);
  }

  private static Optional<IntendedUse.Outside> check(Patient p, DicomImage i) {
    return IntendedUse.check(card(), p, STUDY, i);
  }

  @Test
  void anAdultsFrontalRadiographIsWithinTheIntendedUse() {
    assertTrue(check(born("1960-05-02"), image("PA", "1.4")).isEmpty());
    assertTrue(check(born("2008-12-01"), image("AP ", "0.1")).isEmpty(), "18 on the day");
  }

  @Test
  void aChildIsOutsideWithTheAgeAndTheRangeInTheReason() {
    IntendedUse.Outside o = check(born("2017-06-30"), image("PA", "1.4")).orElseThrow();

    assertEquals(4111, o.code().code());
    assertEquals(
        "the patient is 9 years old at the study; the model is meant for 18–120 years", o.reason());
    assertTrue(check(born("2008-12-02"), null).isPresent(), "17 the day before the 18th birthday");
  }

  @Test
  void aLateralViewOrAnOddPixelSpacingIsOutside() {
    IntendedUse.Outside lateral = check(born("1960-05-02"), image("LL", "1.4")).orElseThrow();
    assertEquals(4112, lateral.code().code());
    assertTrue(lateral.reason().contains("LL") && lateral.reason().contains("PA or AP"));

    IntendedUse.Outside fine = check(born("1960-05-02"), image("PA", "0.05")).orElseThrow();
    assertEquals(4113, fine.code().code());
    assertTrue(fine.reason().contains("0.05 mm") && fine.reason().contains("0.1–2 mm"));
  }

  @Test
  void whatTheCaseDoesNotCarryIsNotHeldAgainstIt() {
    assertTrue(check(new Patient(), image(null, null)).isEmpty());
    assertTrue(check(null, null).isEmpty());
  }

  @Test
  void aCardWithoutEligibilityTakesEveryone() throws Exception {
    String yaml = Files.readString(CARD);
    int from = yaml.indexOf("eligibility:");
    int to = yaml.indexOf("overrideReasons:");
    ModelCard open = ModelCards.parse(yaml.substring(0, from) + yaml.substring(to), "test");

    assertTrue(IntendedUse.check(open, born("2020-01-01"), STUDY, image("LL", "0.01")).isEmpty());
  }

  @Test
  void aRangeWhoseMinIsAboveItsMaxIsRefusedNamingTheField() throws Exception {
    String yaml =
        Files.readString(CARD)
            .replace("ageYears: {min: 18, max: 120}", "ageYears: {min: 80, max: 18}");

    FcdsException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            FcdsException.class, () -> ModelCards.parse(yaml, "test"));

    assertEquals(5002, e.code());
    assertTrue(e.getMessage().contains("eligibility.ageYears"), e.getMessage());
  }
}
