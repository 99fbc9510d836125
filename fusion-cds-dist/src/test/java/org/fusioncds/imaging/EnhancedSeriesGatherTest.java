package org.fusioncds.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomWriter;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.dicom.volume.EnhancedCtFixture;
import org.fusioncds.dicom.volume.Volume;
import org.fusioncds.dicom.volume.VolumeBuilder;
import org.fusioncds.dicom.volume.VolumeMemoryFixture;
import org.fusioncds.dicom.volume.VolumeOptions;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.sandbox.SandboxDicomWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CT series as a PACS may store it: one file per slice (CT Image Storage), or one Enhanced CT
 * Image Storage instance whose frames are the slices, placed by their per-frame functional groups.
 * Both are served over DICOMweb by the sandbox server and gathered by {@link SeriesGather}
 * (QIDO-RS, WADO-RS series metadata, WADO-RS frames); the volume built from either must be the
 * same.
 */
class EnhancedSeriesGatherTest {

  private static final int SIZE = 40;
  private static final int SLICES = 30;
  private static final String ROOT = "1.2.826.0.1.3680043.8.498.91";

  @Test
  void aSeriesStoredAsOneEnhancedCtGivesTheVolumeOfTheSameSeriesStoredSliceBySlice(
      @TempDir Path dir) throws java.io.IOException {
    Path served = dir.resolve("pacs");
    writeSingleFrameSeries(served.resolve("single"), ROOT + ".1", SLICES);
    writeEnhanced(served.resolve("enhanced"), ROOT + ".5", ROOT + ".2", ROOT + ".2.1", 1, SLICES);

    try (SandboxDicomWebServer pacs = SandboxDicomWebServer.start(served);
        DicomWebClient client = client(pacs);
        SeriesGather gather = new SeriesGather(new SeriesGather.Settings(3, 4, 500))) {
      SeriesGather.Series single = gather.gather(client, ROOT + ".1", Set.of(), ct());
      SeriesGather.Series enhanced = gather.gather(client, ROOT + ".2", Set.of(), ct());
      assertEquals(SLICES, single.slices().size());
      assertEquals(SLICES, enhanced.slices().size(), "one slice per frame");

      Volume a = VolumeBuilder.fromSlices(single.slices(), VolumeOptions.DEFAULT);
      Volume b = VolumeBuilder.fromSlices(enhanced.slices(), VolumeOptions.DEFAULT);

      assertArrayEquals(
          new int[] {a.width(), a.height(), a.depth()},
          new int[] {b.width(), b.height(), b.depth()});
      assertEquals(SLICES, b.depth());
      assertArrayEquals(a.spacing(), b.spacing(), 1e-9);
      assertArrayEquals(a.origin(), b.origin(), 1e-9);
      assertArrayEquals(a.voxels(), b.voxels(), "the same HU in every voxel");
      assertEquals(SLICES, enhanced.frames().fetched(), "each frame fetched once");
      // the enhanced frames are stored top down, the files bottom up: sorted by position, and
      // the Modality LUT of the shared functional groups applied (stored + 1024, intercept -1024)
      assertEquals(hu(3, 5, 0), a.voxel(3, 5, 0), 0.0);
      assertEquals(hu(3, 5, 0), b.voxel(3, 5, 0), 0.0);
      assertEquals(hu(7, 2, SLICES - 1), b.voxel(7, 2, SLICES - 1), 0.0);
    }
  }

  @Test
  void aMultiFrameInstanceAmongSeveralInstancesOfTheSeriesIsFcds2333(@TempDir Path dir)
      throws java.io.IOException {
    Path served = dir.resolve("pacs");
    writeEnhanced(served, ROOT + ".6", ROOT + ".3", ROOT + ".3.1", 1, 15);
    writeEnhanced(served, ROOT + ".7", ROOT + ".3", ROOT + ".3.2", 2, 15);

    try (SandboxDicomWebServer pacs = SandboxDicomWebServer.start(served);
        DicomWebClient client = client(pacs);
        SeriesGather gather = new SeriesGather(new SeriesGather.Settings(3, 4, 500))) {
      FcdsException e =
          assertThrows(
              FcdsException.class, () -> gather.gather(client, ROOT + ".3", Set.of(), ct()));
      assertEquals("FCDS-2333", e.codeText(), e.getMessage());
      assertTrue(e.getMessage().contains("15 frames"), e.getMessage());
    }
  }

  @Test
  void anEnhancedInstanceWithMoreFramesThanTheInstanceBoundIsFcds2331(@TempDir Path dir)
      throws java.io.IOException {
    Path served = dir.resolve("pacs");
    writeEnhanced(served, ROOT + ".8", ROOT + ".4", ROOT + ".4.1", 1, SLICES);

    try (SandboxDicomWebServer pacs = SandboxDicomWebServer.start(served);
        DicomWebClient client = client(pacs);
        SeriesGather gather = new SeriesGather(new SeriesGather.Settings(3, 4, SLICES - 1))) {
      FcdsException e =
          assertThrows(
              FcdsException.class, () -> gather.gather(client, ROOT + ".4", Set.of(), ct()));
      assertEquals("FCDS-2331", e.codeText(), e.getMessage());
      assertTrue(e.getMessage().contains(Integer.toString(SLICES)), e.getMessage());
    }
  }

  /** A value per voxel that differs along x, y and z (so a slice put in the wrong place shows). */
  private static int hu(int x, int y, int k) {
    return ((x * 7 + y * 3 + k * 11) % 200) - 100;
  }

  private static byte[] slicePixels(int k) {
    ByteBuffer b = ByteBuffer.allocate(SIZE * SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        b.putShort((short) (hu(x, y, k) + 1024));
      }
    }
    return b.array();
  }

  private static String z(int k) {
    return String.format(Locale.ROOT, "%.1f", -40 + 2.5 * k);
  }

  /** CT Image Storage, one file per slice, bottom up, the geometry in each file. */
  private static void writeSingleFrameSeries(Path dir, String study, int slices)
      throws java.io.IOException {
    Files.createDirectories(dir);
    for (int k = 0; k < slices; k++) {
      Dataset ds = new Dataset(StandardCharsets.UTF_8);
      ds.putString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.2");
      ds.putString(Tag.SOPInstanceUID, VR.UI, study + ".0." + (k + 1));
      ds.putString(Tag.StudyInstanceUID, VR.UI, study);
      ds.putString(Tag.SeriesInstanceUID, VR.UI, study + ".0");
      ds.putString(Tag.Modality, VR.CS, "CT");
      VolumeMemoryFixture.putCtPixelModule(ds, SIZE, SIZE);
      ds.putString(Tag.InstanceNumber, VR.IS, Integer.toString(k + 1));
      ds.putString(Tag.ImagePositionPatient, VR.DS, "-12.5", "-30", z(k));
      ds.putString(Tag.ImageOrientationPatient, VR.DS, "1", "0", "0", "0", "1", "0");
      ds.putString(Tag.PixelSpacing, VR.DS, "0.7", "0.8");
      ds.putString(Tag.SliceThickness, VR.DS, "2.5");
      ds.putBytes(Tag.PixelData, VR.OW, slicePixels(k));
      DicomWriter.write(ds, dir.resolve(String.format(Locale.ROOT, "%03d.dcm", k)));
    }
  }

  /** The slices of {@link #writeSingleFrameSeries} as one Enhanced CT instance of its own study. */
  private static void writeEnhanced(
      Path dir, String source, String study, String sop, int number, int frames)
      throws java.io.IOException {
    Path slices = dir.resolveSibling("src-" + sop);
    writeSingleFrameSeries(slices, source, frames);
    List<Path> files;
    try (java.util.stream.Stream<Path> s = Files.list(slices)) {
      files = s.toList();
    }
    Files.createDirectories(dir);
    EnhancedCtFixture.fromSlices(
        files,
        sop,
        java.util.Map.of(
            Tag.StudyInstanceUID,
            study,
            Tag.SeriesInstanceUID,
            study + ".0",
            Tag.InstanceNumber,
            Integer.toString(number)),
        dir.resolve(sop + ".dcm"));
  }

  private static StudySelector ct() {
    return new StudySelector(new ModelCard.Study(List.of("CT"), List.of(), null));
  }

  private static DicomWebClient client(SandboxDicomWebServer pacs) {
    return new DicomWebClient(
        URI.create(pacs.baseUrl()),
        () -> null,
        new DicomWebClient.Settings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            1,
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            Duration.ofMinutes(1)));
  }
}
