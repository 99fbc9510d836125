package org.fusioncds.sandbox.cohort;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanity checks of the signal design on 400 patients: both modalities carry signal, neither is near
 * perfect, and metadata carries none. Bands are wide on purpose: this is not a tuned number.
 */
class CohortSignalTest {

  private static final long SEED = 20250101;

  @TempDir static Path tmp;
  static Path cohort;
  static List<SyntheticPatient> imaged = new ArrayList<>();
  static boolean[] labels;

  @BeforeAll
  static void generate() {
    cohort = tmp.resolve("cohort");
    CohortGenerator.generate(400, SEED, cohort);
    for (int i = 0; i < 400; i++) {
      SyntheticPatient p = SyntheticPatient.draw(SEED, i);
      if (p.scene() != null) {
        imaged.add(p);
      }
    }
    labels = new boolean[imaged.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = imaged.get(i).clinical().pneumonia();
    }
  }

  @Test
  void prevalenceIsAroundAQuarterToAThird() {
    double prevalence = 0;
    for (boolean y : labels) {
      prevalence += y ? 1.0 / labels.length : 0;
    }
    assertTrue(prevalence > 0.2 && prevalence < 0.4, "prevalence " + prevalence);
  }

  @Test
  void latentTabularValuesCarrySignalButNotAll() {
    double[] score = new double[labels.length];
    for (int i = 0; i < score.length; i++) {
      score[i] = SignalFeatures.latentTabularScore(imaged.get(i));
    }
    double auroc = Auroc.of(score, labels);
    assertTrue(auroc > 0.6 && auroc < 0.9, "tabular latent AUROC " + auroc);
  }

  @Test
  void lungFieldIntensityOfTheWrittenImagesCarriesSignalButNotAll() {
    double[] score = new double[labels.length];
    for (int i = 0; i < score.length; i++) {
      score[i] = SignalFeatures.lungMeanRatio(SignalFeatures.pixels(dicom(imaged.get(i))));
    }
    double auroc = Auroc.of(score, labels);
    assertTrue(auroc > 0.6 && auroc < 0.9, "lung mean AUROC " + auroc);
  }

  @Test
  void metadataDoesNotPredictTheLabel() throws Exception {
    int n = labels.length;
    double[][] metadata = new double[5][n];
    for (int i = 0; i < n; i++) {
      SyntheticPatient p = imaged.get(i);
      metadata[0][i] = Files.size(dicom(p));
      metadata[1][i] = p.identity().visit().toLocalDate().toEpochDay();
      metadata[2][i] = p.index();
      metadata[3][i] = p.identity().studyUid().length();
      metadata[4][i] =
          ("AP".equals(p.identity().view()) ? 2 : 0)
              + ("DX".equals(p.identity().modality()) ? 1 : 0);
    }
    for (double[] m : metadata) {
      double auroc = Auroc.of(m, labels);
      assertTrue(auroc > 0.38 && auroc < 0.62, "metadata AUROC " + auroc);
    }
  }

  @Test
  void missingnessDoesNotPredictTheLabel() {
    double[] missing = new double[400];
    boolean[] y = new boolean[400];
    for (int i = 0; i < 400; i++) {
      SyntheticPatient p = SyntheticPatient.draw(SEED, i);
      y[i] = p.clinical().pneumonia();
      missing[i] = (p.scene() == null ? 2 : 0) + (p.measurements().labsMissing() ? 1 : 0);
    }
    double auroc = Auroc.of(missing, y);
    assertTrue(auroc > 0.4 && auroc < 0.6, "missingness AUROC " + auroc);
  }

  private static Path dicom(SyntheticPatient p) {
    return cohort
        .resolve("dicom")
        .resolve(p.identity().studyUid())
        .resolve(p.identity().instanceUid() + ".dcm");
  }
}
