package org.fusioncds.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on 127.0.0.1 that misbehaves at the byte level, for the hostile-upstream
 * tests: each connection's request line and headers are read (at most 64 KiB), then the current
 * {@link Behaviour} writes whatever bytes it likes to the raw socket — a length that lies, one byte
 * a second, a body without end — and the connection is closed. Every behaviour is bounded: it stops
 * after {@link #MAX_ANSWER} or when the server is closed, which also closes every open connection.
 */
public final class HostileServer implements AutoCloseable {

  /** The longest any behaviour writes to one connection. */
  public static final Duration MAX_ANSWER = Duration.ofSeconds(30);

  /** A request as it arrived: method, target (path and query), headers (names in lower case). */
  public record Request(String method, String target, Map<String, String> headers) {}

  /** What the server does with one request: writes the raw answer. */
  @FunctionalInterface
  public interface Behaviour {
    void answer(Request request, Exchange exchange) throws IOException;
  }

  /** One connection's output, and whether the server still runs and the time is not up. */
  public final class Exchange {
    private final OutputStream out;
    private final long endNanos = System.nanoTime() + MAX_ANSWER.toNanos();

    private Exchange(OutputStream out) {
      this.out = out;
    }

    public OutputStream out() {
      return out;
    }

    /** False once the server is closed or {@link #MAX_ANSWER} has passed. */
    public boolean going() {
      return running && System.nanoTime() - endNanos < 0;
    }

    /** The base URL of this server, for links that point back to it. */
    public String base() {
      return HostileServer.this.base();
    }
  }

  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(daemon());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private final String path;
  private volatile Behaviour behaviour;
  private volatile boolean running = true;

  private HostileServer(String path, Behaviour behaviour) throws IOException {
    this.path = path;
    this.behaviour = behaviour;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::accept);
  }

  /** A server whose base URL ends in {@code path} (for example {@code /fhir}). */
  public static HostileServer start(String path, Behaviour behaviour) {
    try {
      return new HostileServer(path, behaviour);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String base() {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  /** Replaces what the server does with the next requests. */
  public void behave(Behaviour next) {
    behaviour = next;
  }

  /** The requests answered or being answered so far. */
  public int requests() {
    return requests.get();
  }

  private void accept() {
    while (running) {
      try {
        Socket s = server.accept();
        open.add(s);
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(10_000);
      Request r = readRequest(s.getInputStream());
      if (r == null) {
        return;
      }
      requests.incrementAndGet();
      OutputStream out = s.getOutputStream();
      behaviour.answer(r, new Exchange(out));
      out.flush();
    } catch (IOException e) {
      // the client went away or the server closed: nothing to answer
    } finally {
      open.remove(s);
    }
  }

  private static Request readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0 || head.size() > 64 * 1024) {
        return null;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] start = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(),
            lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    in.readNBytes(Math.min(length, 1 << 20)); // a request body, read and dropped
    return new Request(start[0], start.length > 1 ? start[1] : "/", headers);
  }

  @Override
  public void close() {
    running = false;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    pool.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "hostile-server");
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------ behaviours

  /** The status line and headers, then an empty line; {@code Connection: close} always. */
  public static void head(OutputStream out, int status, String... headers) throws IOException {
    StringBuilder s = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
    for (String h : headers) {
      s.append(h).append("\r\n");
    }
    out.write(s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** An honest answer: the status, the type, the body with its true length. */
  public static Behaviour answer(int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (r, x) -> {
      head(x.out(), status, "Content-Type: " + contentType, "Content-Length: " + bytes.length);
      x.out().write(bytes);
    };
  }

  /** The headers at once (with the true length), then the body one byte a second. */
  public static Behaviour drip(int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (r, x) -> {
      head(x.out(), status, "Content-Type: " + contentType, "Content-Length: " + bytes.length);
      for (int i = 0; i < bytes.length && x.going(); i++) {
        x.out().write(bytes[i]);
        x.out().flush();
        pause(Duration.ofSeconds(1));
      }
    };
  }

  /** Declares {@code declaredLength} bytes, sends the body (fewer bytes), closes. */
  public static Behaviour lyingLength(
      int status, String contentType, String body, long declaredLength) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return (r, x) -> {
      head(x.out(), status, "Content-Type: " + contentType, "Content-Length: " + declaredLength);
      x.out().write(bytes);
    };
  }

  /**
   * No length: {@code prefix}, then {@code repeated} again and again as fast as the client reads,
   * until {@code totalBytes} (then {@code suffix}) or the client stops reading.
   */
  public static Behaviour stream(
      int status,
      String[] headers,
      byte[] prefix,
      byte[] repeated,
      long totalBytes,
      byte[] suffix) {
    return (r, x) -> {
      head(x.out(), status, headers);
      x.out().write(prefix);
      byte[] chunk =
          new byte[Math.max(repeated.length, 64 * 1024 / repeated.length * repeated.length)];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = repeated[i % repeated.length];
      }
      long sent = prefix.length;
      while (sent < totalBytes && x.going()) {
        x.out().write(chunk);
        sent += chunk.length;
      }
      x.out().write(suffix);
    };
  }

  /**
   * Passes the request on to {@code upstream} (whose base replaces this server's) and copies the
   * answer's status, type and body back.
   */
  public static Behaviour forwardTo(String ownPath, String upstreamBase) {
    HttpClient http = HttpClient.newHttpClient();
    return (r, x) -> {
      URI target = URI.create(upstreamBase + r.target().substring(ownPath.length()));
      HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(20));
      String accept = r.headers().get("accept");
      if (accept != null) {
        b.header("Accept", accept);
      }
      HttpResponse<byte[]> a;
      try {
        a = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      head(
          x.out(),
          a.statusCode(),
          "Content-Type: "
              + a.headers().firstValue("Content-Type").orElse("application/octet-stream"),
          "Content-Length: " + a.body().length);
      x.out().write(a.body());
    };
  }

  /** Requests whose target contains {@code marker} get {@code special}, the rest {@code normal}. */
  public static Behaviour when(String marker, Behaviour special, Behaviour normal) {
    return (r, x) -> (r.target().contains(marker) ? special : normal).answer(r, x);
  }

  /** The first {@code n} requests get {@code first}, the later ones {@code then}. */
  public static Behaviour firstThen(int n, Behaviour first, Behaviour then) {
    AtomicInteger seen = new AtomicInteger();
    return (r, x) -> (seen.getAndIncrement() < n ? first : then).answer(r, x);
  }

  /** Waits a while without a poll: the drip's pace is the point. */
  private static void pause(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis()); // the hostile behaviour itself: one byte per interval
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
