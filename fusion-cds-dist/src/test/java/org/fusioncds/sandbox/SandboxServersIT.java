package org.fusioncds.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both sandbox servers start on free ports of 127.0.0.1, answer, and are gone once closed. */
class SandboxServersIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void startsBothServersAndStopsBothOnClose(@TempDir Path dicom) throws Exception {
    Files.copy(TestData.path("dicom/modality/CT_small.dcm"), dicom.resolve("1.dcm"));
    String fhir;
    String dicomWeb;
    try (SandboxServers servers = SandboxServers.start(dicom)) {
      fhir = servers.fhir().baseUrl();
      dicomWeb = servers.dicomWeb().baseUrl();

      assertEquals(200, get(fhir + "/metadata").statusCode());
      assertEquals(200, get(dicomWeb + "/studies").statusCode());
    }
    assertThrows(ConnectException.class, () -> get(fhir + "/metadata"));
    assertThrows(ConnectException.class, () -> get(dicomWeb + "/studies"));
  }

  @Test
  void aFhirServerThatCannotBindStopsEverythingItStarted() throws IOException {
    Set<String> before = nonDaemonThreads();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SandboxException e =
          assertThrows(SandboxException.class, () -> SandboxFhirServer.start(taken.getLocalPort()));

      assertEquals(8002, e.code());
      assertTrue(e.getMessage().contains(":" + taken.getLocalPort()), e.getMessage());
    }
    assertEquals(before, nonDaemonThreads());
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> nonDaemonThreads() {
    Set<String> names = new TreeSet<>();
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .forEach(t -> names.add(t.getName()));
    return names;
  }
}
