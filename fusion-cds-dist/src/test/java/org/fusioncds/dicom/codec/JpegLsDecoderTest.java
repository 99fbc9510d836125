package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decodes real JPEG-LS files and compares every sample with DCMTK's dcmdjpls. */
class JpegLsDecoderTest {

  static final String MR_LOSSLESS = "dicom/transfer-syntax/MR_small_jpeg_ls_lossless.dcm";
  static final String CT_FRAGMENTED = "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm";
  static final String NEAR_LOSSLESS = "dicom/transfer-syntax/JPEGLSNearLossless_08.dcm";
  static final String MR12_NATIVE = "dicom/multiframe/emri_small.dcm";
  static final String RGB_NATIVE = "dicom/modality/US_examples_rgb_color.dcm";

  @TempDir Path temp;

  @BeforeAll
  static void needsDcmtk() {
    assertTrue(
        JpegLsTestFiles.dcmtkAvailable(),
        "DCMTK (dcmdjpls, dcmcjpls) is not installed: .ci/run installs it");
  }

  private static void assertSamplesEqual(int[] expected, int[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": sample count");
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        throw new AssertionError(
            what + ": sample " + i + " is " + actual[i] + ", DCMTK decodes " + expected[i]);
      }
    }
  }

  @Test
  void decodesLosslessMrExactlyAsDcmtk() {
    Path file = TestData.path(MR_LOSSLESS);
    JpegLsImage image =
        JpegLsDecoder.decode(JpegLsTestFiles.firstCodestream(JpegLsTestFiles.read(file)));
    assertEquals(64, image.width());
    assertEquals(64, image.height());
    assertEquals(1, image.components());
    assertEquals(16, image.bitsPerSample());
    assertEquals(0, image.near());
    int[] expected =
        JpegLsTestFiles.samples(JpegLsTestFiles.dcmtkDecoded(file, temp), 0, 64 * 64, 2);
    assertSamplesEqual(expected, image.samples(), "MR lossless");
  }

  @Test
  void decodesFragmentedCtFramesExactlyAsDcmtk() {
    Path file = TestData.path(CT_FRAGMENTED);
    List<byte[]> frames = JpegLsTestFiles.frames(JpegLsTestFiles.read(file));
    assertEquals(2, frames.size(), "frames in the fragmented CT");
    byte[] reference = JpegLsTestFiles.dcmtkDecoded(file, temp);
    for (int f = 0; f < frames.size(); f++) {
      JpegLsImage image = JpegLsDecoder.decode(frames.get(f));
      assertEquals(512, image.width());
      assertEquals(512, image.height());
      assertEquals(16, image.bitsPerSample());
      int[] expected = JpegLsTestFiles.samples(reference, f, 512 * 512, 2);
      assertSamplesEqual(expected, image.samples(), "CT frame " + (f + 1));
    }
  }

  @Test
  void decodesNearLosslessExactlyAsDcmtk() {
    Path file = TestData.path(NEAR_LOSSLESS);
    JpegLsImage image =
        JpegLsDecoder.decode(JpegLsTestFiles.firstCodestream(JpegLsTestFiles.read(file)));
    assertEquals(10, image.width());
    assertEquals(45, image.height());
    assertEquals(8, image.bitsPerSample());
    assertTrue(image.near() > 0, "NEAR of a near-lossless codestream");
    int[] expected =
        JpegLsTestFiles.samples(JpegLsTestFiles.dcmtkDecoded(file, temp), 0, 45 * 10, 1);
    assertSamplesEqual(expected, image.samples(), "near-lossless 8-bit");
  }

  /** RGB 320x240 8-bit, encoded by dcmcjpls in every interleave mode, lossless and NEAR 1..3. */
  @ParameterizedTest(name = "{0} NEAR={1}")
  @CsvSource({
    "+in, 0", "+il, 0", "+is, 0", "+in, 2", "+il, 1", "+is, 3",
  })
  void decodesRgbInEveryInterleaveModeExactlyAsDcmtk(String interleave, int nearValue) {
    Path source = TestData.path(RGB_NATIVE);
    String name = "rgb" + interleave.substring(1) + nearValue;
    Path encoded =
        nearValue == 0
            ? JpegLsTestFiles.dcmtkEncoded(source, temp, name, interleave)
            : JpegLsTestFiles.dcmtkEncoded(
                source, temp, name, interleave, "+en", "+md", String.valueOf(nearValue));
    JpegLsImage image =
        JpegLsDecoder.decode(JpegLsTestFiles.firstCodestream(JpegLsTestFiles.read(encoded)));
    assertEquals(320, image.width());
    assertEquals(240, image.height());
    assertEquals(3, image.components());
    assertEquals(nearValue, image.near());
    int count = 320 * 240 * 3;
    int[] expected =
        JpegLsTestFiles.samples(JpegLsTestFiles.dcmtkDecoded(encoded, temp), 0, count, 1);
    assertSamplesEqual(expected, image.samples(), "RGB " + interleave + " NEAR=" + nearValue);
    int[] original =
        JpegLsTestFiles.samples(
            JpegLsTestFiles.nativePixelData(JpegLsTestFiles.read(source)), 0, count, 1);
    for (int i = 0; i < count; i++) {
      assertTrue(
          Math.abs(original[i] - image.samples()[i]) <= nearValue,
          "sample " + i + " deviates from the original by more than NEAR");
    }
  }

  /**
   * Grey images re-encoded by dcmcjpls near-lossless and with custom thresholds and RESET (LSE):
   * the 12-bit MR (frame 1 of 10) and the 16-bit CT (frame 1, as DCMTK decodes it).
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "mr12, near3, +en +md 3",
    "mr12, near1, +en +md 1",
    "mr12, thresholds, +t1 5 +t2 40 +t3 300 +rs 32",
    "mr12, thresholdsNear, +en +md 2 +t1 9 +t2 30 +t3 100 +rs 200",
    "ct16, near5, +en +md 5",
    "ct16, thresholds, +t1 2 +t2 3 +t3 4 +rs 3",
  })
  void decodesGreyWithCustomParametersExactlyAsDcmtk(String source, String name, String options) {
    Path native16;
    int width;
    int height;
    if (source.equals("mr12")) {
      native16 = TestData.path(MR12_NATIVE);
      width = 64;
      height = 64;
    } else {
      native16 = temp.resolve("ct-native.dcm");
      JpegLsTestFiles.run("dcmdjpls", TestData.path(CT_FRAGMENTED).toString(), native16.toString());
      width = 512;
      height = 512;
    }
    Path encoded = JpegLsTestFiles.dcmtkEncoded(native16, temp, name, options.split(" "));
    JpegLsImage image =
        JpegLsDecoder.decode(JpegLsTestFiles.firstCodestream(JpegLsTestFiles.read(encoded)));
    assertEquals(width, image.width());
    assertEquals(height, image.height());
    int count = width * height;
    int[] expected =
        JpegLsTestFiles.samples(JpegLsTestFiles.dcmtkDecoded(encoded, temp), 0, count, 2);
    assertSamplesEqual(expected, image.samples(), source + " " + options);
    int[] original =
        JpegLsTestFiles.samples(
            JpegLsTestFiles.nativePixelData(JpegLsTestFiles.read(native16)), 0, count, 2);
    for (int i = 0; i < count; i++) {
      assertTrue(Math.abs(original[i] - image.samples()[i]) <= image.near(), "sample " + i);
    }
  }

  @Test
  void decodedSamplesAreIndependentOfTrailingBytesAfterEoi() {
    byte[] cs = JpegLsTestFiles.firstCodestream(JpegLsTestFiles.read(TestData.path(MR_LOSSLESS)));
    byte[] padded = java.util.Arrays.copyOf(cs, cs.length + 7);
    java.util.Arrays.fill(padded, cs.length, padded.length, (byte) 0xAB);
    assertArrayEquals(JpegLsDecoder.decode(cs).samples(), JpegLsDecoder.decode(padded).samples());
  }
}
