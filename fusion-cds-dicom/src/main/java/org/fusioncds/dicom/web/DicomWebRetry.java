package org.fusioncds.dicom.web;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOMweb client's retry policy, declared as a resilience4j {@link RetryConfig}: a 5xx, a 429
 * and a connection failure (including a response that breaks off mid-body or stalls) are retried;
 * any other answer never is. The wait doubles from {@code backoff} up to {@code maxBackoff}, and is
 * at least what the server's {@code Retry-After} asks (also capped).
 */
final class DicomWebRetry {

  private static final Logger LOG = LoggerFactory.getLogger(DicomWebClient.class);

  private DicomWebRetry() {}

  /** A failed attempt that may be tried again: a retryable status, or a connection failure. */
  static final class Retryable extends RuntimeException {
    final String where;
    final int status;
    final Duration retryAfter;

    private Retryable(String where, String why, int status, Duration retryAfter, Exception cause) {
      super(where + " " + why, cause, false, false);
      this.where = where;
      this.status = status;
      this.retryAfter = retryAfter;
    }

    /** The server answered a status worth retrying (see {@link #isRetryable(int)}). */
    static Retryable status(String where, int status, Duration retryAfter) {
      return new Retryable(where, "answered " + status, status, retryAfter, null);
    }

    /** The connection failed, stalled or broke off; {@code cause} says how. */
    static Retryable broken(String where, Exception cause) {
      return new Retryable(where, "failed (" + cause + ")", 0, Duration.ZERO, cause);
    }

    /** The cause when the connection failed, else null. */
    IOException ioCause() {
      return getCause() instanceof IOException io ? io : null;
    }
  }

  /** The statuses retried: every 5xx and 429 Too Many Requests. */
  static boolean isRetryable(int status) {
    return status >= 500 || status == 429;
  }

  /**
   * The declared policy.
   *
   * @param maxRetries how often a failed attempt is retried (0: never)
   * @param backoff the wait before the first retry (at least 1 ms)
   * @param maxBackoff the longest wait, Retry-After included
   */
  static RetryConfig config(int maxRetries, Duration backoff, Duration maxBackoff) {
    long first = Math.max(1, backoff.toMillis());
    long cap = Math.max(first, maxBackoff.toMillis());
    IntervalFunction doubling = IntervalFunction.ofExponentialBackoff(first, 2.0, cap);
    return RetryConfig.custom()
        .maxAttempts(maxRetries + 1)
        .retryOnException(e -> e instanceof Retryable)
        .intervalBiFunction(
            (attempt, outcome) -> {
              long wait = doubling.apply(attempt);
              if (outcome.isLeft() && outcome.getLeft() instanceof Retryable r) {
                wait = Math.max(wait, r.retryAfter.toMillis());
              }
              return Math.min(wait, cap);
            })
        .build();
  }

  /** A Retry of this policy that logs each retry (method and path, never the query string). */
  static Retry retry(String name, RetryConfig config) {
    Retry retry = Retry.of(name, config);
    int retries = config.getMaxAttempts() - 1;
    retry
        .getEventPublisher()
        .onRetry(
            e ->
                LOG.warn(
                    "{}; retry {} of {} in {} ms",
                    e.getLastThrowable().getMessage(),
                    e.getNumberOfRetryAttempts(),
                    retries,
                    e.getWaitInterval().toMillis()));
    return retry;
  }
}
