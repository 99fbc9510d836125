package org.fusioncds.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The image feature names a card may declare in {@code imageFeatures.names}, and the tensor columns
 * each becomes. {@code lbp_hist(8)} (uniform LBP, 8 neighbours) becomes the 10 columns {@code lbp_0
 * … lbp_9}; every other name is one column.
 */
public final class ImageFeatureNames {

  /** One-column features. */
  public static final Set<String> SCALARS =
      Set.of(
          "sobel_mean",
          "sobel_p95",
          "glcm_contrast",
          "glcm_homogeneity",
          "glcm_energy",
          "glcm_correlation",
          "mask_fraction",
          "mask_mean",
          "mask_std");

  /** The uniform LBP histogram with 8 neighbours at radius 1 (P + 2 = 10 bins). */
  public static final String LBP_HIST_8 = "lbp_hist(8)";

  /** Bins of {@link #LBP_HIST_8}: labels 0…8 (uniform patterns by their count of ones) and 9. */
  public static final int LBP_BINS = 10;

  private ImageFeatureNames() {}

  public static boolean known(String name) {
    return SCALARS.contains(name) || LBP_HIST_8.equals(name);
  }

  /** The tensor columns of the declared names, in order. */
  public static List<String> columns(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (LBP_HIST_8.equals(n)) {
        for (int b = 0; b < LBP_BINS; b++) {
          out.add("lbp_" + b);
        }
      } else {
        out.add(n);
      }
    }
    return out;
  }
}
