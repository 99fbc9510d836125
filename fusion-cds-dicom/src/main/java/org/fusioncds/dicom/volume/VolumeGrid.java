package org.fusioncds.dicom.volume;

import java.util.Arrays;
import java.util.Locale;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * The regular grid a {@link Volume} is resampled onto, in the patient coordinate system of PS3.3
 * C.7.6.2.1.1 (x towards the patient's left, y towards posterior, z towards head).
 *
 * @param orientation three letters, the patient direction in which x, y and z of the grid grow: one
 *     of L/R, one of P/A, one of S/I, in any order (e.g. {@code LPS}: x to the left, y to the back,
 *     z to the head — the axial slices of a CT, read from the feet)
 * @param spacing mm between grid points along x, y, z
 * @param size grid points along x, y, z; the grid is centred on the centre of the series
 * @param outside the modality value (e.g. −1024 HU) of grid points outside the series
 * @param minCoverage the least fraction (0–1) of grid points that must lie inside the series; below
 *     it the series is refused ({@code FCDS-2502})
 */
public record VolumeGrid(
    String orientation, double[] spacing, int[] size, double outside, double minCoverage) {

  public VolumeGrid {
    if (orientation == null || axes(orientation) == null) {
      throw invalid("orientation must be three letters, one each of L/R, P/A, S/I", orientation);
    }
    if (spacing == null || spacing.length != 3 || !(Arrays.stream(spacing).allMatch(s -> s > 0))) {
      throw invalid("spacing must be three positive mm", Arrays.toString(spacing));
    }
    if (size == null || size.length != 3 || Arrays.stream(size).anyMatch(n -> n < 1 || n > 1024)) {
      throw invalid("size must be three counts of 1 to 1024", Arrays.toString(size));
    }
    if (!Double.isFinite(outside)) {
      throw invalid("outside must be a finite value", Double.toString(outside));
    }
    if (!(minCoverage >= 0 && minCoverage <= 1)) {
      throw invalid("minCoverage must lie in 0–1", Double.toString(minCoverage));
    }
    spacing = spacing.clone();
    size = size.clone();
  }

  /** Grid points in all. */
  public int points() {
    return size[0] * size[1] * size[2];
  }

  /** The unit vectors of the grid's x, y, z in patient coordinates, row by row (3 × 3). */
  public double[] direction() {
    return axes(orientation);
  }

  private static double[] axes(String o) {
    if (o.length() != 3) {
      return null;
    }
    double[] d = new double[9];
    boolean[] used = new boolean[3];
    for (int i = 0; i < 3; i++) {
      char c = Character.toUpperCase(o.charAt(i));
      int axis = "LRPASI".indexOf(c) / 2;
      if ("LRPASI".indexOf(c) < 0 || used[axis]) {
        return null;
      }
      used[axis] = true;
      d[3 * i + axis] = "LPS".indexOf(c) >= 0 ? 1 : -1;
    }
    return d;
  }

  private static DicomException invalid(String what, String value) {
    return new DicomException(
        ErrorCode.VOLUME_GRID_INVALID,
        String.format(Locale.ROOT, "volume grid: %s — %s", what, value));
  }
}
