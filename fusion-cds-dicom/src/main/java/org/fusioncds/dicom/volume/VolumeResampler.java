package org.fusioncds.dicom.volume;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * Resamples a {@link Volume} onto a {@link VolumeGrid} by trilinear interpolation in patient
 * coordinates (PS3.3 C.7.6.2.1.1). Each slice is placed by its own Image Position (Patient), so a
 * gantry tilt or shear (slice origins off the normal) and an uneven slice spacing are interpolated
 * where the slices really are, not where a regular stack would put them. When a grid step is
 * coarser than the series, each grid point is the mean of up to 4 × 4 × 4 trilinear samples spread
 * over its cell (a box filter against aliasing). Grid points outside the series get {@link
 * VolumeGrid#outside()}.
 */
public final class VolumeResampler {

  private static final int MAX_SUPERSAMPLING = 4;
  private static final double EPS = 1e-6;

  private VolumeResampler() {}

  /**
   * A series to the grid, placing it only where that is safe: at least {@code minSlices} slices
   * (else FCDS-2501); the geometric refusals of {@link VolumeBuilder} (mixed orientations 2402,
   * sizes 2403, series 2408, two instances at one position 2404 …); a missing slice or uneven slice
   * spacing refused (FCDS-2405, with the gaps), since interpolating over it could hide or invent a
   * finding; a gantry tilt or shear resampled where each slice lies, with its warning (2412) kept
   * on the result.
   */
  public static Resampled fromSeries(
      List<SliceSource> slices, VolumeGrid grid, int minSlices, VolumeOptions options) {
    if (slices.size() < minSlices) {
      throw tooFew(slices.size(), minSlices);
    }
    Volume v = VolumeBuilder.fromSlices(slices, options);
    for (VolumeWarning w : v.warnings()) {
      if (w.code() == ErrorCode.VOLUME_SPACING_IRREGULAR.code()) {
        throw new DicomException(
            ErrorCode.VOLUME_SPACING_IRREGULAR,
            "a missing slice or uneven spacing is not interpolated over — " + w.message());
      }
    }
    if (v.depth() < minSlices) {
      throw tooFew(v.depth(), minSlices);
    }
    Resampled r = resample(v, grid);
    return new Resampled(r.voxels(), grid, r.origin(), r.coverage(), v.warnings());
  }

  private static DicomException tooFew(int n, int min) {
    return new DicomException(
        ErrorCode.VOLUME_TOO_FEW_SLICES,
        "the series has " + n + " distinct slices, the volume needs at least " + min + " — " + n);
  }

  /**
   * The grid's values, x fastest then y then z: {@code voxels[x + nx·(y + ny·z)]} (a {@code [1, 1,
   * nz, ny, nx]} tensor).
   *
   * @throws DicomException FCDS-2502 when fewer grid points than {@link VolumeGrid#minCoverage()}
   *     lie inside the series
   */
  public static Resampled resample(Volume v, VolumeGrid grid) {
    Geometry g = new Geometry(v);
    double[] e = grid.direction();
    double[] centre = g.centre();
    int nx = grid.size()[0];
    int ny = grid.size()[1];
    int nz = grid.size()[2];
    int[] factor = new int[3];
    for (int a = 0; a < 3; a++) {
      double src = g.stepAlong(e[3 * a], e[3 * a + 1], e[3 * a + 2]);
      factor[a] =
          (int) Math.max(1, Math.min(MAX_SUPERSAMPLING, Math.ceil(grid.spacing()[a] / src - 1e-9)));
    }
    double[] origin = new double[3];
    for (int i = 0; i < 3; i++) {
      origin[i] = centre[i];
      for (int a = 0; a < 3; a++) {
        origin[i] -= (grid.size()[a] - 1) / 2.0 * grid.spacing()[a] * e[3 * a + i];
      }
    }
    float[] out = new float[grid.points()];
    long inside = 0;
    double[] p = new double[3];
    double samples = (double) factor[0] * factor[1] * factor[2];
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          point(origin, e, grid.spacing(), x, y, z, p);
          if (!Double.isNaN(g.sample(p))) {
            inside++;
          }
          double sum = 0;
          for (int sz = 0; sz < factor[2]; sz++) {
            for (int sy = 0; sy < factor[1]; sy++) {
              for (int sx = 0; sx < factor[0]; sx++) {
                point(
                    origin,
                    e,
                    grid.spacing(),
                    x + (sx + 0.5) / factor[0] - 0.5,
                    y + (sy + 0.5) / factor[1] - 0.5,
                    z + (sz + 0.5) / factor[2] - 0.5,
                    p);
                double s = g.sample(p);
                sum += Double.isNaN(s) ? grid.outside() : s;
              }
            }
          }
          out[x + nx * (y + ny * z)] = (float) (sum / samples);
        }
      }
    }
    double coverage = inside / (double) grid.points();
    if (coverage < grid.minCoverage()) {
      throw new DicomException(
          ErrorCode.VOLUME_NOT_COVERED,
          String.format(
              Locale.ROOT,
              "the series covers %.1f %% of the %d x %d x %d grid of %s mm (%s), at least %.1f %%"
                  + " needed — series of %d x %d x %d voxels of %s mm",
              100 * coverage,
              nx,
              ny,
              nz,
              fmt(grid.spacing()),
              grid.orientation(),
              100 * grid.minCoverage(),
              v.width(),
              v.height(),
              v.depth(),
              fmt(v.spacing())));
    }
    return new Resampled(out, grid, origin, coverage, List.of());
  }

  /**
   * The resampled values and where they lie.
   *
   * @param voxels x fastest, then y, then z
   * @param grid the grid
   * @param origin the patient position (mm) of grid point (0, 0, 0)
   * @param coverage the fraction of grid points inside the series
   * @param warnings what the series builder tolerated (a tilt, an instance given twice)
   */
  public record Resampled(
      float[] voxels,
      VolumeGrid grid,
      double[] origin,
      double coverage,
      List<VolumeWarning> warnings) {}

  private static void point(
      double[] origin, double[] e, double[] spacing, double x, double y, double z, double[] p) {
    for (int i = 0; i < 3; i++) {
      p[i] =
          origin[i] + x * spacing[0] * e[i] + y * spacing[1] * e[3 + i] + z * spacing[2] * e[6 + i];
    }
  }

  private static String fmt(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double d : v) {
      b.append(b.length() == 0 ? "" : " x ").append(String.format(Locale.ROOT, "%.3g", d));
    }
    return b.toString();
  }

  /** The series' geometry: slices placed by their own origins, interpolated along the normal. */
  private static final class Geometry {
    final Volume v;
    final double[] row;
    final double[] col;
    final double[] normal;
    final double[] pos;
    final double[] origins;

    Geometry(Volume v) {
      this.v = v;
      double[] d = v.direction();
      this.row = Arrays.copyOfRange(d, 0, 3);
      this.col = Arrays.copyOfRange(d, 3, 6);
      this.normal = Arrays.copyOfRange(d, 6, 9);
      this.pos = v.slicePositions();
      this.origins = v.sliceOrigins();
    }

    /** The centre of the series: the mean slice origin plus half the slice extent. */
    double[] centre() {
      double[] c = new double[3];
      int n = v.depth();
      for (int k = 0; k < n; k++) {
        for (int i = 0; i < 3; i++) {
          c[i] += origins[3 * k + i] / n;
        }
      }
      for (int i = 0; i < 3; i++) {
        c[i] +=
            (v.width() - 1) / 2.0 * v.spacing()[0] * row[i]
                + (v.height() - 1) / 2.0 * v.spacing()[1] * col[i];
      }
      return c;
    }

    /** The series' voxel step along a unit direction (exact for directions along its axes). */
    double stepAlong(double x, double y, double z) {
      double[] u = {x, y, z};
      return Math.abs(dot(u, row)) * v.spacing()[0]
          + Math.abs(dot(u, col)) * v.spacing()[1]
          + Math.abs(dot(u, normal)) * v.spacing()[2];
    }

    /** The trilinear value at a patient position, NaN outside the series. */
    double sample(double[] p) {
      double a = dot(p, normal);
      int last = pos.length - 1;
      if (last == 0) {
        return Math.abs(a - pos[0]) <= EPS ? slice(0, p) : Double.NaN;
      }
      if (a < pos[0] - EPS || a > pos[last] + EPS) {
        return Double.NaN;
      }
      int k = Arrays.binarySearch(pos, a);
      if (k < 0) {
        k = -k - 2;
      }
      k = Math.max(0, Math.min(last - 1, k));
      double t = Math.max(0, Math.min(1, (a - pos[k]) / (pos[k + 1] - pos[k])));
      double s0 = t == 1 ? 0 : slice(k, p);
      double s1 = t == 0 ? 0 : slice(k + 1, p);
      if (Double.isNaN(s0) || Double.isNaN(s1)) {
        return Double.NaN;
      }
      return (1 - t) * s0 + t * s1;
    }

    /** Bilinear value of slice k at p's position in that slice's plane, NaN outside it. */
    double slice(int k, double[] p) {
      double dx = p[0] - origins[3 * k];
      double dy = p[1] - origins[3 * k + 1];
      double dz = p[2] - origins[3 * k + 2];
      double u = (dx * row[0] + dy * row[1] + dz * row[2]) / v.spacing()[0];
      double w = (dx * col[0] + dy * col[1] + dz * col[2]) / v.spacing()[1];
      int width = v.width();
      int height = v.height();
      if (u < -EPS || w < -EPS || u > width - 1 + EPS || w > height - 1 + EPS) {
        return Double.NaN;
      }
      u = Math.max(0, Math.min(width - 1, u));
      w = Math.max(0, Math.min(height - 1, w));
      int x0 = Math.min((int) u, Math.max(0, width - 2));
      int y0 = Math.min((int) w, Math.max(0, height - 2));
      int x1 = Math.min(x0 + 1, width - 1);
      int y1 = Math.min(y0 + 1, height - 1);
      double fx = u - x0;
      double fy = w - y0;
      float[] vox = v.voxels();
      int base = width * height * k;
      double top = (1 - fx) * vox[base + x0 + width * y0] + fx * vox[base + x1 + width * y0];
      double bottom = (1 - fx) * vox[base + x0 + width * y1] + fx * vox[base + x1 + width * y1];
      return (1 - fy) * top + fy * bottom;
    }

    private static double dot(double[] a, double[] b) {
      return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }
  }
}
