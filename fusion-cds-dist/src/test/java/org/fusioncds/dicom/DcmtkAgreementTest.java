package org.fusioncds.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.testing.Dcmtk;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our reader and decoders against DCMTK 3.6.7 on every readable file of the shared test data: the
 * DICOM JSON of {@code dcm2json} (tags, VRs, values) and the pixels of {@code dcmconv +te}, {@code
 * dcmdrle}, {@code dcmdjpeg} and {@code dcmdjpls}; JPEG 2000, which DCMTK does not decode, against
 * the same image stored uncompressed or against OpenJPEG's {@code opj_decompress}.
 */
class DcmtkAgreementTest {

  /** Same image, uncompressed, for the JPEG 2000 files that have one. */
  private static final Map<String, String> UNCOMPRESSED_TWIN =
      Map.of(
          "MR_small_jp2klossless.dcm", "dicom/transfer-syntax/MR_small.dcm",
          "emri_small_jpeg_2k_lossless.dcm", "dicom/multiframe/emri_small.dcm");

  static Stream<Path> readableFiles() {
    return TestData.files("dicom").stream()
        .filter(p -> !p.toString().contains("/malformed/") && !p.toString().endsWith(".json"));
  }

  static Stream<Path> imageFiles() {
    return readableFiles().filter(DcmtkAgreementTest::hasDecodablePixels);
  }

  static boolean hasDecodablePixels(Path p) {
    try (DicomFile f = DicomReader.read(p)) {
      TransferSyntax ts = f.transferSyntax();
      return f.dataset().contains(Tag.PixelData)
          && ts != null
          && ts.compression() != TransferSyntax.Compression.HTJ2K;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readableFiles")
  void jsonHasTheTagsAndValuesOfDcm2json(Path file) throws IOException {
    Dcmtk.Result r = Dcmtk.exec(false, "dcm2json", file.toString());
    // 3.6.7 stops with exit 81 at encapsulated pixel data, after printing everything before it
    boolean stoppedAtPixels = r.exitCode() == 81 && r.stderr().contains("compressed pixel data");
    assertTrue(r.exitCode() == 0 || stoppedAtPixels, "dcm2json failed: " + r.stderr());
    JsonNode reference = parseDcm2json(r.stdout());
    JsonNode ours;
    try (DicomFile f = DicomReader.read(file)) {
      ours = DicomJson.toJson(f.dataset());
    }
    List<String> differences = new ArrayList<>();
    compare(reference, ours, "", differences);
    assertEquals(List.of(), differences, "differences from dcm2json for " + file);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("imageFiles")
  void everyFrameEqualsTheReferenceDecoder(Path file, @TempDir Path tmp) throws IOException {
    try (DicomFile f = DicomReader.read(file)) {
      TransferSyntax ts = f.transferSyntax();
      int frames = Math.max(1, f.dataset().getInt(Tag.NumberOfFrames, 1));
      Reference ref = reference(file, ts, tmp);
      int worst = 0;
      for (int i = 0; i < frames; i++) {
        Frame ours = PixelDecoder.decode(f, i);
        int[] expected = ref.frame(i);
        assertEquals(expected.length, ours.samples().length, "sample count of frame " + i);
        assertEquals(ref.photometric, ours.photometric(), "photometric of frame " + i);
        for (int s = 0; s < expected.length; s++) {
          worst = Math.max(worst, Math.abs(expected[s] - ours.samples()[s]));
        }
      }
      int tolerance = tolerance(ts);
      System.out.printf(
          "pixels %-60s %-24s frames=%d maxdiff=%d%n", file.getFileName(), ts, frames, worst);
      assertTrue(
          worst <= tolerance,
          "largest difference " + worst + " over the tolerance " + tolerance + " for " + ts);
    }
  }

  /**
   * Everything DCMTK decodes must match exactly, lossy JPEG included (our IDCT, upsampling and
   * YCbCr conversion are libjpeg's integer ones); JPEG 2000 against OpenJPEG within 1.
   */
  private static int tolerance(TransferSyntax ts) {
    return switch (ts) {
      case JPEG_2000 -> 1;
      default -> 0;
    };
  }

  // ---- reference pixels --------------------------------------------------------------------

  private record Reference(int[] samples, int samplesPerFrame, String photometric) {
    int[] frame(int i) {
      return java.util.Arrays.copyOfRange(samples, i * samplesPerFrame, (i + 1) * samplesPerFrame);
    }
  }

  private static Reference reference(Path file, TransferSyntax ts, Path tmp) throws IOException {
    String twin = UNCOMPRESSED_TWIN.get(file.getFileName().toString());
    if (twin != null) {
      return reference(TestData.path(twin), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, tmp);
    }
    if (ts.compression() == TransferSyntax.Compression.JPEG_2000) {
      return openJpeg(file, tmp);
    }
    Path out = tmp.resolve("ref.dcm");
    switch (ts.compression()) {
      case NONE -> Dcmtk.run("dcmconv", "+te", file.toString(), out.toString());
      case RLE -> Dcmtk.run("dcmdrle", file.toString(), out.toString());
      case JPEG_LS -> Dcmtk.run("dcmdjpls", file.toString(), out.toString());
      default -> Dcmtk.run("dcmdjpeg", file.toString(), out.toString());
    }
    return fromDcmtkFile(out, tmp);
  }

  /** Pixel data as DCMTK writes it ({@code dcmdump +W}), masked and sign-extended as ours. */
  private static Reference fromDcmtkFile(Path dcm, Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("raw"));
    String dump = Dcmtk.run("dcmdump", "+W", dir.toString(), dcm.toString());
    int spp = us(dump, "0028,0002", 1);
    int planar = us(dump, "0028,0006", 0);
    int rows = us(dump, "0028,0010", 0);
    int cols = us(dump, "0028,0011", 0);
    int allocated = us(dump, "0028,0100", 16);
    int stored = us(dump, "0028,0101", allocated);
    int highBit = us(dump, "0028,0102", stored - 1);
    boolean signed = us(dump, "0028,0103", 0) == 1;
    Matcher photometric = Pattern.compile("\\(0028,0004\\) CS \\[([^\\]]*)\\]").matcher(dump);
    assertTrue(photometric.find(), "photometric in DCMTK's output");
    Matcher px = Pattern.compile("\\(7fe0,0010\\) O[BW] =(\\S+)").matcher(dump);
    assertTrue(px.find(), "pixel data written by dcmdump +W");
    byte[] raw = Files.readAllBytes(Path.of(px.group(1)));
    if (allocated == 1) { // packed bits, least significant first
      int[] bits = new int[raw.length * 8];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = (raw[i >>> 3] >>> (i & 7)) & 1;
      }
      return new Reference(bits, rows * cols * spp, photometric.group(1).trim());
    }
    int size = allocated / 8;
    int[] values = new int[raw.length / size];
    for (int i = 0; i < values.length; i++) {
      int v = size == 1 ? raw[i] & 0xFF : (raw[2 * i] & 0xFF) | (raw[2 * i + 1] & 0xFF) << 8;
      v = (v >>> (highBit + 1 - stored)) & ((1 << stored) - 1);
      values[i] = signed && (v & (1 << (stored - 1))) != 0 ? v - (1 << stored) : v;
    }
    int perFrame = rows * cols * spp;
    if (planar == 1 && spp > 1) {
      values = interleaveFrames(values, perFrame, spp);
    }
    return new Reference(values, perFrame, photometric.group(1).trim());
  }

  /** OpenJPEG as the reference for JPEG 2000 files without an uncompressed twin. */
  private static Reference openJpeg(Path file, Path tmp) throws IOException {
    try (DicomFile f = DicomReader.read(file)) {
      Dataset ds = f.dataset();
      Fragments fragments = (Fragments) ds.get(Tag.PixelData).value();
      assertFalse(fragments.fragments().isEmpty(), "fragments");
      Path j2k = tmp.resolve("frame.j2k");
      try (var out = Files.newOutputStream(j2k)) {
        for (BulkData b : fragments.fragments()) {
          out.write(b.bytes());
        }
      }
      Path pgx = tmp.resolve("frame.pgx");
      Dcmtk.run("opj_decompress", "-i", j2k.toString(), "-o", pgx.toString());
      Path plane = Files.exists(pgx) ? pgx : tmp.resolve("frame_0.pgx");
      int stored = ds.getInt(Tag.BitsStored, 8);
      boolean signed = ds.getInt(Tag.PixelRepresentation, 0) == 1;
      int[] values = readPgx(plane, stored, signed);
      return new Reference(values, values.length, ds.getString(Tag.PhotometricInterpretation));
    }
  }

  /**
   * PGX: a one-line header "PG ML|LM +|- depth width height" then big- or little-endian samples.
   */
  private static int[] readPgx(Path pgx, int stored, boolean signed) throws IOException {
    byte[] b = Files.readAllBytes(pgx);
    int nl = 0;
    while (b[nl] != '\n') {
      nl++;
    }
    String[] h =
        new String(b, 0, nl, java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
    boolean bigEndian = h[1].equals("ML");
    int depth = Integer.parseInt(h[h.length - 3].replace("+", "").replace("-", ""));
    int width = Integer.parseInt(h[h.length - 2]);
    int height = Integer.parseInt(h[h.length - 1]);
    int size = depth > 8 ? 2 : 1;
    int[] out = new int[width * height];
    for (int i = 0, p = nl + 1; i < out.length; i++, p += size) {
      int v =
          size == 1
              ? b[p] & 0xFF
              : bigEndian
                  ? (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF)
                  : (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
      v &= (1 << stored) - 1;
      out[i] = signed && (v & (1 << (stored - 1))) != 0 ? v - (1 << stored) : v;
    }
    return out;
  }

  private static int[] interleaveFrames(int[] planar, int perFrame, int spp) {
    int[] out = new int[planar.length];
    int pixels = perFrame / spp;
    for (int f = 0; f * perFrame < planar.length; f++) {
      int base = f * perFrame;
      for (int s = 0; s < spp; s++) {
        for (int p = 0; p < pixels; p++) {
          out[base + p * spp + s] = planar[base + s * pixels + p];
        }
      }
    }
    return out;
  }

  private static int us(String dump, String tag, int dflt) {
    Matcher m = Pattern.compile("\\(" + tag + "\\) US (\\d+)").matcher(dump);
    return m.find() ? Integer.parseInt(m.group(1)) : dflt;
  }

  // ---- JSON comparison ----------------------------------------------------------------------

  /**
   * dcm2json 3.6.7 leaves out encapsulated pixel data and every element after it, and then writes a
   * trailing comma: remove the comma so the rest parses.
   */
  private static JsonNode parseDcm2json(String text) throws IOException {
    return DicomJson.MAPPER.readTree(text.replaceAll(",\\s*}", "}"));
  }

  private static void compare(JsonNode ref, JsonNode ours, String path, List<String> diffs) {
    Iterator<Map.Entry<String, JsonNode>> it = ref.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode r = e.getValue();
      JsonNode o = ours.get(key);
      if (o == null) {
        if (!r.has("InlineBinary")) { // bulk data is left out on purpose
          diffs.add(path + key + " missing");
        }
        continue;
      }
      compareAttribute(r, o, path + key, diffs);
    }
    boolean refLostTail = !ref.has("7FE00010") && ours == ours && path.isEmpty();
    Iterator<String> names = ours.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      boolean afterPixelData = key.compareTo("7FE00010") > 0;
      if (!ref.has(key) && !(refLostTail && afterPixelData)) {
        diffs.add(path + key + " not in dcm2json");
      }
    }
  }

  private static void compareAttribute(JsonNode r, JsonNode o, String path, List<String> diffs) {
    String vr = r.path("vr").asText();
    if (!vr.equals(o.path("vr").asText())) {
      diffs.add(path + " vr " + vr + " vs " + o.path("vr").asText());
      return;
    }
    if (r.has("InlineBinary")) {
      if (o.has("InlineBinary") && !r.get("InlineBinary").equals(o.get("InlineBinary"))) {
        diffs.add(path + " InlineBinary differs");
      }
      return;
    }
    JsonNode a = r.path("Value");
    JsonNode b = o.path("Value");
    if (a.size() != b.size()) {
      diffs.add(path + " has " + b.size() + " values, dcm2json " + a.size());
      return;
    }
    for (int i = 0; i < a.size(); i++) {
      if (vr.equals("SQ")) {
        compare(a.get(i), b.get(i), path + "[" + i + "].", diffs);
      } else if (!sameValue(vr, a.get(i), b.get(i))) {
        diffs.add(path + "[" + i + "] " + b.get(i) + ", dcm2json " + a.get(i));
      }
    }
  }

  private static boolean sameValue(String vr, JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      if (vr.equals("FL")) { // dcm2json prints 9 significant digits, we print the shortest form
        return (float) a.asDouble() == (float) b.asDouble();
      }
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
    }
    return a.equals(b);
  }
}
