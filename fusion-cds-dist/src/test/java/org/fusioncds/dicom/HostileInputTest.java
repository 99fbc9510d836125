package org.fusioncds.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
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

  /**
   * What a stream cut short may give: it ends inside an element header (2003), a value runs past
   * the end (2004), nothing follows the preamble (2008), a deflated data set ends early (2013).
   */
  private static final Set<Integer> TRUNCATED = Set.of(2003, 2004, 2008, 2013);

  /** Structural refusals of the reader (20xx) a corrupted byte may cause wherever it lands. */
  private static final Set<Integer> STRUCTURE =
      Set.of(2003, 2004, 2005, 2006, 2007, 2008, 2009, 2013, 2014, 2015, 2016, 2017);

  /**
   * Refusals of the image description and native pixel data (21xx): a required attribute missing or
   * out of range, native data too short, a transfer syntax the corruption made unknown.
   */
  private static final Set<Integer> IMAGE = Set.of(2101, 2102, 2103, 2107, 2108, 2130);

  /** The codec refusals each corrupted file may add: its own codec's, never another's. */
  private static final Map<String, Set<Integer>> CODEC =
      Map.of(
          "MR_small.dcm", Set.of(),
          "MR_small_implicit.dcm", Set.of(),
          "SR_test-SR.dcm", Set.of(),
          "MR_small_RLE.dcm", Set.of(2104, 2105, 2110, 2111, 2112, 2113),
          "SC_rgb_rle_2frame.dcm", Set.of(2104, 2105, 2110, 2111, 2112, 2113),
          "SC_rgb_jpeg_gdcm.dcm", losslessJpegCodes()); // our JPEG lossless decoder

  /** Fragments, codestream mismatch and the JPEG codec's own codes (2250..2264). */
  private static Set<Integer> losslessJpegCodes() {
    Set<Integer> codes = new HashSet<>(Set.of(2104, 2105, 2121));
    for (int c = 2250; c <= 2264; c++) {
      codes.add(c);
    }
    return codes;
  }

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
    try (DicomFile full = DicomReader.read(whole)) {
      for (int cut = 0; cut < whole.length; cut += step) {
        byte[] part = Arrays.copyOf(whole, cut);
        String what = name + " cut at " + cut;
        try (DicomFile f = DicomReader.read(part)) {
          assertPrefix(full.fileMeta(), f.fileMeta(), what + ", file meta");
          assertPrefix(full.dataset(), f.dataset(), what);
          if (!f.dataset().elements().isEmpty()) {
            assertEquals(full.transferSyntaxUid(), f.transferSyntaxUid(), what);
          }
          if (f.dataset().contains(Tag.PixelData)) {
            PixelDecoder.decode(f, 0);
          }
        } catch (DicomException e) {
          assertCodeIn(TRUNCATED, e, what);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
          fail(what + ": " + e, e);
        }
      }
    }
  }

  /**
   * {@code part} holds the first elements of {@code full} (in tag order, as written): all but the
   * last equal to the whole file's, the last one equal too or, for a sequence, cut after an item.
   */
  private static void assertPrefix(Dataset full, Dataset part, String what) {
    List<Element> whole = List.copyOf(full.elements());
    List<Element> read = List.copyOf(part.elements());
    assertTrue(
        read.size() <= whole.size(),
        what + ": " + read.size() + " elements, the whole has " + whole.size());
    for (int i = 0; i < read.size(); i++) {
      Element expected = whole.get(i);
      Element actual = read.get(i);
      String at = what + ", element " + actual + " (the whole has " + expected + " here)";
      assertEquals(expected.tag(), actual.tag(), at);
      assertEquals(expected.vr(), actual.vr(), at);
      boolean last = i == read.size() - 1;
      if (last && expected.value() instanceof List<?>) {
        assertItemsPrefix(expected.items(), actual.items(), at);
      } else {
        assertSameValue(expected.value(), actual.value(), at);
      }
    }
  }

  private static void assertItemsPrefix(List<Dataset> whole, List<Dataset> read, String what) {
    assertTrue(read.size() <= whole.size(), what + ": " + read.size() + " of " + whole.size());
    for (int k = 0; k < read.size(); k++) {
      if (k < read.size() - 1) {
        assertSameDataset(whole.get(k), read.get(k), what + " item " + k);
      } else {
        assertPrefix(whole.get(k), read.get(k), what + " item " + k);
      }
    }
  }

  private static void assertSameDataset(Dataset expected, Dataset actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": number of elements");
    List<Element> a = List.copyOf(expected.elements());
    List<Element> b = List.copyOf(actual.elements());
    for (int i = 0; i < a.size(); i++) {
      String at = what + ", element " + b.get(i);
      assertEquals(a.get(i).tag(), b.get(i).tag(), at);
      assertEquals(a.get(i).vr(), b.get(i).vr(), at);
      assertSameValue(a.get(i).value(), b.get(i).value(), at);
    }
  }

  /** Equal values: text, bytes wherever they lie, items, fragments. */
  private static void assertSameValue(Object expected, Object actual, String what) {
    if (expected instanceof List<?> || actual instanceof List<?>) {
      List<Dataset> a = new Element(0, VR.SQ, expected).items();
      List<Dataset> b = new Element(0, VR.SQ, actual).items();
      assertEquals(a.size(), b.size(), what + ": number of items");
      for (int k = 0; k < a.size(); k++) {
        assertSameDataset(a.get(k), b.get(k), what + " item " + k);
      }
    } else if (expected instanceof Fragments a && actual instanceof Fragments b) {
      assertArrayEquals(bytes(a.basicOffsetTable()), bytes(b.basicOffsetTable()), what + " BOT");
      assertEquals(a.fragments().size(), b.fragments().size(), what + ": number of fragments");
      for (int k = 0; k < a.fragments().size(); k++) {
        assertArrayEquals(
            bytes(a.fragments().get(k)), bytes(b.fragments().get(k)), what + " fragment " + k);
      }
    } else if (expected instanceof String || actual instanceof String) {
      assertEquals(expected, actual, what);
    } else if (expected instanceof BulkDataUri || actual instanceof BulkDataUri) {
      assertEquals(expected, actual, what);
    } else {
      assertArrayEquals(bytes(expected), bytes(actual), what);
    }
  }

  private static byte[] bytes(Object value) {
    if (value instanceof BulkData b) {
      return b.bytes();
    }
    return (byte[]) value; // byte[] or null (zero length)
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
    Set<Integer> expected = new HashSet<>(STRUCTURE);
    expected.addAll(IMAGE);
    expected.addAll(CODEC.get(Path.of(name).getFileName().toString()));
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
      readAndDecodeOrCodedError(mutated, name + " round " + round, expected);
    }
  }

  private static void readAndDecodeOrCodedError(byte[] bytes, String what, Set<Integer> codes) {
    try (DicomFile f = DicomReader.read(bytes)) {
      if (f.dataset().contains(Tag.PixelData)) {
        PixelDecoder.decode(f, 0);
      }
    } catch (DicomException e) {
      assertCodeIn(codes, e, what);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      fail(what + ": " + e, e);
    }
  }

  /** A refusal with one of the {@code expected} codes, which its message starts with. */
  private static void assertCodeIn(Set<Integer> expected, DicomException e, String what) {
    assertTrue(
        expected.contains(e.code()),
        what + ": FCDS-" + e.code() + " is not among " + new TreeSet<>(expected) + " — " + e);
    assertTrue(e.getMessage().startsWith("FCDS-" + e.code() + ": "), what + ": " + e.getMessage());
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
    return Arrays.copyOf(b.array(), b.position());
  }

  private static byte[] tagAndLength(int tag, long length) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt((int) length);
    return b.array();
  }
}
