package org.fusioncds.dicom.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.dicom.volume.VolumeResampler.Resampled;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Series → resampled volume on real geometry: the Philips CT phantom (40 slices of 512×512, 0.45 ×
 * 0.45 × 1 mm, rescale intercept −1024) and the 128-slice MR series (rows along −y), and series
 * derived from them in memory (a slice dropped, shuffled, sheared as by a gantry tilt, an
 * orientation or size changed) for each refusal.
 */
class VolumeResamplerTest {

  private static List<Path> ct;
  private static List<Path> mr;

  @BeforeAll
  static void files() {
    ct = TestData.files("dicom/series/dcm-qa-ct-philips-phantom-1mm-40");
    mr = TestData.files("dicom/series/pacsman-mr-128");
    assertEquals(40, ct.size());
    assertEquals(128, mr.size());
  }

  private static List<SliceSource> sources(List<Path> files, UnaryOperator<List<Dataset>> change) {
    List<SliceSource> plain = VolumeBuilder.sources(files, VolumeOptions.DEFAULT);
    List<Dataset> copies = new ArrayList<>();
    for (SliceSource s : plain) {
      Dataset c = new Dataset(s.dataset().charset());
      for (Element e : s.dataset().elements()) {
        c.put(e);
      }
      copies.add(c);
    }
    change.apply(copies);
    List<SliceSource> out = new ArrayList<>();
    for (int i = 0; i < plain.size(); i++) {
      out.add(new SliceSource(copies.get(i), plain.get(i).pixels()));
    }
    return out;
  }

  private static VolumeGrid grid(String o, double s, int n) {
    return new VolumeGrid(o, new double[] {s, s, s}, new int[] {n, n, n}, -1024, 0);
  }

  @Test
  void ctOnItsOwnGridKeepsEveryHounsfieldValue() {
    Volume v = VolumeBuilder.fromFiles(ct, VolumeOptions.DEFAULT);
    VolumeGrid native_ =
        new VolumeGrid(
            "LPS", new double[] {0.451171875, 0.451171875, 1}, new int[] {512, 512, 40}, 0, 1);
    Resampled r = VolumeResampler.resample(v, native_);
    assertEquals(1.0, r.coverage(), 1e-12);
    assertArrayEquals(new double[] {-115.5, -1.85, 714.21}, r.origin(), 1e-6);
    // stored values − 1024 (Rescale Intercept): the modality LUT was applied
    try (DicomFile f = DicomReader.read(ct.get(0))) {
      int[] stored = PixelDecoder.decode(f, 0).samples();
      for (int i = 0; i < stored.length; i += 331) {
        assertEquals(stored[i] - 1024f, r.voxels()[i], 1e-2, "pixel " + i);
      }
    }
    for (int i = 0; i < v.voxels().length; i += 977) {
      assertEquals(v.voxels()[i], r.voxels()[i], 1e-2, "voxel " + i);
    }
  }

  @Test
  void ctDownsampledIsTheMeanOfItsCell() {
    Volume v = VolumeBuilder.fromFiles(ct, VolumeOptions.DEFAULT);
    // 2 mm grid, 32 x 32 x 16: each grid point averages 4 x 4 x 2 trilinear samples of its cell
    VolumeGrid g = new VolumeGrid("LPS", new double[] {2, 2, 2}, new int[] {32, 32, 16}, -1024, 0);
    Resampled r = VolumeResampler.resample(v, g);
    double minHu = Double.MAX_VALUE;
    double maxHu = -Double.MAX_VALUE;
    for (float f : r.voxels()) {
      minHu = Math.min(minHu, f);
      maxHu = Math.max(maxHu, f);
    }
    assertTrue(minHu >= -1024 && maxHu <= 1033, minHu + " .. " + maxHu);
    // an independent reference: the mean of the native voxels whose centres lie in the cell
    int x = 16;
    int y = 16;
    int z = 8;
    double[] c = new double[3];
    for (int i = 0; i < 3; i++) {
      c[i] = r.origin()[i] + new int[] {x, y, z}[i] * 2.0;
    }
    double sum = 0;
    int n = 0;
    for (int k = 0; k < v.depth(); k++) {
      for (int j = 0; j < v.height(); j++) {
        for (int i = 0; i < v.width(); i++) {
          double px = v.origin()[0] + i * v.spacing()[0];
          double py = v.origin()[1] + j * v.spacing()[1];
          double pz = v.slicePositions()[k];
          if (Math.abs(px - c[0]) < 1 && Math.abs(py - c[1]) < 1 && Math.abs(pz - c[2]) < 1) {
            sum += v.voxel(i, j, k);
            n++;
          }
        }
      }
    }
    assertTrue(n > 0);
    float got = r.voxels()[x + 32 * (y + 32 * z)];
    assertEquals(sum / n, got, 40, "grid point " + x + "," + y + "," + z + " of " + n + " voxels");
  }

  @Test
  void mrIsTurnedToTheCardOrientation() {
    // MR rows run along −y (row cosines 0\-1\0), columns along +x: on an LPS grid of 1 mm,
    // grid point (i, j, k) is MR voxel (127 − j, i, k)
    Volume v = VolumeBuilder.fromFiles(mr, VolumeOptions.DEFAULT);
    Resampled r = VolumeResampler.resample(v, grid("LPS", 1, 128));
    assertEquals(1.0, r.coverage(), 1e-12);
    for (int k = 0; k < 128; k += 9) {
      for (int j = 0; j < 128; j += 7) {
        for (int i = 0; i < 128; i += 5) {
          assertEquals(
              v.voxel(127 - j, i, k),
              r.voxels()[i + 128 * (j + 128 * k)],
              1e-3,
              i + "," + j + "," + k);
        }
      }
    }
    // RAI flips all three axes: grid point (i, j, k) of RAI = (127 − i, 127 − j, 127 − k) of LPS
    Resampled flipped = VolumeResampler.resample(v, grid("RAI", 1, 128));
    for (int n = 0; n < 128 * 128 * 128; n += 4099) {
      int i = n % 128;
      int j = (n / 128) % 128;
      int k = n / (128 * 128);
      assertEquals(
          r.voxels()[(127 - i) + 128 * ((127 - j) + 128 * (127 - k))], flipped.voxels()[n], 1e-3);
    }
  }

  @Test
  void shuffledSlicesGiveTheSameVolume() {
    VolumeGrid g = grid("LPS", 2, 64);
    Resampled sorted =
        VolumeResampler.fromSeries(sources(mr, d -> d), g, 64, VolumeOptions.DEFAULT);
    List<SliceSource> shuffled = sources(mr, d -> d);
    Collections.shuffle(shuffled, new Random(11));
    Resampled r = VolumeResampler.fromSeries(shuffled, g, 64, VolumeOptions.DEFAULT);
    assertArrayEquals(sorted.voxels(), r.voxels());
  }

  @Test
  void gantryTiltIsResampledWhereEachSliceLies() {
    // shear: slice k moved 2 mm along +x per slice (its column direction), as a tilted gantry
    // places it; the mean shift is 127 mm, so tilted grid point (i, j, k) shows the original
    // grid point (i + 127 − 2k, j, k)
    List<SliceSource> tilted =
        sources(
            mr,
            list -> {
              for (Dataset d : list) {
                double[] p = d.getDoubles(Tag.ImagePositionPatient);
                d.putString(
                    Tag.ImagePositionPatient, VR.DS, fmt(p[0] + 2 * p[2]), fmt(p[1]), fmt(p[2]));
              }
              return list;
            });
    VolumeGrid g = grid("LPS", 1, 128);
    Resampled r = VolumeResampler.fromSeries(tilted, g, 64, VolumeOptions.DEFAULT);
    assertEquals(2412, r.warnings().get(0).code());
    Resampled plain =
        VolumeResampler.resample(VolumeBuilder.fromFiles(mr, VolumeOptions.DEFAULT), g);
    int checked = 0;
    for (int k = 0; k < 128; k += 3) {
      for (int j = 0; j < 128; j += 11) {
        for (int i = 0; i < 128; i++) {
          int src = i + 127 - 2 * k;
          if (src >= 0 && src < 128) {
            assertEquals(
                plain.voxels()[src + 128 * (j + 128 * k)],
                r.voxels()[i + 128 * (j + 128 * k)],
                1e-3,
                i + "," + j + "," + k);
            checked++;
          } else {
            assertEquals(-1024f, r.voxels()[i + 128 * (j + 128 * k)], i + "," + j + "," + k);
          }
        }
      }
    }
    assertTrue(checked > 10_000, "checked " + checked);
  }

  @Test
  void refusesAMissingSliceWithItsPosition() {
    List<SliceSource> s = sources(mr, d -> d);
    s.removeIf(src -> src.dataset().getDoubles(Tag.ImagePositionPatient)[2] == 40);
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeResampler.fromSeries(s, grid("LPS", 2, 64), 64, VolumeOptions.DEFAULT));
    assertEquals(2405, e.code());
    assertTrue(e.getMessage().contains("39.000 mm to 41.000 mm: step 2.000 mm"), e.getMessage());
  }

  @Test
  void refusesUnevenSpacingWithTheStep() {
    List<SliceSource> s =
        sources(
            ct,
            list -> {
              for (Dataset d : list) {
                double[] p = d.getDoubles(Tag.ImagePositionPatient);
                if (p[2] > 730) {
                  d.putString(
                      Tag.ImagePositionPatient, VR.DS, fmt(p[0]), fmt(p[1]), fmt(p[2] + 0.5));
                }
              }
              return list;
            });
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeResampler.fromSeries(s, grid("LPS", 2, 32), 8, VolumeOptions.DEFAULT));
    assertEquals(2405, e.code());
    assertTrue(e.getMessage().contains("step 1.500 mm"), e.getMessage());
  }

  @Test
  void refusesMixedOrientationsAndSizesWithTheValue() {
    List<SliceSource> o =
        sources(
            ct,
            list -> {
              list.get(12)
                  .putString(
                      Tag.ImageOrientationPatient, VR.DS, "1", "0", "0", "0", "0.98", "0.19899749");
              return list;
            });
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeResampler.fromSeries(o, grid("LPS", 2, 32), 8, VolumeOptions.DEFAULT));
    assertEquals(2402, e.code());
    assertTrue(e.getMessage().contains("0.980000"), e.getMessage());

    List<SliceSource> sized =
        sources(
            ct,
            list -> {
              list.get(30).putInts(Tag.Columns, VR.US, 256);
              return list;
            });
    DicomException s =
        assertThrows(
            DicomException.class,
            () -> VolumeResampler.fromSeries(sized, grid("LPS", 2, 32), 8, VolumeOptions.DEFAULT));
    assertEquals(2403, s.code());
    assertTrue(s.getMessage().contains("512 rows x 256 columns"), s.getMessage());
  }

  @Test
  void refusesTooFewSlicesBeforeDecodingAnything() {
    List<SliceSource> s = new ArrayList<>();
    for (SliceSource src : sources(ct, d -> d)) {
      s.add(
          new SliceSource(
              src.dataset(),
              () -> {
                throw new AssertionError("decoded");
              }));
    }
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeResampler.fromSeries(s, grid("LPS", 7, 48), 64, VolumeOptions.DEFAULT));
    assertEquals(2501, e.code());
    assertTrue(e.getMessage().endsWith("at least 64 — 40"), e.getMessage());
  }

  @Test
  void refusesASeriesCoveringTooLittleOfTheGrid() {
    // a 39 mm slab of the head phantom on a 336 mm cube
    VolumeGrid g =
        new VolumeGrid("LPS", new double[] {7, 7, 7}, new int[] {48, 48, 48}, -1024, 0.5);
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeResampler.fromSeries(sources(ct, d -> d), g, 8, VolumeOptions.DEFAULT));
    assertEquals(2502, e.code());
    assertTrue(e.getMessage().contains("% of the 48 x 48 x 48 grid"), e.getMessage());
  }

  @Test
  void refusesAnInvalidGrid() {
    for (String o : new String[] {"LPL", "LP", "XYZ", "LSS"}) {
      DicomException e = assertThrows(DicomException.class, () -> grid(o, 1, 8));
      assertEquals(2500, e.code(), o);
      assertTrue(e.getMessage().endsWith("— " + o), e.getMessage());
    }
    assertEquals(2500, assertThrows(DicomException.class, () -> grid("LPS", 0, 8)).code());
    assertEquals(2500, assertThrows(DicomException.class, () -> grid("LPS", 1, 0)).code());
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}
