package org.fusioncds.dicom.web;

import static org.fusioncds.dicom.web.FaultInjectingFrontServer.dropConnectionHalfway;
import static org.fusioncds.dicom.web.FaultInjectingFrontServer.endCleanlyHalfway;
import static org.fusioncds.dicom.web.FaultInjectingFrontServer.stallHalfway;
import static org.fusioncds.dicom.web.FaultInjectingFrontServer.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.testing.OrthancServer;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DICOMweb client against a real Orthanc 1.10 with its DICOMweb plugin. */
class DicomWebClientIT {

  // UIDs as dcmdump shows them in the shared test files
  private static final String MR_STUDY = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";
  private static final String MR_SERIES = "1.3.6.1.4.1.5962.1.3.4.1.20040826185059.5457";
  private static final String MR_SOP = "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457";
  private static final String EMRI_STUDY =
      "1.2.826.0.1.3680043.2.1143.3365540476747857567072393009509418480";
  private static final String EMRI_SERIES =
      "1.2.826.0.1.3680043.2.1143.3712364435022872412969836992152438492";
  private static final String EMRI_SOP =
      "1.2.826.0.1.3680043.2.1143.6455556726214900995651753669640998622";
  private static final String NM_STUDY = "1.3.6.1.4.1.5962.1.2.8.20040826185059.5457";
  private static final String NM_SERIES = "1.3.6.1.4.1.5962.1.3.8.1.20040826185059.5457";
  private static final String NM_SOP = "1.3.6.1.4.1.5962.1.1.8.1.5.20040826185059.5457";
  private static final String CR_STUDY = "1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1";
  private static final String CT_STUDY = "1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.1";
  private static final String CT_SERIES = "1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.2";
  private static final String UNKNOWN_STUDY = "1.2.3.4.5.6.7.8.9";

  private static final String RLE = "1.2.840.10008.1.2.5";
  private static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
  private static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
  private static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
  private static final String NATIVE = DicomWebClient.EXPLICIT_VR_LITTLE_ENDIAN;

  private static final int MR_FRAME_BYTES = 64 * 64 * 2;

  private static OrthancServer orthanc;
  private static DicomWebClient client;
  private static List<Path> uploaded;
  private static JsonNode storeResponse;

  @BeforeAll
  static void startOrthancAndUpload() {
    orthanc = OrthancServer.start();
    client = client(orthanc.dicomWebUrl(), () -> null, Duration.ofSeconds(10), 2);
    uploaded = new ArrayList<>();
    // MR_small in RLE only: the RLE, J2K and native MR_small files share one SOP Instance UID
    uploaded.add(TestData.path("dicom/transfer-syntax/MR_small_RLE.dcm"));
    uploaded.add(TestData.path("dicom/transfer-syntax/JPEG-lossy.dcm"));
    uploaded.add(TestData.path("dicom/multiframe/emri_small.dcm"));
    uploaded.addAll(TestData.files("dicom/series/pydicom-dicomdirtests"));
    storeResponse = client.store(uploaded);
  }

  @AfterAll
  static void stopOrthanc() {
    if (client != null) {
      client.close();
    }
    if (orthanc != null) {
      orthanc.close();
    }
  }

  private static DicomWebClient client(
      URI base, java.util.function.Supplier<String> token, Duration timeout, int retries) {
    return new DicomWebClient(
        base, token, Duration.ofSeconds(2), timeout, retries, Duration.ofMillis(20));
  }

  /**
   * The value of the last (7FE0,0010) OW element of an Explicit VR Little Endian file with a 4-byte
   * length of {@code n}: the native pixels (MR_small.dcm has trailing padding after them).
   */
  private static byte[] pixelData(Path file, int n) throws IOException {
    byte[] all = Files.readAllBytes(file);
    byte[] header = {
      (byte) 0xE0,
      0x7F,
      0x10,
      0x00,
      'O',
      'W',
      0,
      0,
      (byte) n,
      (byte) (n >> 8),
      (byte) (n >> 16),
      (byte) (n >> 24)
    };
    for (int i = all.length - header.length - n; i >= 0; i--) {
      if (Arrays.equals(all, i, i + header.length, header, 0, header.length)) {
        return Arrays.copyOfRange(all, i + header.length, i + header.length + n);
      }
    }
    throw new IllegalStateException("no (7FE0,0010) OW of " + n + " bytes in " + file);
  }

  private static String string(JsonNode dicomJson, String tag) {
    return dicomJson.path(tag).path("Value").path(0).asText(null);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> strings(List<JsonNode> items, String tag) {
    return items.stream().map(i -> string(i, tag)).collect(Collectors.toSet());
  }

  // ------------------------------------------------------------------ STOW-RS

  @Test
  void storeReportsEveryUploadedInstanceAsReferencedAndNoneAsFailed() {
    assertEquals(uploaded.size(), storeResponse.path("00081199").path("Value").size());
    assertEquals(0, storeResponse.path("00081198").path("Value").size());
    assertTrue(
        string(storeResponse.path("00081199").path("Value").get(0), "00081190")
            .startsWith(orthanc.dicomWebUrl() + "/studies/"));
  }

  @Test
  void storeOfAFileThatIsNotDicomIsACodedError(@TempDir Path temp) throws IOException {
    Path notDicom = Files.writeString(temp.resolve("not-dicom.dcm"), "this is not DICOM");

    DicomException e = assertThrows(DicomException.class, () -> client.store(List.of(notDicom)));

    // Orthanc answers 400 with an empty Failed SOP Sequence for a part it cannot parse
    assertEquals(2307, e.code(), e.getMessage());
    assertEquals(
        "FCDS-2307: STOW-RS POST /dicom-web/studies answered HTTP status 400: stored 0 of 1"
            + " instances; failed: (none listed)",
        e.getMessage());
  }

  // ------------------------------------------------------------------ QIDO-RS

  @Test
  void searchStudiesByStudyInstanceUidFindsExactlyThatStudy() {
    List<JsonNode> studies = client.searchStudies(Map.of("StudyInstanceUID", EMRI_STUDY));

    assertEquals(1, studies.size());
    assertEquals(EMRI_STUDY, string(studies.get(0), "0020000D"));
  }

  @Test
  void searchStudiesByModalityFindsTheStudiesWithThatModality() {
    List<JsonNode> mr = client.searchStudies(Map.of("ModalitiesInStudy", "MR"));
    List<JsonNode> nm = client.searchStudies(Map.of("ModalitiesInStudy", "NM"));

    assertEquals(Set.of(MR_STUDY, EMRI_STUDY), strings(mr, "0020000D"));
    assertEquals(Set.of(NM_STUDY), strings(nm, "0020000D"));
  }

  @Test
  void searchStudiesPagesWithLimitAndOffset() {
    List<JsonNode> all = client.searchStudies(Map.of());
    List<JsonNode> pages = new ArrayList<>();
    for (int offset = 0; offset < all.size(); offset += 2) {
      List<JsonNode> page =
          client.searchStudies(Map.of("limit", "2", "offset", String.valueOf(offset)));
      assertTrue(page.size() <= 2, "page size " + page.size());
      pages.addAll(page);
    }

    assertEquals(5, all.size());
    assertEquals(all.size(), pages.size());
    assertEquals(strings(all, "0020000D"), strings(pages, "0020000D"));
  }

  @Test
  void searchStudiesWithIncludefieldReturnsTheRequestedAttribute() {
    List<JsonNode> plain = client.searchStudies(Map.of("StudyInstanceUID", CT_STUDY));
    List<JsonNode> included =
        client.searchStudies(
            Map.of("StudyInstanceUID", CT_STUDY, "includefield", "00081030,00200010"));

    assertFalse(plain.get(0).has("00081030"));
    assertTrue(included.get(0).has("00081030"), "keys: " + fieldNames(included.get(0)));
    assertEquals("CT, HEAD/BRAIN WO CONTRAST", string(included.get(0), "00081030"));
  }

  @Test
  void searchStudiesWithAValueThatNeedsEncodingIsSentEncoded() {
    List<JsonNode> none = client.searchStudies(Map.of("StudyDescription", "a b&c=d/é*"));

    assertEquals(List.of(), none);
  }

  @Test
  void searchForAnUnknownStudyGivesAnEmptyList() {
    assertEquals(List.of(), client.searchStudies(Map.of("StudyInstanceUID", UNKNOWN_STUDY)));
  }

  @Test
  void searchSeriesFiltersByModality() {
    List<JsonNode> cr = client.searchSeries(CR_STUDY, Map.of("Modality", "CR"));
    List<JsonNode> ct = client.searchSeries(CR_STUDY, Map.of("Modality", "CT"));

    assertEquals(3, cr.size());
    assertEquals(Set.of("CR"), strings(cr, "00080060"));
    assertEquals(0, ct.size());
  }

  @Test
  void searchInstancesOfASeriesListsEveryInstance() {
    List<JsonNode> instances = client.searchInstances(CT_STUDY, CT_SERIES, Map.of());
    List<JsonNode> limited = client.searchInstances(CT_STUDY, CT_SERIES, Map.of("limit", "2"));

    assertEquals(4, instances.size());
    assertEquals(4, strings(instances, "00080018").size());
    assertEquals(2, limited.size());
  }

  // ------------------------------------------------------------------ WADO-RS metadata

  @Test
  void retrieveSeriesMetadataGivesOneObjectPerInstance() {
    List<JsonNode> metadata = client.retrieveSeriesMetadata(CT_STUDY, CT_SERIES);

    assertEquals(4, metadata.size());
    assertEquals(
        strings(client.searchInstances(CT_STUDY, CT_SERIES, Map.of()), "00080018"),
        strings(metadata, "00080018"));
    assertEquals(Set.of("CT"), strings(metadata, "00080060"));
  }

  @Test
  void retrieveInstanceMetadataOfAMultiframeInstanceNamesItsFrames() {
    List<JsonNode> metadata = client.retrieveInstanceMetadata(EMRI_STUDY, EMRI_SERIES, EMRI_SOP);

    assertEquals(1, metadata.size());
    assertEquals(10, metadata.get(0).path("00280008").path("Value").path(0).asInt());
    assertEquals(64, metadata.get(0).path("00280010").path("Value").path(0).asInt());
  }

  @Test
  void metadataOfAnUnknownStudyIsNotFound() {
    DicomException e =
        assertThrows(DicomException.class, () -> client.retrieveStudyMetadata(UNKNOWN_STUDY));

    assertEquals(2302, e.code());
    assertEquals(
        "FCDS-2302: GET /dicom-web/studies/" + UNKNOWN_STUDY + "/metadata answered 404 Not Found",
        e.getMessage());
  }

  // ------------------------------------------------------------------ WADO-RS frames

  @Test
  void retrievesNativeFramesOfAMultiframeInstanceByteForByte() throws IOException {
    Path file = TestData.path("dicom/multiframe/emri_small.dcm");
    byte[] pixels = pixelData(file, 10 * MR_FRAME_BYTES);

    List<Frame> frames =
        client.retrieveFrames(
            EMRI_STUDY,
            EMRI_SERIES,
            EMRI_SOP,
            new int[] {1, 3, 10},
            DicomWebClient.STORED_TRANSFER_SYNTAX);

    assertEquals(List.of(1, 3, 10), frames.stream().map(Frame::number).toList());
    for (Frame f : frames) {
      assertEquals(NATIVE, f.transferSyntaxUid());
      int from = (f.number() - 1) * MR_FRAME_BYTES;
      assertArrayEquals(Arrays.copyOfRange(pixels, from, from + MR_FRAME_BYTES), f.data());
    }
  }

  @Test
  void transcodesAnRleFrameToExplicitLittleEndianEqualToTheUncompressedFile() throws IOException {
    byte[] native0 = pixelData(TestData.path("dicom/transfer-syntax/MR_small.dcm"), MR_FRAME_BYTES);

    List<Frame> frames = client.retrieveFrames(MR_STUDY, MR_SERIES, MR_SOP, new int[] {1}, NATIVE);

    assertEquals(NATIVE, frames.get(0).transferSyntaxUid());
    assertArrayEquals(native0, frames.get(0).data());
  }

  @Test
  void returnsAnRleFrameAsStoredWhenAskedForTheStoredSyntax() {
    Frame frame =
        client
            .retrieveFrames(
                MR_STUDY, MR_SERIES, MR_SOP, new int[] {1}, DicomWebClient.STORED_TRANSFER_SYNTAX)
            .get(0);

    assertEquals(RLE, frame.transferSyntaxUid());
    // RLE header (PS3.5 G.3.1): 2 segments for 16-bit samples, the first at offset 64
    assertEquals(2, frame.data()[0]);
    assertEquals(64, frame.data()[4]);
  }

  @Test
  void transcodesAnRleFrameToJpegLsLossless() {
    Frame frame =
        client.retrieveFrames(MR_STUDY, MR_SERIES, MR_SOP, new int[] {1}, JPEG_LS_LOSSLESS).get(0);

    assertEquals(JPEG_LS_LOSSLESS, frame.transferSyntaxUid());
    // SOI then SOF55 (JPEG-LS)
    assertArrayEquals(
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xF7},
        Arrays.copyOf(frame.data(), 4));
  }

  @Test
  void returnsAJpegExtendedFrameAsStored() {
    Frame frame =
        client
            .retrieveFrames(
                NM_STUDY, NM_SERIES, NM_SOP, new int[] {1}, DicomWebClient.STORED_TRANSFER_SYNTAX)
            .get(0);

    assertEquals(JPEG_EXTENDED, frame.transferSyntaxUid());
    assertEquals((byte) 0xFF, frame.data()[0]);
    assertEquals((byte) 0xD8, frame.data()[1]);
  }

  @Test
  void askingForJpeg2000WhichOrthancCannotEncodeIsAServerErrorRetriedThenReported()
      throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {

      DicomException e =
          assertThrows(
              DicomException.class,
              () ->
                  viaFront.retrieveFrames(
                      MR_STUDY, MR_SERIES, MR_SOP, new int[] {1}, JPEG_2000_LOSSLESS));

      assertEquals(2301, e.code());
      assertTrue(
          e.getMessage().contains("answered HTTP status 500 after 3 attempts"), e.getMessage());
      assertEquals(3, front.received().size());
    }
  }

  @Test
  void framesOfAnUnknownInstanceAreNotFound() {
    DicomException e =
        assertThrows(
            DicomException.class,
            () -> client.retrieveFrames(MR_STUDY, MR_SERIES, "1.2.3", new int[] {1}, NATIVE));

    assertEquals(2302, e.code());
  }

  @Test
  void theParserReadsOrthancsRawFramesResponse() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    orthanc.dicomWebUrl()
                        + "/studies/"
                        + EMRI_STUDY
                        + "/series/"
                        + EMRI_SERIES
                        + "/instances/"
                        + EMRI_SOP
                        + "/frames/2,4"))
            .header(
                "Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")
            .build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    List<String> seen = new ArrayList<>();

    try (InputStream body = response.body()) {
      int parts =
          new MultipartRelatedParser()
              .parse(
                  body,
                  response.headers().firstValue("Content-Type").orElseThrow(),
                  p ->
                      seen.add(
                          p.header("Content-Location").replaceAll(".*/", "")
                              + " "
                              + p.contentType().parameter("transfer-syntax")
                              + " "
                              + p.body().readAllBytes().length));
      assertEquals(2, parts);
    }

    assertEquals(List.of("2 " + NATIVE + " 8192", "4 " + NATIVE + " 8192"), seen);
  }

  // ------------------------------------------------------------------ WADO-RS instances

  @Test
  void retrievesAnUncompressedInstanceToAFileWithTheSamePixels(@TempDir Path folder)
      throws IOException {
    Path source = TestData.path("dicom/multiframe/emri_small.dcm");

    List<Path> files = client.retrieveInstance(EMRI_STUDY, EMRI_SERIES, EMRI_SOP, null, folder);

    assertEquals(List.of(folder.resolve(EMRI_SOP + ".dcm")), files);
    assertEquals(Files.size(source), Files.size(files.get(0)));
    assertArrayEquals(
        pixelData(source, 10 * MR_FRAME_BYTES), pixelData(files.get(0), 10 * MR_FRAME_BYTES));
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(files.get(0)));
  }

  @Test
  void retrievesACompressedInstanceInItsStoredSyntax(@TempDir Path folder) throws IOException {
    Path source = TestData.path("dicom/transfer-syntax/JPEG-lossy.dcm");

    List<Path> stored =
        client.retrieveInstance(NM_STUDY, NM_SERIES, NM_SOP, "*", folder.resolve("a"));
    List<Path> byDefault =
        client.retrieveInstance(NM_STUDY, NM_SERIES, NM_SOP, null, folder.resolve("b"));

    assertEquals(Files.size(source), Files.size(stored.get(0)));
    // without a transfer-syntax Orthanc sends Explicit VR Little Endian: 1024 x 256 x 2 pixel bytes
    assertTrue(Files.size(byDefault.get(0)) > 1024 * 256 * 2, "" + Files.size(byDefault.get(0)));
  }

  @Test
  void retrievesEveryInstanceOfASeriesToItsOwnFile(@TempDir Path folder) throws IOException {
    List<Path> files = client.retrieveSeries(CT_STUDY, CT_SERIES, null, folder);

    assertEquals(4, files.size());
    long expected = 0;
    for (Path p : TestData.files("dicom/series/pydicom-dicomdirtests/77654033/CT2")) {
      expected += Files.size(p);
    }
    long actual = 0;
    for (Path p : files) {
      actual += Files.size(p);
      assertEquals(
          "DICM", new String(Arrays.copyOfRange(Files.readAllBytes(p), 128, 132), "US-ASCII"));
    }
    assertEquals(expected, actual);
    try (Stream<Path> left = Files.list(folder)) {
      assertEquals(4, left.count(), "no temporary files left behind");
    }
  }

  @Test
  void retrievesAnUncompressedSingleFrameInstanceAsUploaded(@TempDir Path folder)
      throws IOException {
    Path source = TestData.path("dicom/transfer-syntax/MR_small.dcm");
    try (OrthancServer own = OrthancServer.start();
        DicomWebClient ownClient =
            client(own.dicomWebUrl(), () -> null, Duration.ofSeconds(10), 0)) {
      ownClient.store(List.of(source));

      Frame frame =
          ownClient.retrieveFrames(MR_STUDY, MR_SERIES, MR_SOP, new int[] {1}, "*").get(0);
      List<Path> files = ownClient.retrieveInstance(MR_STUDY, MR_SERIES, MR_SOP, NATIVE, folder);

      assertEquals(NATIVE, frame.transferSyntaxUid());
      assertArrayEquals(pixelData(source, MR_FRAME_BYTES), frame.data());
      assertArrayEquals(pixelData(source, MR_FRAME_BYTES), pixelData(files.get(0), MR_FRAME_BYTES));
      assertEquals(Files.size(source), Files.size(files.get(0)));
    }
  }

  // ------------------------------------------------------------------ through the fault injector

  @Test
  void sendsTheBearerTokenOnEveryCall(@TempDir Path folder) throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> "t0k3n", Duration.ofSeconds(10), 2)) {

      viaFront.searchStudies(Map.of("StudyInstanceUID", EMRI_STUDY));
      viaFront.searchSeries(EMRI_STUDY, Map.of());
      viaFront.searchInstances(EMRI_STUDY, EMRI_SERIES, Map.of());
      viaFront.retrieveSeriesMetadata(EMRI_STUDY, EMRI_SERIES);
      viaFront.retrieveInstanceMetadata(EMRI_STUDY, EMRI_SERIES, EMRI_SOP);
      viaFront.retrieveFrames(EMRI_STUDY, EMRI_SERIES, EMRI_SOP, new int[] {1}, NATIVE);
      viaFront.retrieveInstance(EMRI_STUDY, EMRI_SERIES, EMRI_SOP, null, folder);
      viaFront.retrieveSeries(EMRI_STUDY, EMRI_SERIES, null, folder);
      viaFront.store(List.of(TestData.path("dicom/multiframe/emri_small.dcm")));

      assertEquals(9, front.received().size());
      for (FaultInjectingFrontServer.Received r : front.received()) {
        assertEquals(
            "Bearer t0k3n", r.header("Authorization"), r.method() + " " + r.pathAndQuery());
      }
    }
  }

  @Test
  void sendsNoAuthorizationHeaderWhenTheTokenSourceGivesNone() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {

      viaFront.searchStudies(Map.of());

      assertEquals(null, front.received().get(0).header("Authorization"));
    }
  }

  @Test
  void retriesAfterTwo503sAndThenSucceeds() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {
      front.plan(status(503), status(503));

      List<JsonNode> studies = viaFront.searchStudies(Map.of("StudyInstanceUID", EMRI_STUDY));

      assertEquals(1, studies.size());
      assertEquals(3, front.received().size());
    }
  }

  @Test
  void retriesA429() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {
      front.plan(status(429));

      assertEquals(1, viaFront.retrieveInstanceMetadata(EMRI_STUDY, EMRI_SERIES, EMRI_SOP).size());
      assertEquals(2, front.received().size());
    }
  }

  @Test
  void givesUpAfterTheLastRetryOfAPersistent503() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {
      front.otherwise(status(503));

      DicomException e =
          assertThrows(
              DicomException.class, () -> viaFront.searchStudies(Map.of("PatientName", "X*")));

      assertEquals(2301, e.code());
      assertEquals(
          "FCDS-2301: GET /dicom-web/studies answered HTTP status 503 after 3 attempts",
          e.getMessage());
      assertEquals(3, front.received().size());
    }
  }

  @Test
  void doesNotRetryA400() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {
      front.plan(status(400));

      DicomException e =
          assertThrows(DicomException.class, () -> viaFront.searchSeries(EMRI_STUDY, Map.of()));

      assertEquals(2301, e.code());
      assertEquals(
          "FCDS-2301: GET /dicom-web/studies/" + EMRI_STUDY + "/series answered HTTP status 400",
          e.getMessage());
      assertEquals(1, front.received().size());
    }
  }

  @Test
  void doesNotRetryOrthancs404() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {

      DicomException e =
          assertThrows(DicomException.class, () -> viaFront.retrieveStudyMetadata(UNKNOWN_STUDY));

      assertEquals(2302, e.code());
      assertEquals(1, front.received().size());
    }
  }

  @Test
  void recoversWhenTheConnectionDropsOnceMidResponse() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {
      front.plan(dropConnectionHalfway());

      List<Frame> frames =
          viaFront.retrieveFrames(EMRI_STUDY, EMRI_SERIES, EMRI_SOP, new int[] {1, 2}, NATIVE);

      assertEquals(2, frames.size());
      assertEquals(2, front.received().size());
    }
  }

  @Test
  void aConnectionThatAlwaysDropsMidResponseIsACodedErrorAfterBoundedRetries() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 2)) {
      front.otherwise(dropConnectionHalfway());
      long start = System.nanoTime();

      DicomException e =
          assertThrows(
              DicomException.class,
              () ->
                  viaFront.retrieveFrames(
                      EMRI_STUDY, EMRI_SERIES, EMRI_SOP, new int[] {1, 2}, NATIVE));

      assertEquals(2303, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("(3 attempts)"), e.getMessage());
      assertEquals(3, front.received().size());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
    }
  }

  @Test
  void aBodyThatEndsBeforeTheClosingBoundaryIsRetriedThenReportedAndLeavesNoFiles(
      @TempDir Path folder) throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(10), 1)) {
      front.otherwise(endCleanlyHalfway());

      DicomException e =
          assertThrows(
              DicomException.class,
              () -> viaFront.retrieveSeries(CT_STUDY, CT_SERIES, null, folder));

      assertEquals(2322, e.code(), e.getMessage());
      assertEquals(2, front.received().size());
      try (Stream<Path> left = Files.list(folder)) {
        assertEquals(List.of(), left.toList());
      }
    }
  }

  @Test
  void aResponseThatStallsMidBodyEndsWithinTheRequestTimeout() throws IOException {
    try (FaultInjectingFrontServer front = FaultInjectingFrontServer.start(orthanc.baseUrl());
        DicomWebClient viaFront =
            client(front.front("/dicom-web"), () -> null, Duration.ofSeconds(1), 1)) {
      front.otherwise(stallHalfway(Duration.ofSeconds(30)));
      long start = System.nanoTime();

      DicomException e =
          assertThrows(
              DicomException.class,
              () ->
                  viaFront.retrieveFrames(
                      EMRI_STUDY, EMRI_SERIES, EMRI_SOP, new int[] {1, 2, 3}, NATIVE));

      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      assertEquals(2304, e.code(), e.getMessage());
      assertTrue(
          e.getMessage().contains("stopped sending: no bytes within 1000 ms"), e.getMessage());
      assertTrue(e.getMessage().endsWith("(2 attempts)"), e.getMessage());
      assertEquals(2, front.received().size());
      assertTrue(seconds < 6, "took " + seconds + " s");
    }
  }
}
