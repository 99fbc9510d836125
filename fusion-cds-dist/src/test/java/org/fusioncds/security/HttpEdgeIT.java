package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fusioncds.app.FusionCdsApp;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.testing.SecuredApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge of the running application (Vert.x under Camel platform-http with the {@code
 * edge.*} limits), met with raw loopback sockets as a hostile or broken client would: slow header
 * blocks and bodies, oversized request lines, header blocks and bodies, a thousand idle
 * connections. After each case the service answers a normal discovery call.
 */
class HttpEdgeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final long HEADER_TIMEOUT_MS =
      15_000; // longer than the idle-connection measurement
  private static final long BODY_TIMEOUT_MS = 3000;
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_HEADER = 8192;
  private static final int MAX_LINE = 4096;
  private static final int IDLE_CONNECTIONS = 1000;
  private static final int CALLS = 300;

  private static FusionCdsApp app;
  private static SandboxEhr ehr;
  private static int port;
  private static String discovery;
  private static String hook;

  @BeforeAll
  static void startTheApplication() throws IOException {
    port = FreePorts.find();
    ehr = SandboxEhr.start();
    Map<String, String> settings =
        SandboxSettings.forApp(
            port,
            ehr,
            Files.createTempDirectory("http-edge"),
            "https://fhir.example.invalid/fhir",
            "https://pacs.example.invalid/dicom-web");
    settings.put("audit.fhir-base-url", "");
    settings.put("edge.header-timeout-ms", String.valueOf(HEADER_TIMEOUT_MS));
    settings.put("edge.body-timeout-ms", String.valueOf(BODY_TIMEOUT_MS));
    settings.put("edge.max-body-bytes", String.valueOf(MAX_BODY));
    settings.put("edge.max-header-bytes", String.valueOf(MAX_HEADER));
    settings.put("edge.max-initial-line-bytes", String.valueOf(MAX_LINE));
    app = FusionCdsApp.start(settings);
    discovery = "http://127.0.0.1:" + port + "/cds-services";
    hook = discovery + "/imaging-fusion";
  }

  @AfterAll
  static void stop() {
    app.close();
    ehr.close();
  }

  @AfterEach
  void theServiceStillAnswersADiscoveryCall() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            SecuredApp.signed(ehr, discovery).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void aHeaderBlockSentByteByByteIsCutAtTheHeaderTimeout() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(ascii("GET /cds-services HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
      s.setSoTimeout(200);
      long t0 = System.nanoTime();
      boolean closed = false;
      // one byte every 200 ms (the read's timeout paces it), never the blank line; bounded
      for (int i = 0; i < 3 * HEADER_TIMEOUT_MS / 200 && !closed; i++) {
        closed = !writeQuietly(out, 'a') || closedByServer(s);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(
          "[edge] slow header block: closed after %d ms (limit %d)%n", ms, HEADER_TIMEOUT_MS);
      assertTrue(closed, "the connection was still open after " + ms + " ms");
      assertTrue(ms >= HEADER_TIMEOUT_MS - 500, "closed too early: " + ms + " ms");
      assertTrue(ms <= HEADER_TIMEOUT_MS + 2000, "closed too late: " + ms + " ms");
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket s = connect()) {
      s.setSoTimeout((int) (3 * HEADER_TIMEOUT_MS));
      long t0 = System.nanoTime();
      int read = readQuietly(s.getInputStream());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("[edge] silent connection: closed after %d ms%n", ms);
      assertEquals(-1, read);
      assertTrue(ms <= HEADER_TIMEOUT_MS + 2000, "closed too late: " + ms + " ms");
    }
  }

  @Test
  void aBodySentByteByByteGets408WithItsCode() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(
          ascii(
              "POST /cds-services/imaging-fusion HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + ehr.sign(hook)
                  + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"));
      s.setSoTimeout(200);
      long t0 = System.nanoTime();
      InputStream in = s.getInputStream();
      int first = -2;
      // one byte every 200 ms (the read's timeout paces it) until the server answers; bounded
      for (int i = 0; i < 3 * BODY_TIMEOUT_MS / 200 && first == -2; i++) {
        if (!writeQuietly(out, ' ')) {
          break;
        }
        first = readOrTimeout(in);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      s.setSoTimeout(5000);
      Answer a = Answer.read(first, in);
      System.out.printf(
          "[edge] slow body: %d after %d ms (limit %d)%n", a.status, ms, BODY_TIMEOUT_MS);
      assertEquals(408, a.status, a.text);
      assertEquals(List.of("FCDS-7041"), a.codes());
      assertTrue(ms >= BODY_TIMEOUT_MS - 500, "answered too early: " + ms + " ms");
      assertTrue(ms <= BODY_TIMEOUT_MS + 2000, "answered too late: " + ms + " ms");
    }
  }

  @Test
  void aHeaderBlockLargerThanTheLimitIs431() throws Exception {
    String big = "a".repeat(MAX_HEADER + 100);

    Answer a =
        exchange("GET /cds-services HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + big + "\r\n\r\n");

    System.out.printf("[edge] %d-byte header: %d%n", big.length(), a.status);
    assertEquals(431, a.status, a.text);
    assertEquals(List.of("FCDS-7044"), a.codes());
  }

  @Test
  void aRequestLineLongerThanTheLimitIs414() throws Exception {
    String target = "/cds-services?q=" + "a".repeat(MAX_LINE + 100);

    Answer a = exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    System.out.printf("[edge] %d-byte request target: %d%n", target.length(), a.status);
    assertEquals(414, a.status, a.text);
    assertEquals(List.of("FCDS-7043"), a.codes());
  }

  @Test
  void aRequestTheDecoderCannotReadIs400WithItsCode() throws Exception {
    Answer a = exchange("GET /cds-services HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n");

    System.out.printf("[edge] header line without a colon: %d%n", a.status);
    assertEquals(400, a.status, a.text);
    assertEquals(List.of("FCDS-7045"), a.codes());
  }

  @Test
  void aBodyAnnouncedLargerThanTheLimitIs413WithItsCodeBeforeItIsSent() throws Exception {
    Answer a =
        exchange(
            "POST /cds-services/imaging-fusion HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer "
                + ehr.sign(hook)
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + (MAX_BODY + 1)
                + "\r\n\r\n");

    System.out.printf("[edge] body announced %d bytes: %d%n", MAX_BODY + 1, a.status);
    assertEquals(413, a.status, a.text);
    assertEquals(List.of("FCDS-7040"), a.codes());
  }

  @Test
  void aChunkedBodyLargerThanTheLimitIs413WithItsCode() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(
          ascii(
              "POST /cds-services/imaging-fusion HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + ehr.sign(hook)
                  + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
      byte[] chunk = new byte[4096];
      Arrays.fill(chunk, (byte) ' ');
      int sent = 0;
      // twice the limit at most; the server may answer and close before the last chunk
      while (sent < 2 * MAX_BODY && writeChunkQuietly(out, chunk)) {
        sent += chunk.length;
      }
      writeQuietly(out, ascii("0\r\n\r\n"));
      s.setSoTimeout(5000);
      Answer a = Answer.read(-2, s.getInputStream());
      System.out.printf("[edge] chunked body, %d bytes sent: %d%n", sent, a.status);
      assertEquals(413, a.status, a.text);
      assertEquals(List.of("FCDS-7040"), a.codes());
    }
  }

  @Test
  void aThousandIdleConnectionsDoNotSlowAWorkingClient() throws Exception {
    calls(100); // warm-up: JIT, the keep-alive connection
    double[] unloaded = calls(CALLS);
    List<Socket> idle = new ArrayList<>();
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        idle.add(connect());
      }
      double openMs = (System.nanoTime() - t0) / 1e6;
      double[] loaded = calls(CALLS);
      int stillOpen = stillOpen(idle);
      // p90, not p99: the p99 of a few hundred calls is their two or three slowest, which anything
      // else on the machine can make (38.7 ms against 2 × 18.4 once, with builds beside the CI);
      // idle connections that cost the server something per call would move most calls, and a
      // looser bound on the p99 still catches a tail they alone would make
      double p90Unloaded = percentile(unloaded, 0.90);
      double p90Loaded = percentile(loaded, 0.90);
      double p99Unloaded = percentile(unloaded, 0.99);
      double p99Loaded = percentile(loaded, 0.99);
      System.out.printf(
          "[edge] discovery, %d calls: unloaded p50 %.2f ms p90 %.2f ms p99 %.2f ms; with %d idle"
              + " connections (opened in %.0f ms, %d still open after) p50 %.2f ms p90 %.2f ms"
              + " p99 %.2f ms%n",
          CALLS,
          percentile(unloaded, 0.5),
          p90Unloaded,
          p99Unloaded,
          IDLE_CONNECTIONS,
          openMs,
          stillOpen,
          percentile(loaded, 0.5),
          p90Loaded,
          p99Loaded);
      assertEquals(IDLE_CONNECTIONS, stillOpen, "idle connections closed during the measurement");
      assertTrue(
          p90Loaded <= 2 * p90Unloaded,
          "p90 with idle connections " + p90Loaded + " ms > 2 × unloaded " + p90Unloaded + " ms");
      assertTrue(
          p99Loaded <= 5 * p99Unloaded,
          "p99 with idle connections " + p99Loaded + " ms > 5 × unloaded " + p99Unloaded + " ms");
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  /** {@code n} signed discovery calls, one after the other; each one's wall time in ms. */
  private static double[] calls(int n) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      var request = SecuredApp.signed(ehr, discovery).GET().build(); // signed before the clock
      long t0 = System.nanoTime();
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      ms[i] = (System.nanoTime() - t0) / 1e6;
      assertEquals(200, r.statusCode(), r.body());
    }
    return ms;
  }

  private static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** How many of the sockets the server has not closed (a 1 ms read that times out). */
  private static int stillOpen(List<Socket> sockets) throws IOException {
    int open = 0;
    for (Socket s : sockets) {
      s.setSoTimeout(1);
      if (readOrTimeout(s.getInputStream()) == -2) {
        open++;
      }
    }
    return open;
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setTcpNoDelay(true);
    return s;
  }

  private static Answer exchange(String request) throws IOException {
    try (Socket s = connect()) {
      writeQuietly(s.getOutputStream(), ascii(request));
      s.setSoTimeout(5000);
      return Answer.read(-2, s.getInputStream());
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean writeQuietly(OutputStream out, char c) {
    return writeQuietly(out, new byte[] {(byte) c});
  }

  /** False when the server has closed the connection. */
  private static boolean writeQuietly(OutputStream out, byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  private static boolean writeChunkQuietly(OutputStream out, byte[] chunk) {
    return writeQuietly(out, ascii(Integer.toHexString(chunk.length) + "\r\n"))
        && writeQuietly(out, chunk)
        && writeQuietly(out, ascii("\r\n"));
  }

  /** True when a read within the socket's timeout sees the end of the stream or a reset. */
  private static boolean closedByServer(Socket s) throws IOException {
    return readOrTimeout(s.getInputStream()) == -1;
  }

  /** The next byte, -1 at the end of the stream or on a reset, -2 when the read timed out. */
  private static int readOrTimeout(InputStream in) {
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      return -2;
    } catch (IOException reset) {
      return -1;
    }
  }

  private static int readQuietly(InputStream in) {
    int b = readOrTimeout(in);
    return b == -2 ? 0 : b;
  }

  /** An HTTP/1.1 answer read from a raw socket: its status and its whole text. */
  private record Answer(int status, String text) {

    /** Reads to the end of the stream (each answer here closes), {@code first} already read. */
    static Answer read(int first, InputStream in) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (first >= 0) {
        bytes.write(first);
      }
      int b;
      while ((b = readOrTimeout(in)) >= 0 && bytes.size() < 1_000_000) {
        bytes.write(b);
      }
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      String[] line = text.split("\r\n", 2)[0].split(" ");
      int status = line.length > 1 && line[1].matches("\\d{3}") ? Integer.parseInt(line[1]) : -1;
      return new Answer(status, text);
    }

    List<String> codes() throws IOException {
      int start = text.indexOf("\r\n\r\n");
      JsonNode body = JSON.readTree(text.substring(start + 4));
      List<String> out = new ArrayList<>();
      for (JsonNode issue : body.path("issue")) {
        out.add(issue.path("details").path("coding").path(0).path("code").asText());
      }
      return out;
    }
  }
}
