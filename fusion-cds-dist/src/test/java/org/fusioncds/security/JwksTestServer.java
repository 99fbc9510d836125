package org.fusioncds.security;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real loopback HTTP server that answers {@code /jwks} as the test sets it: a status, a body, a
 * redirect or a body that never finishes. Counts requests.
 */
final class JwksTestServer implements AutoCloseable {

  private final HttpServer http;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 200;
  private volatile byte[] body = new byte[0];
  private volatile String location;
  private volatile boolean stall;

  JwksTestServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    http.createContext("/jwks", this::answer);
    http.setExecutor(workers);
    http.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks");
  }

  int requests() {
    return requests.get();
  }

  void answer(int status, String body) {
    this.status = status;
    this.body = body.getBytes(StandardCharsets.UTF_8);
  }

  void answer(int status, byte[] body) {
    this.status = status;
    this.body = body;
  }

  void redirectTo(URI target) {
    this.status = 302;
    this.location = target.toString();
  }

  /** Sends headers and half the body, then waits far longer than any test timeout. */
  void stall() {
    this.stall = true;
  }

  private void answer(com.sun.net.httpserver.HttpExchange x) throws IOException {
    requests.incrementAndGet();
    if (location != null) {
      x.getResponseHeaders().set("Location", location);
    }
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      if (stall) {
        out.write(body, 0, body.length / 2);
        out.flush();
        sleep(10_000); // a slow server on purpose: the client's read timeout must end the wait
      }
      out.write(body);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    http.stop(0);
    workers.shutdownNow();
  }
}
