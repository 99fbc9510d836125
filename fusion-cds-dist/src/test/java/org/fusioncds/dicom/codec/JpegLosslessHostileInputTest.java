package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.codec.JpegLosslessTestEncoder.Spec;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken and hostile lossless JPEG codestreams, made by cutting or altering real ones and ones of
 * {@link JpegLosslessTestEncoder}: always a coded error, never a hang or an unbounded allocation.
 */
class JpegLosslessHostileInputTest {

  /** 8-bit RGB, 100 x 100, selection value 1, one interleaved scan (GDCM). */
  private static byte[] rgb;

  /** 16-bit PET, 128 x 128, selection value 1. */
  private static byte[] pet;

  /** 12-bit, 16 x 6, selection value 4, restart interval of two lines. */
  private static byte[] restarts;

  @BeforeAll
  static void load() throws IOException {
    rgb =
        JpegExtendedFixtures.frames(TestData.path("dicom/transfer-syntax/SC_rgb_jpeg_gdcm.dcm"))
            .get(0);
    pet = JpegExtendedFixtures.frames(TestData.path("dicom/modality/PT_fodicom_GH184.dcm")).get(0);
    int[] s = new int[16 * 6];
    for (int i = 0; i < s.length; i++) {
      s[i] = (i * 37) & 0xFFF;
    }
    restarts = JpegLosslessTestEncoder.encode(new Spec(16, 6, 1, 12, 4, 0, 2, false, s));
  }

  private static DicomException refused(byte[] cs, int code) {
    DicomException e =
        assertThrows(DicomException.class, () -> JpegLosslessDecoder.decode(cs), "should refuse");
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().startsWith("FCDS-" + code + ": "), e.getMessage());
    return e;
  }

  /** Offset of the byte after the component specifications of the first SOS (Ss). */
  private static int selectionValue(byte[] cs) {
    int p = JpegExtendedFixtures.indexOfMarker(cs, 0xDA);
    return p + 5 + 2 * (cs[p + 4] & 0xFF);
  }

  private static void put16(byte[] b, int p, int v) {
    b[p] = (byte) (v >> 8);
    b[p + 1] = (byte) v;
  }

  @Test
  void refusesDctCodestreamWithCode() throws IOException {
    byte[] dct =
        JpegExtendedFixtures.frames(TestData.path("dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm"))
            .get(0);
    assertTrue(refused(dct, 2252).getMessage().contains("SOF3"));
  }

  @Test
  void refusesDifferentialArithmeticAndHierarchicalLosslessWithCode() {
    for (int m : new int[] {0xC7, 0xCB, 0xCF}) {
      byte[] cs = pet.clone();
      cs[JpegExtendedFixtures.indexOfMarker(cs, 0xC3) + 1] = (byte) m;
      refused(cs, 2252);
    }
  }

  @Test
  void refusesSelectionValueOutsideOneToSevenWithCode() {
    for (int sv : new int[] {0, 8, 255}) {
      byte[] cs = pet.clone();
      cs[selectionValue(cs)] = (byte) sv;
      assertTrue(refused(cs, 2258).getMessage().contains("selection value " + sv));
    }
  }

  @Test
  void refusesPointTransformNotBelowThePrecisionWithCode() {
    byte[] cs = rgb.clone();
    cs[selectionValue(cs) + 2] = 8; // Al = 8 for 8-bit samples
    assertTrue(refused(cs, 2258).getMessage().contains("point transform 8"));
  }

  @Test
  void refusesPrecisionOutside2To16WithCode() {
    for (int precision : new int[] {0, 1, 17}) {
      byte[] cs = pet.clone();
      cs[JpegExtendedFixtures.indexOfMarker(cs, 0xC3) + 4] = (byte) precision;
      assertTrue(refused(cs, 2253).getMessage().contains("precision " + precision));
    }
  }

  @Test
  void refusesSubsampledComponentWithCode() {
    byte[] cs = rgb.clone();
    cs[JpegExtendedFixtures.indexOfMarker(cs, 0xC3) + 11] = 0x21;
    assertTrue(refused(cs, 2253).getMessage().contains("sampling factors 2x1"));
  }

  @Test
  void refusesRestartIntervalThatIsNotWholeLinesWithCode() {
    byte[] cs = restarts.clone();
    put16(cs, JpegExtendedFixtures.indexOfMarker(cs, 0xDD) + 4, 24); // 1.5 lines of 16
    assertTrue(refused(cs, 2262).getMessage().contains("not a multiple of the line width 16"));
  }

  @Test
  void refusesRestartMarkerOutOfSequenceWithCode() {
    byte[] cs = restarts.clone();
    int rst1 = JpegExtendedFixtures.indexOfMarker(cs, 0xD1);
    cs[rst1 + 1] = (byte) 0xD5;
    assertTrue(refused(cs, 2262).getMessage().contains("expected restart marker RST1"));
  }

  @Test
  void refusesMissingRestartMarkerWithCode() {
    byte[] cs = restarts.clone();
    int rst0 = JpegExtendedFixtures.indexOfMarker(cs, 0xD0);
    byte[] cut = new byte[cs.length - 2];
    System.arraycopy(cs, 0, cut, 0, rst0);
    System.arraycopy(cs, rst0 + 2, cut, rst0, cs.length - rst0 - 2);
    DicomException e =
        assertThrows(DicomException.class, () -> JpegLosslessDecoder.decode(cut), "should refuse");
    assertTrue(e.code() == 2262 || e.code() == 2260, e.getMessage());
  }

  @Test
  void refusesDifferenceCategoryAbove16WithCode() {
    int[] s = {0, 32768, 0, 0};
    byte[] cs = JpegLosslessTestEncoder.encode(new Spec(4, 1, 1, 16, 1, 0, 0, false, s));
    int dht = JpegExtendedFixtures.indexOfMarker(cs, 0xC4);
    cs[dht + 5 + 16 + 16] = 17; // the symbol of the longest code, category 16, becomes 17
    assertTrue(refused(cs, 2261).getMessage().contains("category 17"));
  }

  @Test
  void refusesMissingHuffmanTableWithCode() {
    byte[] cs = pet.clone();
    int sos = JpegExtendedFixtures.indexOfMarker(cs, 0xDA);
    cs[sos + 6] = 0x30; // DC table 3, never defined
    refused(cs, 2255);
  }

  @Test
  void refusesDimensionsTheCodedDataCannotHoldBeforeAllocating() {
    byte[] cs = pet.clone();
    int sof = JpegExtendedFixtures.indexOfMarker(cs, 0xC3);
    put16(cs, sof + 5, 4000);
    put16(cs, sof + 7, 4000);
    assertTrue(refused(cs, 2251).getMessage().contains("needs at least"));
  }

  @Test
  void refusesAbsurdDimensionsBeforeAllocatingWithCode() {
    byte[] cs = pet.clone();
    int sof = JpegExtendedFixtures.indexOfMarker(cs, 0xC3);
    put16(cs, sof + 5, 65535);
    put16(cs, sof + 7, 65535);
    assertTrue(refused(cs, 2254).getMessage().contains("exceeds the limit"));
  }

  @Test
  void everyTruncationIsDecodedOrRefusedWithCode() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (byte[] src : new byte[][] {rgb, pet, restarts}) {
            int width = JpegLosslessDecoder.decode(src).width();
            for (int cut = 0; cut < src.length; cut += 7) {
              byte[] cs = Arrays.copyOf(src, cut);
              try {
                JpegExtendedImage img = JpegLosslessDecoder.decode(cs);
                // only a cut after the last coded bit may decode
                assertTrue(cut > src.length - 16, "cut at " + cut + " of " + src.length);
                assertEquals(width, img.width());
              } catch (DicomException e) {
                assertTrue(e.code() >= 2250 && e.code() <= 2299, e.getMessage());
              }
            }
          }
        });
  }

  @Test
  void randomlyCorruptedStreamsAreDecodedOrRefusedWithCode() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          Random random = new Random(20261203L);
          byte[][] sources = {rgb, pet, restarts};
          for (int round = 0; round < 600; round++) {
            byte[] cs = sources[round % 3].clone();
            int edits = 1 + random.nextInt(4);
            for (int i = 0; i < edits; i++) {
              int limit = random.nextInt(3) == 0 ? cs.length : Math.min(cs.length, 300);
              cs[2 + random.nextInt(limit - 2)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
              cs = Arrays.copyOf(cs, 2 + random.nextInt(cs.length - 2));
            }
            try {
              JpegExtendedImage img = JpegLosslessDecoder.decode(cs);
              assertEquals(
                  (long) img.width() * img.height() * img.components(), img.samples().length);
            } catch (DicomException e) {
              if (e.code() < 2250 || e.code() > 2299) {
                fail("code out of range: " + e.getMessage());
              }
            }
          }
        });
  }
}
