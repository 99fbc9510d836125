package org.fusioncds.sandbox.cohort;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * Writes a synthetic multimodal cohort for community-acquired pneumonia (SNOMED CT 233604007) on a
 * chest radiograph visit: {@code fhir/<patientId>.json} (FHIR R4 transaction Bundles), {@code
 * dicom/<studyUID>/<instanceUID>.dcm} (DICOM PS3.10, CR or DX) and {@code labels.csv}, kept apart.
 *
 * <h2>Generative process</h2>
 *
 * Each patient is drawn from the seed and its index alone, from independent streams ({@link Rng}):
 *
 * <ol>
 *   <li>identity, visit time (2025, 07:00–23:00 UTC), imaging yes/no (90 %), modality, view, UIDs
 *       ({@link Identity}) — independent of everything clinical;
 *   <li>age, sex, comorbidities, the label by a logistic model, and three latent states independent
 *       given the label: inflammation, respiratory compromise, image evidence ({@link
 *       ClinicalModel});
 *   <li>labs and vitals from the latent states with confounders (immunodeficiency blunts WBC and
 *       fever, COPD and heart failure raise the respiratory rate and lower SpO2), units varying by
 *       patient, values outside the visit window, repeats, missingness ({@link MeasurementModel},
 *       {@link MeasurementSampler});
 *   <li>the radiograph: anatomy, focal opacities from the image evidence, cardiomegaly and
 *       perihilar haze from heart failure ({@link SceneSampler}, {@link RadiographRenderer}).
 * </ol>
 *
 * Same seed, same bytes: no wall clock, no hash order, fixed reference date, SplitMix64 and {@link
 * StrictMath}. Patients are written in parallel; each file depends only on its patient.
 */
public final class CohortGenerator {

  /** The largest cohort the command writes. */
  public static final int MAX_PATIENTS = 1_000_000;

  private CohortGenerator() {}

  /** Writes the cohort into {@code out} (created; must be empty) and returns its counts. */
  public static CohortSummary generate(int patients, long seed, Path out) {
    return generate(patients, seed, out, VisitFrame.YEAR_2025);
  }

  /** The same, with visits in another frame of time (the demo's: the day before now). */
  public static CohortSummary generate(int patients, long seed, Path out, VisitFrame frame) {
    return generate(patients, seed, out, frame, CohortShift.NONE);
  }

  /**
   * The same, with every patient moved out of the training distribution by {@code shift} ({@link
   * CohortShift}; {@code NONE}: the ordinary cohort).
   */
  public static CohortSummary generate(
      int patients, long seed, Path out, VisitFrame frame, CohortShift shift) {
    if (patients < 1 || patients > MAX_PATIENTS) {
      throw new FcdsException(
          ErrorCode.COHORT_SIZE,
          "number of patients must be 1 to " + MAX_PATIENTS + " — " + patients);
    }
    long start = System.nanoTime();
    CohortFolders folders = CohortFolders.create(out);
    FhirContext fhir = FhirContext.forR4Cached();
    List<LabelRow> rows =
        IntStream.range(0, patients)
            .parallel()
            .mapToObj(
                i ->
                    writePatient(
                        shift.patient(SyntheticPatient.draw(seed, i, frame)),
                        seed,
                        shift,
                        folders,
                        fhir))
            .toList();
    folders.write(folders.labels(), LabelRow.csv(rows).getBytes(StandardCharsets.UTF_8));
    return summary(rows, (System.nanoTime() - start) / 1_000_000);
  }

  private static LabelRow writePatient(
      SyntheticPatient p, long seed, CohortShift shift, CohortFolders folders, FhirContext fhir) {
    String json =
        fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(CohortBundle.build(p));
    folders.write(folders.bundle(p.patientId()), json.getBytes(StandardCharsets.UTF_8));
    String studyUid = "";
    if (p.scene() != null) {
      studyUid = p.identity().studyUid();
      Path file = folders.image(studyUid, p.identity().instanceUid());
      short[] pixels = shift.pixels(p.pixels(seed), Rng.of(seed, p.index(), Rng.Stream.SHIFT));
      DicomWriter.write(RadiographDataset.build(p, pixels), file);
    }
    boolean noLabs = p.measurements().labsMissing();
    return new LabelRow(p.patientId(), studyUid, p.clinical().pneumonia(), noLabs);
  }

  private static CohortSummary summary(List<LabelRow> rows, long millis) {
    int positives = 0;
    int imaged = 0;
    int withoutLabs = 0;
    for (LabelRow r : rows) {
      positives += r.label() ? 1 : 0;
      imaged += r.studyUid().isEmpty() ? 0 : 1;
      withoutLabs += r.labsMissing() ? 1 : 0;
    }
    return new CohortSummary(rows.size(), positives, imaged, withoutLabs, millis);
  }

  /** One line of labels.csv (and whether the patient lacks labs, for the summary). */
  record LabelRow(String patientId, String studyUid, boolean label, boolean labsMissing) {
    static String csv(List<LabelRow> rows) {
      StringBuilder sb = new StringBuilder("patient_id,study_uid,label\n");
      for (LabelRow r : rows) {
        sb.append(r.patientId).append(',').append(r.studyUid).append(',');
        sb.append(r.label ? '1' : '0').append('\n');
      }
      return sb.toString();
    }
  }

  /** Creates a folder, as a coded error when it cannot. */
  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      throw new FcdsException(
          ErrorCode.COHORT_OUTPUT_FOLDER, "cannot create output folder " + dir + " — " + e, e);
    }
  }
}
