package org.fusioncds.security;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.OperationOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every open HTTP/1.x connection of the server through the phases of its current request:
 * waiting for a header block (since the connection opened or the previous answer ended), waiting
 * for the body, being answered. A connection that stays longer than {@code edge.header-timeout-ms}
 * waiting for headers is closed (there is no request to answer); one whose body does not end within
 * {@code edge.body-timeout-ms} gets 408 FCDS-7041 and is closed. A body announced larger than
 * {@code edge.max-body-bytes} gets 413 FCDS-7040 before a byte of it is read. One periodic timer
 * looks at all connections; each connection's state is touched only on its own event loop.
 */
final class EdgeWatch {

  private enum Phase {
    HEADERS,
    BODY,
    ANSWERING
  }

  /** One connection; its fields are read and written on its event loop only. */
  private static final class Watched {
    final HttpConnection connection;
    final Context context;
    Phase phase = Phase.HEADERS;
    long since = System.nanoTime();
    HttpServerRequest request;

    Watched(HttpConnection connection, Context context) {
      this.connection = connection;
      this.context = context;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(EdgeWatch.class);
  private static final String FHIR_JSON = "application/fhir+json";

  private final HttpEdgeLimits limits;
  private final Vertx vertx;
  private final Map<HttpConnection, Watched> open = new ConcurrentHashMap<>();
  private final long timer;

  EdgeWatch(Vertx vertx, HttpEdgeLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.timer = vertx.setPeriodic(limits.tickMs(), id -> sweep());
  }

  /** The server's connection handler: a new connection waits for its first header block. */
  void opened(HttpConnection connection) {
    Watched w = new Watched(connection, Vertx.currentContext());
    open.put(connection, w);
    connection.closeHandler(v -> open.remove(connection));
  }

  /** Wraps the server's request handler: the header block is complete; the body may follow. */
  void arrived(HttpServerRequest request, Handler<HttpServerRequest> next) {
    Watched w = open.get(request.connection());
    if (announcedTooLarge(request)) {
      refuse(
          request,
          ErrorCode.HTTP_BODY_TOO_LARGE,
          "the request announces "
              + request.getHeader("Content-Length")
              + " bytes, more than edge.max-body-bytes = "
              + limits.maxBodyBytes());
      return;
    }
    if (w != null) {
      w.request = request;
      w.since = System.nanoTime();
      w.phase = request.isEnded() ? Phase.ANSWERING : Phase.BODY;
    }
    next.handle(request);
  }

  /**
   * What the router answers for failures no route handled: a chunked body past {@code
   * camel.server.max-body-size} (the body handler's 413) gets 413 FCDS-7040; a connection closed
   * under a request (by its client, or by this watch) is let go without a log line at ERROR; a body
   * the decoder could not read gets 400 FCDS-1001; anything else is the service's fault: logged,
   * and answered 500 FCDS-1099.
   */
  void answerFailures(Router router) {
    router.errorHandler(
        413,
        ctx ->
            refuse(
                ctx.request(),
                ErrorCode.HTTP_BODY_TOO_LARGE,
                "the request body is larger than edge.max-body-bytes = " + limits.maxBodyBytes()));
    // the body handler fails a body that breaks off with status 200 (400 for a decoding error)
    for (int status : new int[] {200, 400, 500}) {
      router.errorHandler(status, this::unhandled);
    }
  }

  private void unhandled(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException) {
      LOG.debug("connection closed under a request: {}", ctx.request().path());
      return;
    }
    if (ctx.statusCode() == 400) {
      refuse(ctx.request(), ErrorCode.REQUEST_BODY_INVALID, "the request body could not be read");
      return;
    }
    LOG.error(
        ErrorCode.UNEXPECTED.format("no route handled a failure of {}"),
        ctx.request().path(),
        ctx.failure());
    String body =
        OperationOutcomes.internal(
                new FcdsException(ErrorCode.UNEXPECTED, "unhandled", ctx.failure()))
            .toString();
    if (!ctx.response().headWritten() && !ctx.response().closed()) {
      ctx.response().setStatusCode(500).putHeader("Content-Type", FHIR_JSON).end(body);
    }
  }

  /**
   * What the HTTP decoder could not take (Vert.x's invalid-request handler; the connection is
   * closed once the answer ends): a request line past {@code edge.max-initial-line-bytes} gets 414
   * FCDS-7043, a header block past {@code edge.max-header-bytes} 431 FCDS-7044, anything else the
   * decoder refused 400 FCDS-7045 — each with an OperationOutcome, as every other refusal.
   */
  void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String why = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    if (cause instanceof TooLongFrameException && why.startsWith("An HTTP line is larger than")) {
      refuse(
          request,
          ErrorCode.HTTP_REQUEST_LINE_TOO_LONG,
          "the request line is longer than edge.max-initial-line-bytes = "
              + limits.maxInitialLineBytes());
    } else if (cause instanceof TooLongFrameException
        && why.startsWith("HTTP header is larger than")) {
      refuse(
          request,
          ErrorCode.HTTP_HEADERS_TOO_LARGE,
          "the header block is larger than edge.max-header-bytes = " + limits.maxHeaderBytes());
    } else {
      refuse(
          request,
          ErrorCode.HTTP_REQUEST_UNREADABLE,
          "the HTTP decoder refused the request ("
              + (cause == null ? "no cause" : cause.getClass().getSimpleName())
              + ")");
    }
  }

  /** The number of connections open now. */
  int openConnections() {
    return open.size();
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private boolean announcedTooLarge(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return false; // chunked: the body handler's limit (camel.server.max-body-size) applies
    }
    try {
      return Long.parseLong(length.trim()) > limits.maxBodyBytes();
    } catch (NumberFormatException e) {
      return false; // the HTTP decoder has already refused it with 400
    }
  }

  private void sweep() {
    for (Watched w : open.values()) {
      if (w.context == null) {
        look(w);
      } else {
        w.context.runOnContext(v -> look(w));
      }
    }
  }

  private void look(Watched w) {
    long waited = (System.nanoTime() - w.since) / 1_000_000;
    switch (w.phase) {
      case HEADERS -> {
        if (waited > limits.headerTimeoutMs()) {
          open.remove(w.connection);
          w.connection.close();
        }
      }
      case BODY -> {
        if (w.request.isEnded()) {
          w.phase = Phase.ANSWERING;
        } else if (waited > limits.bodyTimeoutMs()) {
          open.remove(w.connection);
          refuse(
              w.request,
              ErrorCode.HTTP_BODY_TOO_SLOW,
              "the request body did not end within edge.body-timeout-ms = "
                  + limits.bodyTimeoutMs()
                  + " ms");
        }
      }
      case ANSWERING -> {
        HttpServerResponse r = w.request.response();
        if (r.ended() || r.closed()) {
          w.phase = Phase.HEADERS; // keep-alive: the next header block has its own deadline
          w.since = System.nanoTime();
          w.request = null;
        }
      }
    }
  }

  /** Answers with the code's status and an OperationOutcome, then closes the connection. */
  private static void refuse(HttpServerRequest request, ErrorCode code, String text) {
    HttpServerResponse r = request.response();
    HttpConnection connection = request.connection();
    if (r.headWritten() || r.ended() || r.closed()) {
      connection.close();
      return;
    }
    String body =
        OperationOutcomes.of(
                code.httpStatus(),
                List.of(new OperationOutcomes.Issue(code.code(), code.format(text), null)))
            .toString();
    r.setStatusCode(code.httpStatus())
        .putHeader("Content-Type", FHIR_JSON)
        .putHeader("Connection", "close")
        .end(body)
        .onComplete(done -> connection.close());
  }
}
