package org.fusioncds.dicom.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken codestreams, built by cutting and altering real ones: every one is refused with a
 * DicomException of code 2200–2249, none with another exception, a hang or an out-of-memory.
 */
class JpegLsHostileInputTest {

  /** MR 64x64 16-bit: SOI, SOF55 at 2, LSE at 15, SOS at 30, scan data, EOI. */
  private static byte[] mr;

  private static List<byte[]> ct;

  @BeforeAll
  static void load() {
    mr =
        JpegLsTestFiles.firstCodestream(
            JpegLsTestFiles.read(TestData.path(JpegLsDecoderTest.MR_LOSSLESS)));
    ct =
        JpegLsTestFiles.frames(
            JpegLsTestFiles.read(TestData.path(JpegLsDecoderTest.CT_FRAGMENTED)));
  }

  private static DicomException refused(byte[] codestream, int code) {
    DicomException e =
        assertThrows(DicomException.class, () -> JpegLsDecoder.decode(codestream), "code " + code);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  /** The offset of the first marker {@code 0xFFxx} at or after {@code from}. */
  private static int marker(byte[] cs, int code, int from) {
    for (int i = from; i + 1 < cs.length; i++) {
      if (cs[i] == (byte) 0xFF && (cs[i + 1] & 0xFF) == code) {
        return i;
      }
    }
    throw new IllegalStateException(String.format("marker 0xFF%02X not found", code));
  }

  private static int segmentLength(byte[] cs, int markerOffset) {
    return 2 + (((cs[markerOffset + 2] & 0xFF) << 8) | (cs[markerOffset + 3] & 0xFF));
  }

  private static byte[] without(byte[] cs, int from, int length) {
    byte[] out = new byte[cs.length - length];
    System.arraycopy(cs, 0, out, 0, from);
    System.arraycopy(cs, from + length, out, from, cs.length - from - length);
    return out;
  }

  private static byte[] with(byte[] cs, int at, byte... inserted) {
    byte[] out = new byte[cs.length + inserted.length];
    System.arraycopy(cs, 0, out, 0, at);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(cs, at, out, at + inserted.length, cs.length - at);
    return out;
  }

  private static byte[] patched(byte[] cs, int at, int... values) {
    byte[] out = cs.clone();
    for (int i = 0; i < values.length; i++) {
      out[at + i] = (byte) values[i];
    }
    return out;
  }

  private static void refusedOrDecoded(byte[] codestream) {
    try {
      JpegLsDecoder.decode(codestream);
    } catch (DicomException e) {
      assertTrue(e.code() >= 2200 && e.code() <= 2249, e.getMessage());
    } catch (RuntimeException | Error e) {
      fail("not a DicomException: " + e, e);
    }
  }

  @Test
  void mrCodestreamHasTheExpectedLayout() {
    assertEquals(2, marker(mr, 0xF7, 0));
    assertEquals(15, marker(mr, 0xF8, 0));
    assertEquals(30, marker(mr, 0xDA, 0));
  }

  @Test
  void refusesTruncatedCodestreamWithCode() {
    int eoi = marker(mr, 0xD9, 40);
    for (int length = 0; length < eoi + 2; length++) {
      byte[] cut = Arrays.copyOf(mr, length);
      DicomException e = assertThrows(DicomException.class, () -> JpegLsDecoder.decode(cut));
      assertTrue(e.code() == 2200 || e.code() == 2201, "cut at " + length + ": " + e.getMessage());
    }
  }

  @Test
  void refusesTruncatedCtFramesInsideScanDataWithCode() {
    byte[] frame = ct.get(0);
    for (int length = 100; length < frame.length - 2; length += 997) {
      DicomException e = refused(Arrays.copyOf(frame, length), 2201);
      assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }
  }

  @Test
  void refusesNonJpegLsStartWithCode() {
    refused(new byte[0], 2200);
    refused(new byte[] {(byte) 0xFF}, 2200);
    refused(patched(mr, 0, 0x00), 2200);
    assertEquals(
        "FCDS-2200: JPEG-LS codestream is null",
        assertThrows(DicomException.class, () -> JpegLsDecoder.decode(null)).getMessage());
  }

  @Test
  void refusesMissingFrameHeaderWithCode() {
    DicomException e = refused(without(mr, 2, segmentLength(mr, 2)), 2202);
    assertTrue(e.getMessage().contains("before the frame header"), e.getMessage());
  }

  @Test
  void refusesEoiBeforeAnyScanWithCode() {
    refused(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}, 2202);
    byte[] headersOnly = Arrays.copyOf(mr, 30 + 2);
    headersOnly[30 + 1] = (byte) 0xD9; // SOS replaced by EOI
    refused(headersOnly, 2215);
  }

  @Test
  void refusesSecondFrameHeaderWithCode() {
    byte[] sof = Arrays.copyOfRange(mr, 2, 2 + segmentLength(mr, 2));
    refused(with(mr, 2, sof), 2202);
  }

  @Test
  void refusesOtherJpegProcessMarkerWithCode() {
    DicomException e = refused(patched(mr, 3, 0xC3), 2203);
    assertTrue(
        e.getMessage().startsWith("FCDS-2203: JPEG-LS marker 0xFFC3 at offset 2 is not supported"),
        e.getMessage());
    refused(patched(mr, 3, 0xC0), 2203);
    refused(patched(mr, 3, 0xC4), 2203);
  }

  @Test
  void refusesZeroWidthOrHeightWithCode() {
    // SOF55 payload at 4: length(2) P(1) Y(2) X(2) Nf(1)
    refused(patched(mr, 7, 0, 0), 2205);
    refused(patched(mr, 9, 0, 0), 2205);
  }

  @Test
  void refusesAbsurdDimensionsBeforeAllocatingWithCode() {
    DicomException e = refused(patched(mr, 7, 0xFF, 0xFF, 0xFF, 0xFF), 2206);
    assertTrue(e.getMessage().contains("65535x65535x1"), e.getMessage());
  }

  @Test
  void refusesBitsPerSampleOutside2To16WithCode() {
    for (int bits : new int[] {0, 1, 17, 255}) {
      DicomException e = refused(patched(mr, 6, bits), 2204);
      assertTrue(e.getMessage().contains("bits per sample " + bits), e.getMessage());
    }
  }

  @Test
  void refusesUnsupportedComponentCountWithCode() {
    refused(patched(mr, 11, 2), 2207);
    refused(patched(mr, 11, 0), 2207);
  }

  @Test
  void refusesSubsampledComponentWithCode() {
    refused(patched(mr, 13, 0x21), 2207);
  }

  @Test
  void refusesMappingTablesWithCode() {
    refused(patched(mr, 19, 2), 2210); // LSE type 2
    refused(patched(mr, 36, 1), 2210); // Tm1 of the scan
  }

  @Test
  void refusesHpColourTransformWithCode() {
    byte[] app8 = {(byte) 0xFF, (byte) 0xE8, 0, 7, 'm', 'r', 'f', 'x', 1};
    DicomException e = refused(with(mr, 2, app8), 2211);
    assertTrue(e.getMessage().contains("colour transform 1"), e.getMessage());
    byte[] none = app8.clone();
    none[8] = 0;
    assertArrayEquals(
        JpegLsDecoder.decode(mr).samples(), JpegLsDecoder.decode(with(mr, 2, none)).samples());
  }

  @Test
  void refusesBadScanHeaderWithCode() {
    // SOS at 30: length(2) Ns(1) C1 Tm1 NEAR ILV Pt
    refused(patched(mr, 35, 9), 2208); // component id not in the frame
    refused(patched(mr, 34, 2), 2208); // two components in the scan of a grey frame
  }

  @Test
  void refusesInvalidNearAndInterleaveWithCode() {
    byte[] near8 =
        JpegLsTestFiles.firstCodestream(
            JpegLsTestFiles.read(TestData.path(JpegLsDecoderTest.NEAR_LOSSLESS)));
    int sos = marker(near8, 0xDA, 2);
    refused(patched(near8, sos + 7, 128), 2208); // NEAR 128 > 255/2
    refused(patched(near8, sos + 8, 3), 2208); // ILV 3
    refused(patched(near8, sos + 9, 1), 2216); // point transform
  }

  @Test
  void refusesInvalidPresetParametersWithCode() {
    // LSE at 15: length(2) id(1) MAXVAL(2) T1(2) T2(2) T3(2) RESET(2)
    refused(patched(mr, 22, 0, 50, 0, 20, 0, 100), 2209); // T2 < T1
    refused(patched(mr, 28, 0, 2), 2209); // RESET 2
    refused(patched(mr, 20, 0x00, 0xFF), 2209); // T3 276 > MAXVAL 255
    refused(patched(mr, 19, 4), 2210); // LSE type 4 (oversize dimensions)
  }

  @Test
  void refusesBadSegmentLengthWithCode() {
    refused(patched(mr, 4, 0, 1), 2214);
    refused(patched(mr, 4, 0xFF, 0xF0), 2201);
  }

  @Test
  void refusesRestartMarkerOutsideScanWithCode() {
    refused(with(mr, 2, (byte) 0xFF, (byte) 0xD0), 2202);
  }

  @Test
  void refusesOrDecodesCorruptedScanDataWithoutOtherExceptions() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          Random random = new Random(20240601L);
          for (byte[] source : List.of(mr, ct.get(0))) {
            int scanStart = marker(source, 0xDA, 2) + 10;
            for (int i = 0; i < 300; i++) {
              byte[] broken = source.clone();
              int flips = 1 + random.nextInt(8);
              for (int f = 0; f < flips; f++) {
                int at = scanStart + random.nextInt(broken.length - scanStart);
                broken[at] = (byte) random.nextInt(256);
              }
              refusedOrDecoded(broken);
            }
          }
        });
  }

  @Test
  void refusesOrDecodesCorruptedHeadersWithoutOtherExceptions() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          Random random = new Random(7L);
          for (int i = 0; i < 2000; i++) {
            byte[] broken = mr.clone();
            int at = random.nextInt(40);
            broken[at] = (byte) random.nextInt(256);
            refusedOrDecoded(broken);
          }
        });
  }

  @Test
  void refusesGarbageScanDataWithoutHanging() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          Random random = new Random(3L);
          for (int fill : new int[] {0x00, 0x7F, 0xFF, -1}) {
            byte[] broken = mr.clone();
            for (int at = 40; at < broken.length - 2; at++) {
              broken[at] = (byte) (fill >= 0 ? fill : random.nextInt(256));
            }
            refusedOrDecoded(broken);
          }
        });
  }

  // ------------------------------------------------------------------ restart intervals

  /**
   * Two CT frames spliced into one 512x1024 codestream with a restart interval of 512 lines: each
   * restart interval is decoded like a scan of its own, so the result is frame 1 above frame 2.
   */
  private static byte[] splicedWithRestart(int rstMarker) {
    byte[] f1 = ct.get(0);
    byte[] f2 = ct.get(1);
    int sos1 = marker(f1, 0xDA, 2);
    int sos2 = marker(f2, 0xDA, 2);
    int data1 = sos1 + segmentLength(f1, sos1);
    int data2 = sos2 + segmentLength(f2, sos2);
    int eoi1 = marker(f1, 0xD9, data1);
    int eoi2 = marker(f2, 0xD9, data2);
    assertArrayEquals(Arrays.copyOf(f1, data1), Arrays.copyOf(f2, data2), "same headers");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] headers = Arrays.copyOf(f1, data1);
    headers[7] = 0x04; // height 512 -> 1024
    headers[8] = 0x00;
    out.write(headers, 0, sos1);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0, 4, 0x02, 0x00}); // DRI 512
    out.write(headers, sos1, data1 - sos1);
    out.write(f1, data1, eoi1 - data1);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) rstMarker});
    out.write(f2, data2, eoi2 - data2);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
    return out.toByteArray();
  }

  @Test
  void decodesRestartIntervalsAsIndependentParts() {
    int[] top = JpegLsDecoder.decode(ct.get(0)).samples();
    int[] bottom = JpegLsDecoder.decode(ct.get(1)).samples();
    JpegLsImage image = JpegLsDecoder.decode(splicedWithRestart(0xD0));
    assertEquals(512, image.width());
    assertEquals(1024, image.height());
    int[] expected = Arrays.copyOf(top, top.length + bottom.length);
    System.arraycopy(bottom, 0, expected, top.length, bottom.length);
    assertArrayEquals(expected, image.samples());
  }

  @Test
  void refusesWrongRestartMarkerWithCode() {
    DicomException e = refused(splicedWithRestart(0xD3), 2213);
    assertTrue(e.getMessage().contains("0xFFD0"), e.getMessage());
  }
}
