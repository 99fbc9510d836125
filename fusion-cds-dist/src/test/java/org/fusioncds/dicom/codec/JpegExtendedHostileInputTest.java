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
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Broken and hostile codestreams, made by cutting or altering real ones: always a coded error. */
class JpegExtendedHostileInputTest {

  /** 12-bit NM, 256 x 1024, SOF1, one component. */
  private static byte[] nm;

  /** 8-bit baseline YCbCr 4:4:4, 100 x 100. */
  private static byte[] rgb;

  @BeforeAll
  static void load() throws IOException {
    nm = JpegExtendedFixtures.frames(TestData.path("dicom/transfer-syntax/JPEG-lossy.dcm")).get(0);
    rgb =
        JpegExtendedFixtures.frames(TestData.path("dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm"))
            .get(0);
  }

  private static DicomException refused(byte[] cs, int code) {
    DicomException e =
        assertThrows(DicomException.class, () -> JpegExtendedDecoder.decode(cs), "should refuse");
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().startsWith("FCDS-" + code + ": "), e.getMessage());
    return e;
  }

  private static int sof(byte[] cs) {
    int p = JpegExtendedFixtures.indexOfMarker(cs, 0xC1);
    return p >= 0 ? p : JpegExtendedFixtures.indexOfMarker(cs, 0xC0);
  }

  private static byte[] withoutSegment(byte[] cs, int marker) {
    int p = JpegExtendedFixtures.indexOfMarker(cs, marker);
    assertTrue(p > 0, "marker present");
    int len = 2 + (((cs[p + 2] & 0xFF) << 8) | (cs[p + 3] & 0xFF));
    byte[] out = new byte[cs.length - len];
    System.arraycopy(cs, 0, out, 0, p);
    System.arraycopy(cs, p + len, out, p, cs.length - p - len);
    return out;
  }

  private static void put16(byte[] b, int p, int v) {
    b[p] = (byte) (v >> 8);
    b[p + 1] = (byte) v;
  }

  /** Offset of the first entropy-coded byte of the first scan. */
  private static int scanData(byte[] cs) {
    int p = JpegExtendedFixtures.indexOfMarker(cs, 0xDA);
    return p + 2 + (((cs[p + 2] & 0xFF) << 8) | (cs[p + 3] & 0xFF));
  }

  @Test
  void refusesProgressiveJpegWithCode() {
    byte[] cs = nm.clone();
    cs[sof(cs) + 1] = (byte) 0xC2;
    DicomException e = refused(cs, 2252);
    assertTrue(e.getMessage().contains("FFC2") && e.getMessage().contains("progressive"));
  }

  @Test
  void refusesLosslessArithmeticAndHierarchicalJpegWithCode() {
    for (int m : new int[] {0xC3, 0xC5, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}) {
      byte[] cs = nm.clone();
      cs[sof(cs) + 1] = (byte) m;
      refused(cs, 2252);
    }
  }

  @Test
  void refusesRealLosslessJpegFileWithCode() throws IOException {
    byte[] lossless =
        JpegExtendedFixtures.frames(TestData.path("dicom/transfer-syntax/SC_rgb_jpeg_gdcm.dcm"))
            .get(0);
    refused(lossless, 2252);
  }

  @Test
  void refusesNonJpegInputWithCode() {
    refused(new byte[0], 2250);
    refused(new byte[] {(byte) 0xFF}, 2250);
    refused(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 2250);
    assertEquals(
        2250, assertThrows(DicomException.class, () -> JpegExtendedDecoder.decode(null)).code());
  }

  @Test
  void refusesStreamTruncatedInsideEntropyDataWithCode() {
    byte[] cs = Arrays.copyOf(nm, nm.length / 2);
    DicomException e = refused(cs, 2260);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void refusesStreamTruncatedInsideHeadersWithCode() {
    refused(Arrays.copyOf(nm, sof(nm) + 6), 2251);
    refused(Arrays.copyOf(nm, 4), 2251);
    refused(Arrays.copyOf(nm, 2), 2251);
    // no coded data at all: refused by the size plausibility check before allocating
    refused(Arrays.copyOf(nm, scanData(nm)), 2251);
  }

  @Test
  void everyTruncationIsDecodedOrRefusedWithCode() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (byte[] src : new byte[][] {nm, rgb}) {
            for (int cut = 0; cut < src.length; cut += 3) {
              byte[] cs = Arrays.copyOf(src, cut);
              try {
                JpegExtendedImage img = JpegExtendedDecoder.decode(cs);
                // only a cut after the last coded bit may decode
                assertTrue(
                    cut > src.length - 64, "cut at " + cut + " of " + src.length + " decoded");
                assertEquals(JpegExtendedDecoder.decode(src).width(), img.width());
              } catch (DicomException e) {
                assertTrue(e.code() >= 2250 && e.code() <= 2299, e.getMessage());
              }
            }
          }
        });
  }

  @Test
  void refusesMissingHuffmanTableWithCode() {
    DicomException e = refused(withoutSegment(nm, 0xC4), 2255);
    assertTrue(e.getMessage().contains("Huffman table 0"), e.getMessage());
  }

  @Test
  void refusesMissingQuantisationTableWithCode() {
    DicomException e = refused(withoutSegment(nm, 0xDB), 2255);
    assertTrue(e.getMessage().contains("quantisation table 0"), e.getMessage());
  }

  @Test
  void refusesWidthOrHeightZeroWithCode() {
    byte[] cs = nm.clone();
    put16(cs, sof(cs) + 7, 0);
    assertTrue(refused(cs, 2253).getMessage().contains("width 0"));
    cs = nm.clone();
    put16(cs, sof(cs) + 5, 0);
    assertTrue(refused(cs, 2253).getMessage().contains("height 0"));
  }

  @Test
  void refusesPrecisionOtherThan8Or12WithCode() {
    for (int p : new int[] {0, 2, 10, 16, 255}) {
      byte[] cs = nm.clone();
      cs[sof(cs) + 4] = (byte) p;
      assertTrue(refused(cs, 2253).getMessage().contains("precision " + p));
    }
  }

  @Test
  void refusesAbsurdDimensionsBeforeAllocatingWithCode() {
    byte[] cs = rgb.clone();
    put16(cs, sof(cs) + 5, 65535);
    put16(cs, sof(cs) + 7, 65535);
    DicomException e = refused(cs, 2254);
    assertTrue(e.getMessage().contains("65535 x 65535 x 3"), e.getMessage());
  }

  @Test
  void refusesDimensionsTheCodedDataCannotHoldWithoutOutOfMemory() {
    // 16384 x 16384 x 1 = 2^28 samples: allowed by the limit, but 6.8 kB cannot code 4M blocks
    byte[] cs = nm.clone();
    put16(cs, sof(cs) + 5, 16384);
    put16(cs, sof(cs) + 7, 16384);
    refused(cs, 2251);
  }

  @Test
  void refusesHuffmanCodeNotInTableWithCode() {
    // the DC table of this file has no 7-bit code 1111111: 24 one-bits (FF00 stuffed) are invalid
    byte[] cs = nm.clone();
    int p = scanData(cs);
    for (int i = 0; i < 3; i++) {
      cs[p + 2 * i] = (byte) 0xFF;
      cs[p + 2 * i + 1] = 0;
    }
    DicomException e = refused(cs, 2259);
    assertTrue(e.getMessage().contains("Huffman code"), e.getMessage());
  }

  @Test
  void refusesOverSubscribedHuffmanTableWithCode() {
    byte[] cs = nm.clone();
    int p = JpegExtendedFixtures.indexOfMarker(cs, 0xC4) + 4; // Tc/Th of the DC table
    assertEquals(1, cs[p + 1]); // one code of length 1
    assertEquals(3, cs[p + 3]); // three of length 3
    cs[p + 1] = 2; // two codes of length 1 leave no room for any longer code
    cs[p + 3] = 2;
    refused(cs, 2257);
  }

  @Test
  void refusesScanBeforeFrameAndSecondFrameWithCode() {
    byte[] cs = nm.clone();
    cs[sof(cs) + 1] = (byte) 0xE5; // SOF becomes APP5: SOS comes before any frame
    refused(cs, 2264);
    int s = sof(nm);
    int len = 2 + (((nm[s + 2] & 0xFF) << 8) | (nm[s + 3] & 0xFF));
    byte[] twice = new byte[nm.length + len];
    System.arraycopy(nm, 0, twice, 0, s + len);
    System.arraycopy(nm, s, twice, s + len, nm.length - s);
    refused(twice, 2264);
  }

  @Test
  void refusesGarbageWhereAMarkerBelongsWithCode() {
    byte[] cs = nm.clone();
    cs[2] = 0x12;
    DicomException e = refused(cs, 2264);
    assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
  }

  @Test
  void refusesStreamWithoutScanWithCode() {
    byte[] cs = Arrays.copyOf(nm, JpegExtendedFixtures.indexOfMarker(nm, 0xDA) + 2);
    cs[cs.length - 1] = (byte) 0xD9; // EOI instead of SOS
    put16(cs, sof(cs) + 5, 8); // 8 x 8, so the size plausibility check lets it through
    put16(cs, sof(cs) + 7, 8);
    assertTrue(refused(cs, 2263).getMessage().contains("no scan"));
  }

  @Test
  void randomlyCorruptedStreamsAreDecodedOrRefusedWithCode() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          Random random = new Random(20240611L);
          int decoded = 0;
          int refusedCount = 0;
          for (int round = 0; round < 600; round++) {
            byte[] src = (round & 1) == 0 ? nm : rgb;
            byte[] cs = src.clone();
            int edits = 1 + random.nextInt(4);
            for (int i = 0; i < edits; i++) {
              // mostly in the headers, where structure matters most
              int limit = random.nextInt(3) == 0 ? cs.length : Math.min(cs.length, 700);
              cs[2 + random.nextInt(limit - 2)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
              cs = Arrays.copyOf(cs, 2 + random.nextInt(cs.length - 2));
            }
            try {
              JpegExtendedImage img = JpegExtendedDecoder.decode(cs);
              assertEquals(
                  (long) img.width() * img.height() * img.components(), img.samples().length);
              decoded++;
            } catch (DicomException e) {
              if (e.code() < 2250 || e.code() > 2299) {
                fail("code out of range: " + e.getMessage());
              }
              refusedCount++;
            }
          }
          System.out.printf("corrupted streams: %d decoded, %d refused%n", decoded, refusedCount);
        });
  }
}
