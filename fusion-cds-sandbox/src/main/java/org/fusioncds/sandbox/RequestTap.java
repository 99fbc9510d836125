package org.fusioncds.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A recording pass-through HTTP/1.1 proxy on 127.0.0.1: forwards every request to {@code target}
 * and keeps its method, path and query (as sent, still encoded) and the headers that decide the
 * answer ({@code Accept}, {@code Content-Type}, {@code Cache-Control}), and its body. The hook
 * benchmark points one hook call at two taps (FHIR and DICOMweb) to learn exactly what the service
 * sends; tests count what a hook call costs the servers behind it.
 */
public final class RequestTap implements AutoCloseable {

  /** One request as the service sent it; {@code body} as UTF-8 text ("" when none). */
  public record Seen(
      String method,
      String pathAndQuery,
      String accept,
      String contentType,
      String cache,
      String body) {}

  private static final List<String> FORWARDED = List.of("Accept", "Content-Type", "Cache-Control");

  private final HttpServer server;
  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String target;
  private final String prefix;
  private final List<Seen> seen = new ArrayList<>();

  /** Taps {@code target} (for example {@code http://127.0.0.1:1234/fhir}). */
  public RequestTap(String target) throws IOException {
    this.target = target;
    this.prefix = URI.create(target).getRawPath();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(workers);
    server.createContext("/", this::forward);
    server.start();
  }

  /** The tap's base URL, standing in for the target's. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
  }

  /** Requests answered here with {@code status}, not passed on (see {@link #refuse}). */
  private record Refusal(String prefix, int status) {}

  private volatile Refusal refusal;

  /**
   * From now on answers each request whose path and query (relative to the target's base) start
   * with {@code prefix} with {@code status} and an OperationOutcome, as a server that does not
   * serve that search would, without passing it on (it is still seen); {@code null} passes every
   * request on again.
   */
  public void refuse(String prefix, int status) {
    refusal = prefix == null ? null : new Refusal(prefix, status);
  }

  /** The requests seen, path and query relative to the target's base. */
  public synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  private void forward(HttpExchange ex) throws IOException {
    String raw = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    String relative = raw.substring(prefix.length()) + (query == null ? "" : "?" + query);
    byte[] body = ex.getRequestBody().readAllBytes();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target + relative))
            .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (String h : FORWARDED) {
      String v = ex.getRequestHeaders().getFirst(h);
      if (v != null) {
        b.header(h, v);
      }
    }
    synchronized (this) {
      seen.add(
          new Seen(
              ex.getRequestMethod(),
              relative,
              ex.getRequestHeaders().getFirst("Accept"),
              ex.getRequestHeaders().getFirst("Content-Type"),
              ex.getRequestHeaders().getFirst("Cache-Control"),
              new String(body, java.nio.charset.StandardCharsets.UTF_8)));
    }
    Refusal refused = refusal;
    if (refused != null && relative.startsWith(refused.prefix())) {
      byte[] outcome =
          ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                  + "\"code\":\"not-supported\",\"diagnostics\":\"refused by the tap\"}]}")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
      ex.sendResponseHeaders(refused.status(), outcome.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(outcome);
      } finally {
        ex.close();
      }
      return;
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      r.headers()
          .firstValue("Content-Type")
          .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
      r.headers().firstValue("Location").ifPresent(v -> ex.getResponseHeaders().add("Location", v));
      ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(502, -1);
    } finally {
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
