package org.fusioncds.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken and hostile input: every failure is a {@link DicomException} with its code, found before
 * any large allocation; never another exception, a hang or an out-of-memory error.
 */
class HostileInputTest {

  /** What each malformed shared file must give: a code, or 0 when it is only tricky and reads. */
  private static final Map<String, Integer> MALFORMED =
      Map.of(
          "ExplVR_LitEndNoMeta.dcm", 0,
          "meta_missing_tsyntax.dcm", 2101, // reads; its 2-byte Pixel Data has no Rows
          "JPEG2000-embedded-sequence-delimiter.dcm", 2120,
          "MR_truncated.dcm", 2004,
          "no_meta.dcm", 2004,
          "orthanc_oob-monochrome-65535.dcm", 2103,
          "rtplan_truncated.dcm", 2004);

  @Test
  void everyMalformedFileIsReadOrRefusedWithItsCode() {
    List<Path> files = TestData.files("dicom/malformed");
    assertEquals(MALFORMED.keySet().size(), files.size(), "a new malformed file needs a verdict");
    for (Path file : files) {
      int expected = MALFORMED.get(file.getFileName().toString());
      int actual = outcome(file);
      assertEquals(expected, actual, file.getFileName().toString());
    }
  }

  /** 0 when the file reads and its first frame (if any) decodes, else the error code. */
  private static int outcome(Path file) {
    try (DicomFile f = DicomReader.read(file)) {
      if (f.dataset().contains(Tag.PixelData)) {
        PixelDecoder.decode(f, 0);
      }
      return 0;
    } catch (DicomException e) {
      assertTrue(e.getMessage().startsWith("FCDS-" + e.code() + ": "), e.getMessage());
      return e.code();
    }
  }

  @Test
  void fileWithoutMetaIsReadAsDetectedExplicitLittleEndian() {
    try (DicomFile f = DicomReader.read(TestData.path("dicom/malformed/ExplVR_LitEndNoMeta.dcm"))) {
      assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, f.transferSyntax());
      assertEquals("RTPLAN", f.dataset().getString(Tag.Modality));
      assertTrue(f.warnings().get(0).contains("no File Meta Information"), f.warnings().toString());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/transfer-syntax/MR_small.dcm",
        "dicom/transfer-syntax/MR_small_bigendian.dcm",
        "dicom/transfer-syntax/MR_small_implicit.dcm",
        "dicom/transfer-syntax/image_dfl.dcm",
        "dicom/modality/SR_test-SR.dcm",
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicom/multiframe/US_examples_ybr_color.dcm"
      })
  void truncatedAnywhereGivesACodedErrorOrAValidPrefix(String name) throws Exception {
    byte[] whole = Files.readAllBytes(TestData.path(name));
    int step = Math.max(1, whole.length / 400);
    for (int cut = 0; cut < whole.length; cut += step) {
      byte[] part = java.util.Arrays.copyOf(whole, cut);
      readAndDecodeOrCodedError(part, name + " cut at " + cut);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/transfer-syntax/MR_small.dcm",
        "dicom/transfer-syntax/MR_small_RLE.dcm",
        "dicom/transfer-syntax/MR_small_implicit.dcm",
        "dicom/modality/SR_test-SR.dcm",
        "dicom/multiframe/SC_rgb_rle_2frame.dcm",
        "dicom/transfer-syntax/SC_rgb_jpeg_gdcm.dcm"
      })
  void randomlyCorruptedBytesGiveACodedErrorOrAResult(String name) throws Exception {
    byte[] whole = Files.readAllBytes(TestData.path(name));
    Random random = new Random(20261128L);
    for (int round = 0; round < 300; round++) {
      byte[] mutated = whole.clone();
      int flips = 1 + random.nextInt(8);
      for (int i = 0; i < flips; i++) {
        // headers are where a parser is hurt most: favour the first 2 KB
        int at =
            random.nextBoolean()
                ? random.nextInt(Math.min(2048, whole.length))
                : random.nextInt(whole.length);
        mutated[at] = (byte) random.nextInt(256);
      }
      readAndDecodeOrCodedError(mutated, name + " round " + round);
    }
  }

  private static void readAndDecodeOrCodedError(byte[] bytes, String what) {
    try (DicomFile f = DicomReader.read(bytes)) {
      if (f.dataset().contains(Tag.PixelData)) {
        PixelDecoder.decode(f, 0);
      }
    } catch (DicomException expected) {
      // a coded refusal is the right outcome
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      fail(what + ": " + e, e);
    }
  }

  @Test
  void refusesA3GigabyteElementLengthBeforeAllocating() {
    byte[] file = part10(element(0x00091010, "OB", 0xC0000000L, new byte[16]));

    DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file));

    assertEquals(2004, e.code());
    assertTrue(e.getMessage().contains("declares length 3221225472"), e.getMessage());
  }

  @Test
  void refusesSequencesNestedBeyondTheLimit() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int depth = DicomLimits.DEFAULT.maxDepth() + 5;
    for (int i = 0; i < depth; i++) {
      body.writeBytes(element(0x00400275, "SQ", 0xFFFFFFFFL, new byte[0]));
      body.writeBytes(tagAndLength(Tag.Item, 0xFFFFFFFFL));
    }
    byte[] file = part10(body.toByteArray());

    DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(file));

    assertEquals(2007, e.code());
  }

  @Test
  void refusesMoreElementsThanTheLimit() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < 200; i++) {
      body.writeBytes(element(0x00091000 + i, "UL", 4, new byte[4]));
    }
    DicomLimits few = new DicomLimits(1 << 20, 1024, 8, 100, 1 << 20, 1 << 20, 1 << 22);
    byte[] file = part10(body.toByteArray());

    DicomException e =
        assertThrows(
            DicomException.class,
            () -> {
              Path tmp = Files.createTempFile("many", ".dcm");
              try {
                Files.write(tmp, file);
                DicomReader.read(tmp, few).close();
              } finally {
                Files.delete(tmp);
              }
            });

    assertEquals(2009, e.code());
  }

  @Test
  void refusesADeflatedDataSetThatInflatesBeyondTheLimit() throws Exception {
    byte[] zeros = new byte[4 << 20];
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(element(0x00091010, "OB", zeros.length, zeros));
    Deflater deflater = new Deflater(9, true);
    deflater.setInput(body.toByteArray());
    deflater.finish();
    byte[] buf = new byte[1 << 16];
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    while (!deflater.finished()) {
      deflated.write(buf, 0, deflater.deflate(buf));
    }
    byte[] file = part10(deflated.toByteArray(), TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
    DicomLimits small = new DicomLimits(1 << 20, 1024, 8, 1000, 1 << 20, 1 << 20, 1 << 22);
    Path tmp = Files.createTempFile("bomb", ".dcm");
    try {
      Files.write(tmp, file);

      DicomException e = assertThrows(DicomException.class, () -> DicomReader.read(tmp, small));

      assertEquals(2012, e.code());
      assertTrue(file.length < 16 << 10, "a 4 MB value deflates to " + file.length + " bytes");
    } finally {
      Files.delete(tmp);
    }
  }

  // ---- byte builders (explicit VR little endian) ----------------------------------------------

  private static byte[] part10(byte[] body) {
    return part10(body, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
  }

  private static byte[] part10(byte[] body, TransferSyntax ts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[128]);
    out.writeBytes("DICM".getBytes());
    String uid = ts.uid().length() % 2 == 0 ? ts.uid() : ts.uid() + "\0";
    out.writeBytes(element(Tag.TransferSyntaxUID, "UI", uid.length(), uid.getBytes()));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] element(int tag, String vr, long length, byte[] value) {
    boolean longForm = VR.valueOf(vr).hasLongLength();
    ByteBuffer b = ByteBuffer.allocate(12 + value.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) (tag >>> 16)).putShort((short) tag);
    b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1));
    if (longForm) {
      b.putShort((short) 0).putInt((int) length);
    } else {
      b.putShort((short) length);
    }
    b.put(value);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static byte[] tagAndLength(int tag, long length) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt((int) length);
    return b.array();
  }
}
