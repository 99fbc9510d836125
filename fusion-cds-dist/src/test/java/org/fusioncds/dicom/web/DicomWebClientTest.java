package org.fusioncds.dicom.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.sandbox.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's own rules, without a DICOMweb server (those tests are in DicomWebClientIT). */
class DicomWebClientTest {

  private static DicomWebClient client(URI base, int retries) {
    return new DicomWebClient(
        base,
        () -> null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        retries,
        Duration.ofMillis(10));
  }

  @Test
  void refusesAPathSegmentThatIsNotAUid() {
    try (DicomWebClient c = client(URI.create("http://127.0.0.1:9/dicom-web"), 0)) {
      DicomException e =
          assertThrows(
              DicomException.class, () -> c.searchSeries("1.2/../../studies?x=", Map.of()));

      assertEquals(2300, e.code());
      assertEquals("FCDS-2300: not a DICOM UID: '1.2/../../studies?x='", e.getMessage());
    }
  }

  @Test
  void refusesNoFramesAndZeroBasedFrameNumbers() {
    try (DicomWebClient c = client(URI.create("http://127.0.0.1:9/dicom-web"), 0)) {
      DicomException none =
          assertThrows(
              DicomException.class, () -> c.retrieveFrames("1.2", "1.3", "1.4", new int[0], "*"));
      DicomException zero =
          assertThrows(
              DicomException.class,
              () -> c.retrieveFrames("1.2", "1.3", "1.4", new int[] {1, 0}, "*"));

      assertEquals(2300, none.code());
      assertEquals("FCDS-2300: frame numbers are 1-based, got 0", zero.getMessage());
    }
  }

  @Test
  void refusesABaseUrlThatIsNotHttp() {
    DicomException e =
        assertThrows(DicomException.class, () -> client(URI.create("ftp://host/dicom-web"), 0));

    assertEquals(2300, e.code());
  }

  @Test
  void encodesQueryValuesButKeepsCommas() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("PatientName", "O'Brien & Sons*");
    query.put("includefield", "00081030,00080080");
    query.put("StudyDescription", "a+b=c/é");

    assertEquals(
        "PatientName=O%27Brien%20%26%20Sons*&includefield=00081030,00080080"
            + "&StudyDescription=a%2Bb%3Dc%2F%C3%A9",
        DicomWebClient.encodeQuery(query));
  }

  @Test
  void namesTheFrameMediaTypeOfEachTransferSyntax() {
    assertEquals("application/octet-stream", TransferSyntaxes.frameMediaType("*"));
    assertEquals(
        "application/octet-stream", TransferSyntaxes.frameMediaType("1.2.840.10008.1.2.1"));
    assertEquals("image/dicom-rle", TransferSyntaxes.frameMediaType("1.2.840.10008.1.2.5"));
    assertEquals("image/jpeg", TransferSyntaxes.frameMediaType("1.2.840.10008.1.2.4.70"));
    assertEquals("image/jls", TransferSyntaxes.frameMediaType("1.2.840.10008.1.2.4.80"));
    assertEquals("image/jp2", TransferSyntaxes.frameMediaType("1.2.840.10008.1.2.4.90"));
    assertNull(
        TransferSyntaxes.fromMultipartType("multipart/related; type=\"application/octet-stream\""));
  }

  @Test
  void aRefusedConnectionIsACodedErrorAfterTheRetries() {
    int closedPort = FreePorts.find();
    try (DicomWebClient c =
        client(URI.create("http://127.0.0.1:" + closedPort + "/dicom-web"), 2)) {
      DicomException e = assertThrows(DicomException.class, () -> c.searchStudies(Map.of()));

      assertEquals(2303, e.code());
      assertTrue(
          e.getMessage().startsWith("FCDS-2303: GET /dicom-web/studies could not connect"),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("(3 attempts)"), e.getMessage());
    }
  }

  @Test
  void aStoreOfAMissingFileIsRefusedBeforeAnythingIsSent(@TempDir Path temp) {
    try (DicomWebClient c = client(URI.create("http://127.0.0.1:9/dicom-web"), 0)) {
      DicomException e =
          assertThrows(DicomException.class, () -> c.store(List.of(temp.resolve("missing.dcm"))));

      assertEquals(2308, e.code());
    }
  }

  @Test
  void theStowBodyHasTheLengthItAnnounces(@TempDir Path temp) throws IOException {
    Path a = Files.write(temp.resolve("a.dcm"), new byte[1000]);
    Path b = Files.write(temp.resolve("b.dcm"), new byte[7]);
    StowRequestBody body = new StowRequestBody(List.of(a, b));
    String boundary = MultipartRelatedParser.boundary(body.contentType());
    long overhead =
        2L * ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").length()
            + 2 * 2
            + ("--" + boundary + "--\r\n").length();

    assertEquals(1007 + overhead, body.length());
    assertEquals("application/dicom", MediaType.parse(body.contentType()).parameter("type"));
  }

  @Test
  void aStoreResponseWithFailedInstancesIsACodedErrorListingThem() throws IOException {
    JsonNode response =
        new ObjectMapper()
            .readTree(
                "{\"00081198\":{\"vr\":\"SQ\",\"Value\":[{\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]},"
                    + "\"00081197\":{\"vr\":\"US\",\"Value\":[42752]}}]},"
                    + "\"00081199\":{\"vr\":\"SQ\",\"Value\":[{\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2.4\"]}}]}}");

    DicomException e =
        assertThrows(
            DicomException.class,
            () -> StowResponses.check(response, 202, "/dicom-web/studies", 2));

    assertEquals(
        "FCDS-2307: STOW-RS POST /dicom-web/studies answered HTTP status 202: stored 1 of 2"
            + " instances; failed: 1.2.3 (reason 0xA700)",
        e.getMessage());
  }
}
