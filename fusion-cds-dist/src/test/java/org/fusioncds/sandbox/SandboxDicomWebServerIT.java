package org.fusioncds.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.dicom.web.FrameFetcher;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sandbox DICOMweb endpoint (PS3.18) over a folder of shared test files, copied under opaque
 * names, driven by our own {@link DicomWebClient} and {@link FrameFetcher}: what it finds, returns
 * and refuses is what the files say.
 */
class SandboxDicomWebServerIT {

  private static final String NATIVE = DicomWebClient.EXPLICIT_VR_LITTLE_ENDIAN;

  /** Served files; the big-endian MR is indexed, its explicit-LE twin (same UIDs) skipped. */
  private static final List<String> SERVED =
      List.of(
          "dicom/transfer-syntax/MR_small_bigendian.dcm",
          "dicom/modality/CT_small.dcm",
          "dicom/modality/CT_orthanc_SignedCT.dcm",
          "dicom/multiframe/emri_small.dcm",
          "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
          "dicom/multiframe/SC_rgb_rle_2frame.dcm",
          "dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm",
          "dicom/transfer-syntax/JPEG-lossy.dcm",
          "dicom/series/orthanc-patient-with-2-studies/TEST_1_study_1234.dcm",
          "dicom/series/orthanc-patient-with-2-studies/TEST_1_study_2345.dcm",
          "dicom/modality/SEG_liver.dcm");

  /** Skipped: a duplicate SOP Instance UID, a file without Study/Series UIDs, a text file. */
  private static final List<String> SKIPPED =
      List.of(
          "dicom/transfer-syntax/MR_small.dcm",
          "dicom/transfer-syntax/HTJ2K_08_RGB.dcm",
          "README.md");

  @TempDir static Path root;
  private static final Map<String, Path> COPIES = new LinkedHashMap<>();
  private static SandboxDicomWebServer server;
  private static DicomWebClient client;

  @BeforeAll
  static void copyFilesAndStart() throws IOException {
    int n = 0;
    for (String name : concat(SERVED, SKIPPED)) {
      Path copy = root.resolve(String.format("%c/%02d.bin", 'a' + n % 3, n++));
      Files.createDirectories(copy.getParent());
      Files.copy(TestData.path(name), copy);
      COPIES.put(name, copy);
    }
    long t0 = System.nanoTime();
    server = SandboxDicomWebServer.start(root);
    System.out.printf(
        "DICOMweb sandbox: %d files indexed in %d ms%n",
        COPIES.size(), (System.nanoTime() - t0) / 1_000_000);
    client = client(server, () -> null);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void indexesFilesByContentAndSkipsTheRest() {
    assertEquals(SERVED.size(), server.instanceCount());
    assertEquals(SKIPPED.size(), server.skippedFiles());
  }

  @Test
  void searchesStudiesByPatientId() {
    List<JsonNode> studies = client.searchStudies(Map.of("PatientID", "TEST_1"));

    assertEquals(
        expectedStudies(ds -> "TEST_1".equals(ds.getString(Tag.PatientID))), uids(studies));
    for (JsonNode s : studies) {
      Dataset ds = DicomJson.fromJson(s);
      assertEquals("TEST_1", ds.getString(Tag.PatientID));
      assertEquals("CT", ds.getString(0x00080061));
      assertEquals(1, ds.getInt(0x00201206, -1));
      assertEquals(1, ds.getInt(0x00201208, -1));
    }
  }

  @Test
  void searchesStudiesByDateRange() {
    List<JsonNode> studies = client.searchStudies(Map.of("StudyDate", "20100101-20121231"));

    Set<String> expected =
        expectedStudies(
            ds -> {
              String d = ds.getString(Tag.StudyDate);
              return d != null && d.compareTo("20100101") >= 0 && d.compareTo("20121231") <= 0;
            });
    assertEquals(expected, uids(studies));
    assertTrue(expected.size() >= 2, "the range holds at least two of the studies");
  }

  @Test
  void pagesStudiesOfAModalityWithLimitAndOffset() {
    List<JsonNode> all = client.searchStudies(Map.of("ModalitiesInStudy", "CT"));
    List<JsonNode> second =
        client.searchStudies(Map.of("ModalitiesInStudy", "CT", "limit", "1", "offset", "1"));

    assertEquals(expectedStudies(ds -> "CT".equals(ds.getString(Tag.Modality))), uids(all));
    assertEquals(1, second.size());
    assertEquals(all.get(1), second.get(0));
  }

  @Test
  void searchesSeriesAndInstancesOfAStudy() {
    Dataset rle = header("dicom/multiframe/SC_rgb_rle_2frame.dcm");
    String study = rle.getString(Tag.StudyInstanceUID);
    String series = rle.getString(Tag.SeriesInstanceUID);

    List<JsonNode> seriesFound = client.searchSeries(study, Map.of("Modality", "OT"));
    List<JsonNode> instances = client.searchInstances(study, series, Map.of());

    assertEquals(1, seriesFound.size());
    Dataset s = DicomJson.fromJson(seriesFound.get(0));
    assertEquals(series, s.getString(Tag.SeriesInstanceUID));
    assertEquals(2, s.getInt(0x00201209, -1));
    assertEquals(2, instances.size());
    Dataset i = DicomJson.fromJson(instances.get(0));
    assertEquals(rle.getInt(Tag.Rows, -1), i.getInt(Tag.Rows, -2));
    assertTrue(i.getString(Tag.SOPClassUID) != null);
  }

  @Test
  void includefieldAddsAnAttributeToTheDefaults() {
    Dataset ct = header("dicom/modality/CT_small.dcm");
    Map<String, String> q =
        Map.of("StudyInstanceUID", ct.getString(Tag.StudyInstanceUID), "includefield", "00280010");

    List<JsonNode> plain =
        client.searchStudies(Map.of("StudyInstanceUID", ct.getString(Tag.StudyInstanceUID)));
    List<JsonNode> withRows = client.searchStudies(q);

    assertEquals(false, plain.get(0).has("00280010"));
    assertEquals(ct.getInt(Tag.Rows, -1), DicomJson.fromJson(withRows.get(0)).getInt(Tag.Rows, -2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/transfer-syntax/MR_small_bigendian.dcm",
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicom/series/orthanc-patient-with-2-studies/TEST_1_study_1234.dcm",
        "dicom/modality/SEG_liver.dcm"
      })
  void metadataIsTheFileHeaderInDicomJson(String name) throws Exception {
    try (DicomFile local = DicomReader.read(TestData.path(name))) {
      Dataset ds = local.dataset();
      HttpResponse<String> raw = get(instancePath(ds) + "/metadata", "application/dicom+json");
      List<JsonNode> metadata = metadata(ds);

      assertEquals(200, raw.statusCode());
      assertEquals(
          exact(DicomJson.MAPPER.writeValueAsString(List.of(DicomJson.toJson(ds)))),
          exact(raw.body()));
      assertEquals(1, metadata.size());
      Dataset read = DicomJson.read(DicomJson.MAPPER.valueToTree(metadata)).get(0);
      assertEquals(ds.getString(Tag.PatientID), read.getString(Tag.PatientID));
      assertEquals(ds.getInt(Tag.Columns, -1), read.getInt(Tag.Columns, -2));
    }
  }

  /** JSON read with numbers kept as written (DS "1.000000" stays so). */
  private static JsonNode exact(String json) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .setNodeFactory(
            com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
        .readTree(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/transfer-syntax/MR_small_bigendian.dcm",
        "dicom/modality/CT_orthanc_SignedCT.dcm",
        "dicom/multiframe/emri_small.dcm",
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicom/multiframe/SC_rgb_rle_2frame.dcm",
        "dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm",
        "dicom/transfer-syntax/JPEG-lossy.dcm",
        "dicom/modality/SEG_liver.dcm"
      })
  void framesAsStoredDecodeToTheValuesOfTheFile(String name) {
    assertFramesEqualTheFile(name, new FrameFetcher(client));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm",
        "dicom/multiframe/SC_rgb_rle_2frame.dcm",
        "dicom/transfer-syntax/JPEG-lossy.dcm"
      })
  void framesTranscodedByTheServerDecodeToTheValuesOfTheFile(String name) {
    FrameFetcher nativeOnly = new FrameFetcher(client, NATIVE::equals, DicomLimits.DEFAULT);

    assertFramesEqualTheFile(name, nativeOnly);
  }

  @Test
  void returnsTheWholeInstanceByteForByte(@TempDir Path out) throws IOException {
    String name = "dicom/multiframe/CT0012.fragmented_no_bot_jpeg_ls.80.dcm";
    Dataset ds = header(name);

    List<Path> files =
        client.retrieveInstance(
            ds.getString(Tag.StudyInstanceUID),
            ds.getString(Tag.SeriesInstanceUID),
            ds.getString(Tag.SOPInstanceUID),
            "*",
            out);

    assertEquals(1, files.size());
    assertArrayEquals(Files.readAllBytes(COPIES.get(name)), Files.readAllBytes(files.get(0)));
  }

  @Test
  void unknownUidsAre404WithACode() throws Exception {
    Dataset ct = header("dicom/modality/CT_small.dcm");
    String study = ct.getString(Tag.StudyInstanceUID);
    String series = ct.getString(Tag.SeriesInstanceUID);

    DicomException e =
        assertThrows(DicomException.class, () -> client.searchSeries("1.2.9", Map.of()));
    assertEquals(2302, e.code());
    assertError(404, "FCDS-8030", get("/studies/1.2.9/metadata", null));
    assertError(404, "FCDS-8031", get("/studies/" + study + "/series/1.2.9/metadata", null));
    assertError(
        404,
        "FCDS-8032",
        get("/studies/" + study + "/series/" + series + "/instances/1.2.9/metadata", null));
    assertError(404, "FCDS-8033", get(instancePath(ct) + "/frames/2", null));
  }

  @Test
  void malformedUidsAndParametersAre400WithACode() throws Exception {
    assertError(400, "FCDS-8040", get("/studies/1.2.x3/series", null));
    assertError(400, "FCDS-8040", get("/studies?StudyInstanceUID=1..2", null));
    assertError(400, "FCDS-8041", get("/studies?NoSuchKeyword=1", null));
    assertError(400, "FCDS-8042", get("/studies?limit=-1", null));
    assertError(400, "FCDS-8042", get("/studies?StudyDate=2010-01-01", null));
    assertError(
        400,
        "FCDS-8043",
        get(instancePath(header("dicom/modality/CT_small.dcm")) + "/frames/0", null));
  }

  @Test
  void unsatisfiableAcceptIs406WithACode() throws Exception {
    String ct = instancePath(header("dicom/modality/CT_small.dcm"));
    String jpeg = instancePath(header("dicom/transfer-syntax/SC_rgb_jpeg_dcmtk.dcm"));
    String asJpeg =
        "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.50";
    String asNative =
        "multipart/related; type=\"application/octet-stream\"; transfer-syntax=" + NATIVE;

    assertError(406, "FCDS-8045", get(ct + "/frames/1", asJpeg));
    // decoding YBR_FULL JPEG gives RGB, which the metadata would not say
    assertError(406, "FCDS-8045", get(jpeg + "/frames/1", asNative));
    assertError(
        406,
        "FCDS-8045",
        get(
            ct,
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50"));
    assertError(406, "FCDS-8045", get("/studies", "image/png"));
  }

  @Test
  void anAuthorizationHookRefusesWith401() throws Exception {
    Predicate<String> onlyGood = "Bearer good"::equals;
    try (SandboxDicomWebServer guarded = SandboxDicomWebServer.start(root, 0, onlyGood);
        DicomWebClient good = client(guarded, () -> "good");
        DicomWebClient bad = client(guarded, () -> "bad")) {
      DicomException e = assertThrows(DicomException.class, () -> bad.searchStudies(Map.of()));

      assertEquals(2301, e.code());
      assertTrue(e.getMessage().contains("401"), e.getMessage());
      assertEquals(uids(client.searchStudies(Map.of())), uids(good.searchStudies(Map.of())));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static void assertFramesEqualTheFile(String name, FrameFetcher fetcher) {
    try (DicomFile local = DicomReader.read(TestData.path(name))) {
      Dataset metadata =
          DicomJson.read(DicomJson.MAPPER.valueToTree(metadata(local.dataset()))).get(0);
      int frames = Math.max(1, local.dataset().getInt(Tag.NumberOfFrames, 1));
      for (int i = 0; i < frames; i++) {
        Frame expected = PixelDecoder.decode(local, i);
        Frame fetched = fetcher.fetch(metadata, i);
        assertEquals(expected.photometric(), fetched.photometric(), "frame " + i);
        assertArrayEquals(expected.samples(), fetched.samples(), "frame " + i);
      }
    }
  }

  private static List<JsonNode> metadata(Dataset ds) {
    return client.retrieveInstanceMetadata(
        ds.getString(Tag.StudyInstanceUID),
        ds.getString(Tag.SeriesInstanceUID),
        ds.getString(Tag.SOPInstanceUID));
  }

  private static Set<String> expectedStudies(Predicate<Dataset> filter) {
    Set<String> uids = new TreeSet<>();
    for (String name : SERVED) {
      Dataset ds = header(name);
      if (filter.test(ds)) {
        uids.add(ds.getString(Tag.StudyInstanceUID));
      }
    }
    return uids;
  }

  private static Set<String> uids(List<JsonNode> studies) {
    Set<String> uids = new TreeSet<>();
    studies.forEach(s -> uids.add(DicomJson.fromJson(s).getString(Tag.StudyInstanceUID)));
    return uids;
  }

  private static Dataset header(String name) {
    try (DicomFile f = DicomReader.read(TestData.path(name))) {
      return f.dataset();
    }
  }

  private static String instancePath(Dataset ds) {
    return String.format(
        "/studies/%s/series/%s/instances/%s",
        ds.getString(Tag.StudyInstanceUID),
        ds.getString(Tag.SeriesInstanceUID),
        ds.getString(Tag.SOPInstanceUID));
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(int status, String code, HttpResponse<String> r)
      throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(code, DicomJson.MAPPER.readTree(r.body()).get("code").asText(), r.body());
  }

  private static DicomWebClient client(
      SandboxDicomWebServer s, java.util.function.Supplier<String> tokens) {
    return new DicomWebClient(
        URI.create(s.baseUrl()),
        tokens,
        Duration.ofSeconds(2),
        Duration.ofSeconds(20),
        0,
        Duration.ZERO);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
