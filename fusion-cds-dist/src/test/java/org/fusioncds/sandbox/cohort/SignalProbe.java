package org.fusioncds.sandbox.cohort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the signal of a generated cohort: a main in the test sources, run by hand when the
 * generative process changes (not a test). Args: patients seed.
 */
final class SignalProbe {

  private SignalProbe() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    long seed = Long.parseLong(args[1]);
    Path out = Files.createTempDirectory("cohort-probe");
    CohortSummary summary = CohortGenerator.generate(n, seed, out);
    System.out.println(summary.line());
    List<SyntheticPatient> imaged = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SyntheticPatient p = SyntheticPatient.draw(seed, i);
      if (p.scene() != null) {
        imaged.add(p);
      }
    }
    int m = imaged.size();
    boolean[] y = new boolean[m];
    double[][] tab = new double[m][];
    double[][] img = new double[m][];
    double[][] joint = new double[m][];
    double[] latentImage = new double[m];
    double[] simple = new double[m];
    double[] latentTab = new double[m];
    for (int i = 0; i < m; i++) {
      SyntheticPatient p = imaged.get(i);
      y[i] = p.clinical().pneumonia();
      tab[i] = SignalFeatures.tabular(p);
      int[] px =
          SignalFeatures.pixels(
              out.resolve("dicom")
                  .resolve(p.identity().studyUid())
                  .resolve(p.identity().instanceUid() + ".dcm"));
      img[i] = SignalFeatures.image(px);
      simple[i] = SignalFeatures.lungMeanRatio(px);
      latentImage[i] = p.clinical().imageEvidence();
      latentTab[i] = SignalFeatures.latentTabularScore(p);
      joint[i] = concat(tab[i], img[i]);
    }
    System.out.printf("imaged %d, prevalence %.3f%n", m, mean(y));
    System.out.printf("latent tabular score AUROC %.3f%n", Auroc.of(latentTab, y));
    System.out.printf("latent image evidence AUROC %.3f%n", Auroc.of(latentImage, y));
    System.out.printf("simple lung mean ratio AUROC %.3f%n", Auroc.of(simple, y));
    System.out.printf("LR tabular (2-fold) AUROC %.3f%n", crossValidated(tab, y));
    System.out.printf("LR image features (2-fold) AUROC %.3f%n", crossValidated(img, y));
    System.out.printf("LR joint (2-fold) AUROC %.3f%n", crossValidated(joint, y));
    double[][] ideal = new double[m][];
    for (int i = 0; i < m; i++) {
      ideal[i] = concat(tab[i], new double[] {latentImage[i]});
    }
    System.out.printf("LR tabular + latent image (2-fold) AUROC %.3f%n", crossValidated(ideal, y));
  }

  static double crossValidated(double[][] x, boolean[] y) {
    double[] scores = new double[y.length];
    for (int fold = 0; fold < 2; fold++) {
      List<double[]> tx = new ArrayList<>();
      List<Boolean> ty = new ArrayList<>();
      for (int i = 0; i < y.length; i++) {
        if (i % 2 != fold) {
          tx.add(x[i]);
          ty.add(y[i]);
        }
      }
      boolean[] tyArr = new boolean[ty.size()];
      for (int i = 0; i < tyArr.length; i++) {
        tyArr[i] = ty.get(i);
      }
      LogisticRegression lr = LogisticRegression.fit(tx.toArray(new double[0][]), tyArr, 1.0);
      for (int i = fold; i < y.length; i += 2) {
        scores[i] = lr.score(x[i]);
      }
    }
    return Auroc.of(scores, y);
  }

  static double[] concat(double[] a, double[] b) {
    double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static double mean(boolean[] y) {
    int s = 0;
    for (boolean b : y) {
      s += b ? 1 : 0;
    }
    return (double) s / y.length;
  }
}
