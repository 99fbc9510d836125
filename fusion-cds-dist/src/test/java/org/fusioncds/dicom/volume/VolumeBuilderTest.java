package org.fusioncds.dicom.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Series to volume on the 128-slice MR series of the shared test data (positions 0..127 mm along z,
 * normal (0,0,1), files named slice0..slice127) and on series altered in memory: the altered slices
 * are copies of the files' data sets with one attribute changed, their pixels decoded from the
 * original file, so no file is written.
 */
class VolumeBuilderTest {

  private static List<Path> mr;

  @BeforeAll
  static void files() {
    mr = TestData.files("dicom/series/pacsman-mr-128");
    assertEquals(128, mr.size());
  }

  /** The file's data set and a supplier decoding its pixels; the file is not held open. */
  private static SliceSource source(Path p, UnaryOperator<Dataset> change) {
    Dataset ds;
    try (DicomFile f = DicomReader.read(p)) {
      ds = f.dataset();
    }
    return new SliceSource(change.apply(copy(ds)), () -> decode(p));
  }

  private static SliceSource source(Path p) {
    return source(p, d -> d);
  }

  private static Frame decode(Path p) {
    try (DicomFile f = DicomReader.read(p)) {
      return PixelDecoder.decode(f, 0);
    }
  }

  private static Dataset copy(Dataset ds) {
    Dataset c = new Dataset(ds.charset());
    for (Element e : ds.elements()) {
      c.put(e);
    }
    return c;
  }

  private static List<SliceSource> mrSources() {
    List<SliceSource> out = new ArrayList<>();
    for (Path p : mr) {
      out.add(source(p));
    }
    return out;
  }

  /** The file whose Image Position (Patient) z is {@code z} (names are not trusted). */
  private static Path fileAt(int z) {
    for (Path p : mr) {
      try (DicomFile f = DicomReader.read(p)) {
        if (f.dataset().getDoubles(Tag.ImagePositionPatient)[2] == z) {
          return p;
        }
      }
    }
    throw new AssertionError("no slice at z " + z);
  }

  private static int code(List<SliceSource> s, VolumeOptions o) {
    return assertThrows(DicomException.class, () -> VolumeBuilder.fromSlices(s, o)).code();
  }

  @Test
  void sortsShuffledSlicesAlongTheNormal() {
    List<Path> shuffled = new ArrayList<>(mr);
    Collections.shuffle(shuffled, new Random(42));
    Volume v = VolumeBuilder.fromFiles(shuffled, VolumeOptions.DEFAULT);
    Volume sorted = VolumeBuilder.fromFiles(mr, VolumeOptions.DEFAULT);

    assertEquals(List.of(), v.warnings());
    assertEquals(128, v.width());
    assertEquals(128, v.height());
    assertEquals(128, v.depth());
    assertArrayEquals(new double[] {1, 1, 1}, v.spacing());
    assertArrayEquals(new double[] {-63, 0, 0}, v.origin());
    assertArrayEquals(new double[] {0, -1, 0, 1, 0, 0, 0, 0, 1}, v.direction(), 1e-12);
    for (int z = 0; z < 128; z++) {
      assertEquals(z, v.slicePositions()[z], 1e-9, "slice " + z);
      if (z > 0) {
        assertEquals(v.spacing()[2], v.slicePositions()[z] - v.slicePositions()[z - 1], 1e-9);
      }
    }
    assertEquals(sorted.sopInstanceUids(), v.sopInstanceUids());
    assertArrayEquals(sorted.voxels(), v.voxels());
    assertEquals(128 * 128 * 128 * 4L, v.sizeInBytes());

    // the voxels of slice z are the modality values (slope 1, intercept 0) of the file at z
    for (int z : new int[] {0, 1, 64, 127}) {
      Path p = fileAt(z);
      try (DicomFile f = DicomReader.read(p)) {
        assertEquals(f.dataset().getString(Tag.SOPInstanceUID), v.sopInstanceUids().get(z));
      }
      int[] stored = decode(p).samples();
      for (int i = 0; i < stored.length; i += 97) {
        assertEquals(stored[i], v.voxel(i % 128, i / 128, z), "z " + z + " pixel " + i);
      }
    }
  }

  @Test
  void warnsOfAGapWithItsPositionAndRefusesItWhenStrict() {
    List<SliceSource> s = mrSources();
    s.removeIf(src -> src.dataset().getDoubles(Tag.ImagePositionPatient)[2] == 64);
    Collections.shuffle(s, new Random(7));
    Volume v = VolumeBuilder.fromSlices(s, VolumeOptions.DEFAULT);
    assertEquals(127, v.depth());
    assertEquals(1, v.spacing()[2]);
    assertEquals(1, v.warnings().size());
    VolumeWarning w = v.warnings().get(0);
    assertEquals(2405, w.code());
    assertTrue(w.message().contains("63.000 mm to 65.000 mm: step 2.000 mm"), w.message());
    assertEquals(63, v.slicePositions()[63]);
    assertEquals(65, v.slicePositions()[64]);

    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeBuilder.fromSlices(s, VolumeOptions.DEFAULT.strictly()));
    assertEquals(2405, e.code());
    assertTrue(e.getMessage().contains("63.000 mm to 65.000 mm"), e.getMessage());
  }

  @Test
  void warnsOfTheRealGapInThePydicomCtSeries() {
    // positions -99.48, 103.02, 104.27, 105.52 along z: a 202.5 mm gap after the first slice
    Volume v =
        VolumeBuilder.fromFiles(
            TestData.files("dicom/series/pydicom-dicomdirtests/77654033/CT2"),
            VolumeOptions.DEFAULT);
    assertEquals(4, v.depth());
    assertEquals(1.25, v.spacing()[2], 1e-4);
    assertEquals(2405, v.warnings().get(0).code());
    assertTrue(
        v.warnings().get(0).message().contains("-99.480 mm to 103.020 mm"),
        v.warnings().get(0).message());
  }

  @Test
  void usesAnInstanceGivenTwiceOnceWithAWarning() {
    List<SliceSource> s = mrSources();
    s.add(s.get(10));
    Volume v = VolumeBuilder.fromSlices(s, VolumeOptions.DEFAULT);
    assertEquals(128, v.depth());
    assertEquals(1, v.warnings().size());
    assertEquals(2404, v.warnings().get(0).code());
  }

  @Test
  void refusesTwoDifferentInstancesAtOnePositionWithCode() {
    List<SliceSource> s = mrSources();
    s.add(
        source(
            mr.get(10),
            d -> d.putString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.8.498.1")));
    assertEquals(2404, code(s, VolumeOptions.DEFAULT));
  }

  @Test
  void refusesMixedOrientationsWithCode() {
    List<SliceSource> s = mrSources();
    s.set(
        5,
        source(
            mr.get(5),
            d -> d.putString(Tag.ImageOrientationPatient, VR.DS, "1", "0", "0", "0", "1", "0")));
    DicomException e =
        assertThrows(
            DicomException.class, () -> VolumeBuilder.fromSlices(s, VolumeOptions.DEFAULT));
    assertEquals(2402, e.code());
    assertTrue(e.getMessage().contains("mixed orientations"), e.getMessage());
  }

  @Test
  void refusesAFileOfAnotherSeriesWithCode() {
    List<Path> files = new ArrayList<>(mr);
    files.add(60, TestData.path("dicom/modality/CT_small.dcm"));
    assertEquals(
        2408,
        assertThrows(
                DicomException.class, () -> VolumeBuilder.fromFiles(files, VolumeOptions.DEFAULT))
            .code());
    List<Path> ct = new ArrayList<>(mr);
    ct.add(TestData.files("dicom/series/pydicom-dicomdirtests/77654033/CT2").get(0));
    assertEquals(
        2408,
        assertThrows(DicomException.class, () -> VolumeBuilder.fromFiles(ct, VolumeOptions.DEFAULT))
            .code());
  }

  @Test
  void refusesDifferentRowsAndColumnsWithCode() {
    List<SliceSource> s = mrSources();
    s.set(3, source(mr.get(3), d -> d.putInts(Tag.Rows, VR.US, 64)));
    assertEquals(2403, code(s, VolumeOptions.DEFAULT));
  }

  @Test
  void refusesMissingPositionOrOrientationWithCode() {
    List<SliceSource> s = mrSources();
    s.set(
        7,
        source(
            mr.get(7),
            d -> {
              d.remove(Tag.ImagePositionPatient);
              return d;
            }));
    assertEquals(2401, code(s, VolumeOptions.DEFAULT));
    List<SliceSource> o = mrSources();
    o.set(
        0,
        source(
            mr.get(0),
            d -> {
              d.remove(Tag.ImageOrientationPatient);
              return d;
            }));
    assertEquals(2401, code(o, VolumeOptions.DEFAULT));
  }

  @Test
  void refusesAVolumeOverTheSizeLimitBeforeDecodingAnything() {
    List<SliceSource> s = new ArrayList<>();
    for (SliceSource src : mrSources()) {
      s.add(
          new SliceSource(
              src.dataset(),
              () -> {
                throw new AssertionError("decoded before the size check");
              }));
    }
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> VolumeBuilder.fromSlices(s, VolumeOptions.DEFAULT.withMaxVolumeBytes(4 << 20)));
    assertEquals(2406, e.code());
    assertTrue(e.getMessage().contains("8388608 bytes, over the limit of 4194304"), e.getMessage());
  }

  @Test
  void warnsOfPositionsOffTheNormal() {
    List<SliceSource> s = mrSources();
    s.set(
        20,
        source(
            mr.get(20),
            d -> {
              double z = d.getDoubles(Tag.ImagePositionPatient)[2];
              return d.putString(Tag.ImagePositionPatient, VR.DS, "-58", "0", Double.toString(z));
            }));
    Volume v = VolumeBuilder.fromSlices(s, VolumeOptions.DEFAULT);
    assertEquals(2412, v.warnings().get(0).code());
    assertEquals(2412, code(s, VolumeOptions.DEFAULT.strictly()));
  }

  @Test
  void singleSliceTakesItsSpacingFromSpacingBetweenSlicesOrRefusesWithout() {
    Volume ct =
        VolumeBuilder.fromFiles(
            List.of(TestData.path("dicom/modality/CT_small.dcm")), VolumeOptions.DEFAULT);
    assertEquals(1, ct.depth());
    assertEquals(5, ct.spacing()[2]);
    assertEquals(-1024 + 175, ct.voxel(0, 0, 0)); // HU after the modality LUT
    // the MR slices carry neither Spacing Between Slices nor Slice Thickness
    assertEquals(2410, code(List.of(source(mr.get(0))), VolumeOptions.DEFAULT));
    Volume thick =
        VolumeBuilder.fromSlices(
            List.of(source(mr.get(0), d -> d.putString(Tag.SliceThickness, VR.DS, "2.5"))),
            VolumeOptions.DEFAULT);
    assertEquals(2.5, thick.spacing()[2]);
  }

  @Test
  void enhancedCtFramesAreSortedByTheirPlanePositions() {
    // frame 1 at z -159, frame 2 at z -149; orientation -1\0\0\0\1\0 gives normal (0,0,-1)
    Path file = TestData.path("dicom/multiframe/CT0012.not_fragmented_bot_rle.dcm");
    Volume v = VolumeBuilder.fromFiles(List.of(file), VolumeOptions.DEFAULT);
    assertEquals(List.of(), v.warnings());
    assertEquals(512, v.width());
    assertEquals(2, v.depth());
    assertEquals(List.of(2, 1), v.frameNumbers());
    assertArrayEquals(new double[] {149, 159}, v.slicePositions(), 1e-9);
    assertArrayEquals(new double[] {0.388672, 0.388672, 10}, v.spacing(), 1e-9);
    assertArrayEquals(new double[] {99.5, -301.5, -149}, v.origin(), 1e-9);
    assertArrayEquals(new double[] {0, 0, -1}, java.util.Arrays.copyOfRange(v.direction(), 6, 9));
    try (DicomFile f = DicomReader.read(file)) {
      int[] frame2 = PixelDecoder.decode(f, 1).samples();
      int[] frame1 = PixelDecoder.decode(f, 0).samples();
      for (int i = 0; i < frame1.length; i += 1013) {
        assertEquals(frame2[i] - 1024f, v.voxels()[i]);
        assertEquals(frame1[i] - 1024f, v.voxels()[512 * 512 + i]);
      }
    }
  }

  @Test
  void refusesAnEmptySeriesWithCode() {
    assertEquals(2400, code(List.of(), VolumeOptions.DEFAULT));
  }
}
