package org.fusioncds.security;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpEntity;
import org.apache.http.HttpRequest;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.HttpResponse;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.entity.HttpEntityWrapper;
import org.apache.http.protocol.HttpContext;

/**
 * Bounds every answer of a FHIR server in time and size (Apache HttpClient 4 interceptors): a
 * request not finished — headers and body — within the request timeout is aborted, and a body
 * longer than the byte limit is cut. The socket timeout bounds each read only, so a server that
 * drips one byte a second, or sends without end, would otherwise hold the hook (and the heap) for
 * as long as it likes.
 */
public final class BoundedAnswers implements HttpRequestInterceptor, HttpResponseInterceptor {

  /** The answer did not finish within the request timeout. */
  public static final class AnswerTooSlowException extends SocketTimeoutException {
    AnswerTooSlowException(long timeoutMs) {
      super("the answer did not finish within " + timeoutMs + " ms");
    }
  }

  /** The answer's body is longer than the byte limit. */
  public static final class AnswerTooLargeException extends IOException {
    AnswerTooLargeException(long maxBytes) {
      super("the answer exceeds " + maxBytes + " bytes");
    }
  }

  private static final String DEADLINE = "fcds.deadline";
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final long requestTimeoutMs;
  private final long maxBytes;

  BoundedAnswers(long requestTimeoutMs, long maxBytes) {
    this.requestTimeoutMs = requestTimeoutMs;
    this.maxBytes = maxBytes;
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "fhir-answer-deadline");
              thread.setDaemon(true);
              return thread;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** One request's deadline: aborts the request when it passes. */
  private static final class Deadline {
    private final long endNanos;
    private volatile boolean fired;
    private volatile ScheduledFuture<?> abort;

    Deadline(long timeoutMs) {
      this.endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    boolean passed() {
      return fired || System.nanoTime() - endNanos >= 0;
    }

    void cancel() {
      ScheduledFuture<?> a = abort;
      if (a != null) {
        a.cancel(false);
      }
    }
  }

  @Override
  public void process(HttpRequest request, HttpContext context) {
    Deadline deadline = new Deadline(requestTimeoutMs);
    context.setAttribute(DEADLINE, deadline);
    HttpRequest original =
        request instanceof HttpRequestWrapper w ? w.getOriginal() : (HttpRequest) request;
    if (original instanceof HttpUriRequest abortable) {
      deadline.abort =
          TIMER.schedule(
              () -> {
                deadline.fired = true;
                abortable.abort();
              },
              requestTimeoutMs,
              TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void process(HttpResponse response, HttpContext context) throws IOException {
    Deadline deadline = (Deadline) context.getAttribute(DEADLINE);
    HttpEntity entity = response.getEntity();
    if (deadline == null || entity == null) {
      return;
    }
    if (entity.getContentLength() > maxBytes) {
      deadline.cancel();
      throw new AnswerTooLargeException(maxBytes);
    }
    response.setEntity(new Bounded(entity, deadline));
  }

  private final class Bounded extends HttpEntityWrapper {
    private final Deadline deadline;

    Bounded(HttpEntity entity, Deadline deadline) {
      super(entity);
      this.deadline = deadline;
    }

    @Override
    public InputStream getContent() throws IOException {
      return new BoundedStream(super.getContent(), deadline);
    }
  }

  private final class BoundedStream extends FilterInputStream {
    private final Deadline deadline;
    private long read;

    BoundedStream(InputStream in, Deadline deadline) {
      super(in);
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw deadline.passed() ? tooSlow(e) : e;
      }
      if (deadline.passed()) {
        throw tooSlow(null);
      }
      if (n > 0) {
        read += n;
        if (read > maxBytes) {
          throw new AnswerTooLargeException(maxBytes);
        }
      }
      return n;
    }

    private IOException tooSlow(IOException cause) {
      AnswerTooSlowException e = new AnswerTooSlowException(requestTimeoutMs);
      if (cause != null) {
        e.initCause(cause);
      }
      return e;
    }

    @Override
    public void close() throws IOException {
      deadline.cancel();
      super.close();
    }
  }
}
