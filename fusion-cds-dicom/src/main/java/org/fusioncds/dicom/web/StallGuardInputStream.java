package org.fusioncds.dicom.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body that has delivered no byte for longer than the timeout, or that is not
 * finished within the total limit, so that a server that stops sending mid-response, or drips, ends
 * in {@link StalledException} instead of a read that blocks forever (the JDK client's request
 * timeout only covers the wait for the response headers).
 */
final class StallGuardInputStream extends FilterInputStream {

  /** The body delivered no byte within the timeout. */
  static final class StalledException extends IOException {
    StalledException(Duration timeout, Throwable cause) {
      super("no response bytes within " + timeout.toMillis() + " ms", cause);
    }
  }

  private final ScheduledExecutorService timer;
  private final Duration timeout;
  private final long timeoutNanos;
  private final long endNanos;
  private volatile long lastProgress;
  private volatile boolean expired;
  private volatile boolean closed;
  private volatile ScheduledFuture<?> check;

  StallGuardInputStream(InputStream in, Duration timeout, ScheduledExecutorService timer) {
    this(in, timeout, null, timer);
  }

  /**
   * @param total the limit for the whole body (a server that drips a byte within every timeout
   *     never stalls), or null for none
   */
  StallGuardInputStream(
      InputStream in, Duration timeout, Duration total, ScheduledExecutorService timer) {
    super(in);
    this.timer = timer;
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.lastProgress = System.nanoTime();
    this.endNanos = total == null ? Long.MAX_VALUE : lastProgress + total.toNanos();
    this.check =
        timer.schedule(
            this::check, Math.min(timeoutNanos, remaining(lastProgress)), TimeUnit.NANOSECONDS);
  }

  private long remaining(long now) {
    return endNanos == Long.MAX_VALUE ? Long.MAX_VALUE : endNanos - now;
  }

  private void check() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    long idle = now - lastProgress;
    if (idle >= timeoutNanos || remaining(now) <= 0) {
      expired = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // the reader sees the expiry either way
      }
    } else {
      check =
          timer.schedule(
              this::check, Math.min(timeoutNanos - idle, remaining(now)), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public int read() throws IOException {
    try {
      int b = in.read();
      return progressed(b);
    } catch (IOException e) {
      throw expired ? new StalledException(timeout, e) : e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = in.read(b, off, len);
      return progressed(n);
    } catch (IOException e) {
      throw expired ? new StalledException(timeout, e) : e;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      long skipped = in.skip(n);
      progressed(0);
      return skipped;
    } catch (IOException e) {
      throw expired ? new StalledException(timeout, e) : e;
    }
  }

  private int progressed(int result) throws StalledException {
    if (expired) {
      throw new StalledException(timeout, null);
    }
    lastProgress = System.nanoTime();
    return result;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    check.cancel(false);
    in.close();
  }
}
