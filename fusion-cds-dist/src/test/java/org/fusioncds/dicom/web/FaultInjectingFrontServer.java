package org.fusioncds.dicom.web;

import com.sun.net.httpserver.Headers;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fault injector in front of a real server (Orthanc): a JDK HTTP server on 127.0.0.1 that, per
 * request, either proxies to the real server or misbehaves on purpose (an error status, a body cut
 * off mid-way, a body that stalls). It records every request it receives, headers included. It
 * imitates no DICOMweb behaviour: whatever is not a planned fault comes from the real server.
 */
final class FaultInjectingFrontServer implements AutoCloseable {

  /** What the front server does with one request. */
  @FunctionalInterface
  interface Fault {
    void apply(FaultInjectingFrontServer front, HttpExchange exchange, byte[] requestBody)
        throws IOException;
  }

  /** A request as the front server received it. */
  record Received(String method, String pathAndQuery, Map<String, List<String>> headers) {

    /** The first value of a header (case-insensitive), or {@code null}. */
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Deque<Fault> planned = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private Fault otherwise = proxy();

  private FaultInjectingFrontServer(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** A front server for {@code upstream} (scheme, host and port; the path is kept per request). */
  static FaultInjectingFrontServer start(URI upstream) throws IOException {
    return new FaultInjectingFrontServer(upstream);
  }

  /** The same path on the front server, for example its {@code /dicom-web}. */
  URI front(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The faults for the next requests, in order; afterwards {@link #otherwise(Fault)} applies. */
  synchronized FaultInjectingFrontServer plan(Fault... faults) {
    planned.addAll(List.of(faults));
    return this;
  }

  /** What to do once the plan is used up (initially: proxy). */
  synchronized FaultInjectingFrontServer otherwise(Fault fault) {
    otherwise = fault;
    return this;
  }

  /** The requests received so far. */
  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  // ------------------------------------------------------------------- faults

  /** Forward to the real server and return its answer unchanged. */
  static Fault proxy() {
    return (front, exchange, body) -> {
      Upstream answer = front.forward(exchange, body);
      send(exchange, answer.status, answer.contentType, answer.body);
    };
  }

  /** Answer with a status and a short text body, without asking the real server. */
  static Fault status(int status) {
    return (front, exchange, body) ->
        send(
            exchange,
            status,
            "text/plain",
            ("injected status " + status).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Forward, announce the full Content-Length, send half of the real body, then drop the
   * connection.
   */
  static Fault dropConnectionHalfway() {
    return (front, exchange, body) -> {
      Upstream answer = front.forward(exchange, body);
      copyContentType(exchange, answer.contentType);
      exchange.sendResponseHeaders(answer.status, answer.body.length);
      OutputStream out = exchange.getResponseBody();
      out.write(answer.body, 0, answer.body.length / 2);
      out.flush();
      // closing with bytes missing makes the JDK server drop the connection
      exchange.close();
    };
  }

  /** Forward, then end the response cleanly (chunked) after half of the real body. */
  static Fault endCleanlyHalfway() {
    return (front, exchange, body) -> {
      Upstream answer = front.forward(exchange, body);
      copyContentType(exchange, answer.contentType);
      exchange.sendResponseHeaders(answer.status, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body, 0, answer.body.length / 2);
      }
    };
  }

  /** Forward, send the headers and half of the body, then send nothing more for {@code stall}. */
  static Fault stallHalfway(Duration stall) {
    return (front, exchange, body) -> {
      Upstream answer = front.forward(exchange, body);
      copyContentType(exchange, answer.contentType);
      exchange.sendResponseHeaders(answer.status, answer.body.length);
      OutputStream out = exchange.getResponseBody();
      out.write(answer.body, 0, answer.body.length / 2);
      out.flush();
      try {
        front.closing.await(stall.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    };
  }

  // ------------------------------------------------------------------- machinery

  private record Upstream(int status, String contentType, byte[] body) {}

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Fault fault;
      synchronized (this) {
        received.add(
            new Received(
                exchange.getRequestMethod(),
                exchange.getRequestURI().toString(),
                copy(exchange.getRequestHeaders())));
        fault = planned.isEmpty() ? otherwise : planned.poll();
      }
      fault.apply(this, exchange, body);
    } catch (IOException | RuntimeException e) {
      // a fault that drops the connection ends here on purpose
    }
  }

  private Upstream forward(HttpExchange exchange, byte[] body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI().toString()))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
              }
            });
    try {
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Upstream(
          answer.statusCode(),
          answer.headers().firstValue("Content-Type").orElse(null),
          answer.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while proxying", e);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    copyContentType(exchange, contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void copyContentType(HttpExchange exchange, String contentType) {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
  }

  private static Map<String, List<String>> copy(Headers headers) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
