package org.fusioncds.security;

import io.vertx.core.http.HttpServerOptions;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The limits of the service's HTTP edge ({@code edge.*}, docs/ARCHITECTURE.md section 7): the
 * largest request body, request header block and request line (RFC 9110 §15.5.14 413, RFC 6585 §5
 * 431, RFC 9110 §15.5.15 414), and how long a client may take to send the header block of a request
 * (from the connection's opening or the end of the previous answer) and then its body (RFC 9110
 * §15.5.9 408); and how many requests the service works on at once.
 *
 * @param maxBodyBytes {@code edge.max-body-bytes}
 * @param maxHeaderBytes {@code edge.max-header-bytes}: all header lines of one request together
 * @param maxInitialLineBytes {@code edge.max-initial-line-bytes}: method, target and version
 * @param headerTimeoutMs {@code edge.header-timeout-ms}
 * @param bodyTimeoutMs {@code edge.body-timeout-ms}
 * @param workerThreads {@code edge.worker-threads}: the Vert.x worker pool the routes run on, one
 *     request per thread from its arrival to its answer (a hook waiting for the FHIR server, the
 *     change feed or the audit journal holds its thread); requests past it wait for a thread
 */
public record HttpEdgeLimits(
    long maxBodyBytes,
    int maxHeaderBytes,
    int maxInitialLineBytes,
    long headerTimeoutMs,
    long bodyTimeoutMs,
    int workerThreads) {

  /** {@code edge.worker-threads} by default. */
  public static final int DEFAULT_WORKER_THREADS = 64;

  /** The defaults of application.properties. */
  public static final HttpEdgeLimits DEFAULTS =
      new HttpEdgeLimits(4L * 1024 * 1024, 8192, 4096, 10_000, 30_000, DEFAULT_WORKER_THREADS);

  public HttpEdgeLimits {
    positive("edge.max-body-bytes", maxBodyBytes);
    positive("edge.max-header-bytes", maxHeaderBytes);
    positive("edge.max-initial-line-bytes", maxInitialLineBytes);
    positive("edge.header-timeout-ms", headerTimeoutMs);
    positive("edge.body-timeout-ms", bodyTimeoutMs);
    positive("edge.worker-threads", workerThreads);
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new FcdsException(
          ErrorCode.HTTP_EDGE_SETTING_INVALID, key + " must be at least 1 — " + value);
    }
  }

  /**
   * The options with these limits: header block and request line sizes (the Vert.x HTTP/1.x decoder
   * answers 431, 414 or 400 past them and closes); HTTP/2 over cleartext off, so that every
   * connection carries one request at a time and the timeouts apply to it.
   */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    return options
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxInitialLineLength(maxInitialLineBytes)
        .setHttp2ClearTextEnabled(false);
  }

  /** How often open connections are looked at: a tenth of the shorter timeout, 20 ms to 1 s. */
  long tickMs() {
    return Math.max(20, Math.min(1000, Math.min(headerTimeoutMs, bodyTimeoutMs) / 10));
  }
}
