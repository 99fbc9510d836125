package org.fusioncds.report;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Sends the write-back transaction (FHIR R4 §3.1.0.11 transaction) under a declared resilience4j
 * retry: only a 409 Conflict or a 412 Precondition Failed is sent again (two transactions that
 * create the same Device or report at once; the retried one's conditional creates then find what
 * the other wrote). Every other refusal, and a server that cannot be reached, fails at once. Coded
 * errors: FCDS-6001 refused, FCDS-6002 unreachable, FCDS-6005 still conflicting after the last
 * attempt, FCDS-6006 interrupted while waiting to retry, FCDS-6007 settings out of range.
 */
public final class TransactionRetry {

  private final Retry retry;
  private final int maxAttempts;

  /**
   * @param maxAttempts the most transactions sent, the first included ({@code
   *     report.retry.max-attempts})
   * @param backoff the mean wait before the first retry, randomized by ±50 % and growing by half
   *     for each further one ({@code report.retry.backoff-ms})
   */
  public TransactionRetry(int maxAttempts, Duration backoff) {
    if (maxAttempts < 1 || backoff.toMillis() < 1) {
      throw new FcdsException(
          ErrorCode.REPORT_RETRY_SETTINGS,
          "report.retry.max-attempts must be at least 1 and report.retry.backoff-ms positive, got "
              + maxAttempts
              + " and "
              + backoff.toMillis());
    }
    this.maxAttempts = maxAttempts;
    this.retry = Retry.of("fhir-transaction", config(maxAttempts, backoff));
  }

  /** The declared policy: what is retried, how often, how long between. */
  static RetryConfig config(int maxAttempts, Duration backoff) {
    return RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .retryExceptions(ResourceVersionConflictException.class, PreconditionFailedException.class)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(backoff, 1.5, 0.5))
        .build();
  }

  /** Sends the transaction; its answer, or a coded error. */
  public Bundle send(IGenericClient fhir, Bundle bundle) {
    try {
      return retry.executeSupplier(() -> fhir.transaction().withBundle(bundle).execute());
    } catch (ResourceVersionConflictException | PreconditionFailedException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new FcdsException(
            ErrorCode.REPORT_INTERRUPTED, "interrupted while writing the report");
      }
      throw new FcdsException(
          ErrorCode.REPORT_RETRIES_EXHAUSTED,
          "the FHIR server kept answering HTTP "
              + e.getStatusCode()
              + " to the transaction after "
              + maxAttempts
              + " attempts");
    } catch (FhirClientConnectionException e) {
      throw new FcdsException(
          ErrorCode.REPORT_FHIR_UNREACHABLE, "the FHIR server cannot be reached — transaction", e);
    } catch (BaseServerResponseException e) {
      throw new FcdsException(
          ErrorCode.REPORT_TRANSACTION_REFUSED,
          "the FHIR server answered HTTP " + e.getStatusCode() + " — transaction");
    }
  }
}
