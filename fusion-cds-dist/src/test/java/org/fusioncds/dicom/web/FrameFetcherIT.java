package org.fusioncds.dicom.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.testing.OrthancServer;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frames over WADO-RS from a real Orthanc, decoded by our decoders, equal the frames decoded from
 * the file that was stored; a syntax left to the server comes back transcoded, and equal too.
 */
class FrameFetcherIT {

  private static final String[] FILES = {
    "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
    "dicom/transfer-syntax/MR_small_jpeg_ls_lossless.dcm",
    "dicom/multiframe/emri_small.dcm",
    "dicom/multiframe/SC_rgb_rle_2frame.dcm",
    "dicom/modality/CT_orthanc_SignedCT.dcm",
    "dicom/transfer-syntax/JPEG-lossy.dcm"
  };

  private static OrthancServer orthanc;
  private static DicomWebClient client;

  @BeforeAll
  static void startOrthancAndStore() {
    orthanc = OrthancServer.start();
    client =
        new DicomWebClient(
            orthanc.dicomWebUrl(),
            () -> null,
            Duration.ofSeconds(2),
            Duration.ofSeconds(20),
            1,
            Duration.ofMillis(20));
    client.store(java.util.Arrays.stream(FILES).map(TestData::path).toList());
  }

  @AfterAll
  static void stop() {
    client.close();
    orthanc.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicom/multiframe/emri_small.dcm",
        "dicom/multiframe/SC_rgb_rle_2frame.dcm",
        "dicom/modality/CT_orthanc_SignedCT.dcm",
        "dicom/transfer-syntax/JPEG-lossy.dcm"
      })
  void framesAsStoredDecodeToTheSameValuesAsTheFile(String name) {
    assertFramesEqualTheFile(TestData.path(name), new FrameFetcher(client));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicom/multiframe/SC_rgb_rle_2frame.dcm",
        "dicom/transfer-syntax/JPEG-lossy.dcm"
      })
  void aSyntaxLeftToTheServerIsTranscodedAndDecodesToTheSameValues(String name) {
    FrameFetcher nativeOnly =
        new FrameFetcher(
            client, DicomWebClient.EXPLICIT_VR_LITTLE_ENDIAN::equals, DicomLimits.DEFAULT);

    assertFramesEqualTheFile(TestData.path(name), nativeOnly);
  }

  private static boolean lossy(DicomFile f) {
    return f.transferSyntax() == org.fusioncds.dicom.TransferSyntax.JPEG_EXTENDED;
  }

  private static void assertFramesEqualTheFile(Path file, FrameFetcher fetcher) {
    try (DicomFile local = DicomReader.read(file)) {
      Dataset ds = local.dataset();
      List<Dataset> metadata =
          DicomJson.read(
              DicomJson.MAPPER.valueToTree(
                  client.retrieveInstanceMetadata(
                      ds.getString(Tag.StudyInstanceUID),
                      ds.getString(Tag.SeriesInstanceUID),
                      ds.getString(Tag.SOPInstanceUID))));
      assertEquals(1, metadata.size());
      int frames = Math.max(1, ds.getInt(Tag.NumberOfFrames, 1));
      assertTrue(frames >= 1);
      for (int i = 0; i < frames; i++) {
        Frame expected = PixelDecoder.decode(local, i);
        Frame fetched = fetcher.fetch(metadata.get(0), i);
        assertEquals(expected.photometric(), fetched.photometric(), "photometric, frame " + i);
        assertEquals(expected.samples().length, fetched.samples().length);
        int worst = 0;
        for (int s = 0; s < expected.samples().length; s++) {
          worst = Math.max(worst, Math.abs(expected.samples()[s] - fetched.samples()[s]));
        }
        // transcoding lossy JPEG means another decoder (DCMTK's in Orthanc): IDCT rounding of 1
        assertTrue(worst <= (lossy(local) ? 1 : 0), "largest difference " + worst + ", frame " + i);
      }
    }
  }
}
